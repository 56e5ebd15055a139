"""The directory's background tasks, imported by every worker before it starts.

``manage.py run_worker`` imports each installed app's ``tasks`` module, so
that the periodic jobs and retry policies declared with the tasks
(``directory/background/__init__.py``) are registered. The directory keeps
its tasks next to the code they serve; this module only lists them. Other
apps (forum, events) add their own ``tasks.py``.
"""

from directory import mail  # noqa: F401  (mail_send: retried with backoff)
from directory.background import tasks as background_tasks  # noqa: F401  (reaper, pruning)
from directory.cartographie import tasks as cartographie_tasks  # noqa: F401  (introductions)
from directory.editing import tasks as editing_tasks  # noqa: F401  (validation e-mails)
from directory.importing import jobs as import_jobs  # noqa: F401  (imports, stale-job sweep)
from directory.members import tasks as members_tasks  # noqa: F401  (membership e-mails)
from directory.recensement import tasks as recensement_tasks  # noqa: F401  (invitations, reminders)
