"""Tests: the real PostgreSQL and Redis, named by DATABASE_URL and REDIS_URL.

``make test`` starts throwaway servers and sets both; running pytest by hand
without them is refused rather than silently falling back to SQLite.
"""

import os

from .base import *  # noqa: F403

if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
    raise RuntimeError(
        "Tests run against PostgreSQL and Redis: use `make test`, or set "
        "DATABASE_URL and REDIS_URL."
    )

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".run" / "test-media"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# Every test calls the API from 127.0.0.1 through one Redis: a rate no suite reaches.
# The throttling tests set their own rate (directory/opendata/throttling.py reads it).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"},
}
# Tasks run at once, in the process that enqueues them: the bulk of the suite
# stays fast and sees their effects (e-mails in mailoutbox). The tests of the
# queue itself (tests/background/) switch to the database backend and start
# real workers (`manage.py run_worker`) against the test database.
# Parallel test workers share one Redis: each gets its own channel-layer prefix, so
# that thread 1 of one worker's database is not thread 1 of another's. Servers a
# test starts inherit PYTEST_XDIST_WORKER and so the same prefix.
CHANNEL_LAYER_PREFIX = "continuum-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = CHANNEL_LAYER_PREFIX  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Each test's database is rolled back: a feed remembered by the process from one test must
# not answer in the next. tests/events/test_feeds.py turns the memo on where it tests it.
EVENTS_FEED_MEMO_SECONDS = 0
