"""Real concurrent transactions for tests: each worker is a thread with its own connection.

A race is only a test when the interleaving that breaks things happens
every time. So a worker can *pause* right after the first SQL statement
matching a pattern (holding whatever locks it has taken so far), until the
test resumes it. With the code right, the other worker usually queues
behind the paused one's locks and the pause simply times out; with the
code wrong, both pause inside their transactions and then collide
(deadlock, duplicate key, double apply), which the test sees.

Tests using this need ``transactional_db``: each worker commits for real.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

#: The longest a paused worker waits for the test to resume it (seconds).
PAUSE_LIMIT = 5.0
#: How long the test lets the other worker run into the paused one's locks (seconds).
SETTLE = 1.0


class Worker(threading.Thread):
    """Runs ``function()`` on its own database connection; keeps its value or its error."""

    def __init__(self, function: Callable[[], Any], *, pause_after: str | None = None):
        super().__init__(daemon=True)
        self.function = function
        self.pattern = re.compile(pause_after) if pause_after else None
        self.paused = threading.Event()
        self._resume = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def _pause(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if self.pattern is not None and not self.paused.is_set() and self.pattern.search(sql):
            self.paused.set()
            self._resume.wait(PAUSE_LIMIT)
        return result

    def run(self) -> None:
        try:
            with connection.execute_wrapper(self._pause):
                self.value = self.function()
        except BaseException as error:  # reported to the test by outcome()
            self.error = error
        finally:
            connections.close_all()

    def resume(self) -> None:
        self._resume.set()

    def outcome(self, timeout: float = 30.0) -> Any:
        """The function's value; re-raises its error. Fails if the worker is stuck."""
        self.join(timeout)
        assert not self.is_alive(), "the worker is stuck (a lock never released?)"
        if self.error is not None:
            raise self.error
        return self.value


def run_together(*workers: Worker) -> list[Worker]:
    """Start the workers together, let each reach its pause (or block on a lock on its
    way there), then resume them all, and wait for them to finish."""
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.paused.wait(SETTLE)
    for worker in workers:
        worker.resume()
    for worker in workers:
        worker.join(30.0)
        assert not worker.is_alive(), "a worker is stuck (a lock never released?)"
    return list(workers)


def run_while_paused(first: Worker, second: Worker) -> tuple[Worker, Worker]:
    """Start ``first`` and wait for its pause; run ``second`` while ``first`` holds its
    locks (giving it a moment to finish, or to block); then resume ``first``."""
    first.start()
    assert first.paused.wait(PAUSE_LIMIT), "the first worker never reached its pause"
    second.start()
    second.join(SETTLE)
    first.resume()
    for worker in (first, second):
        worker.join(30.0)
        assert not worker.is_alive(), "a worker is stuck (a lock never released?)"
    return first, second
