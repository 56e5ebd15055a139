"""Tasks and an e-mail backend for the tests of the queue, run by real workers.

Not a test module: the workers import these by their dotted path. What a
task saw is written to the cache (the tests' Redis, shared with the worker),
under a key the test chooses.
"""

import os
import smtplib
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django_tasks import task

from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from directory.background import retrying


@task()
def add(a: int, b: int) -> int:
    return a + b


@retrying(attempts=3, backoff=timedelta(seconds=1))
@task(takes_context=True)
def always_fails(context, *, key: str) -> None:
    cache.set(f"{key}:attempt:{context.attempt}", time.time(), timeout=600)
    raise RuntimeError("The partner's server refused the feed")


@retrying(attempts=2, backoff=timedelta(seconds=1))
@task(takes_context=True)
def hangs_on_first_attempt(context, *, key: str) -> str:
    if context.attempt == 1:
        cache.set(f"{key}:hanging", True, timeout=600)
        time.sleep(600)
    return f"finished on attempt {context.attempt}"


@task()
def hangs(*, key: str) -> None:
    cache.set(f"{key}:hanging", True, timeout=600)
    time.sleep(600)


@task()
def tick() -> str:
    return timezone.now().isoformat()


class FlakyEmailBackend(BaseEmailBackend):
    """A mail server that refuses the first ``FLAKY_SMTP_FAILURES`` calls, then writes each
    message to a file in ``FLAKY_SMTP_DIR`` (counted across calls in that folder)."""

    def send_messages(self, messages):
        folder = Path(os.environ["FLAKY_SMTP_DIR"])
        counter = folder / "calls"
        calls = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(calls + 1))
        if calls < int(os.environ.get("FLAKY_SMTP_FAILURES", "0")):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in messages:
            (folder / f"{uuid.uuid4()}.eml").write_bytes(message.message().as_bytes())
        return len(messages)


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")
