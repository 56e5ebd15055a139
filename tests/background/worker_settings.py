"""Settings of the workers that the tests of the queue start (``manage.py run_worker``).

The test settings, with the database backend instead of the immediate one,
fast heartbeats, the e-mail backend of ``tests/background/tasks.py``, and
the periodic jobs a test asks for (``TEST_PERIODIC_TASKS``, JSON
``{"module.task": seconds}``). ``DATABASE_URL`` names the test database.
"""

import json
import os

from cms.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BACKGROUND_HEARTBEAT_SECONDS = 0.2
BACKGROUND_PERIODIC_TASKS = json.loads(os.environ.get("TEST_PERIODIC_TASKS", "{}"))
EMAIL_BACKEND = "tests.background.tasks.FlakyEmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"directory.background": {"level": "DEBUG"}},
}
