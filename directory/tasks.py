"""The directory's background tasks, imported by every worker before it starts.

``manage.py run_worker`` imports each installed app's ``tasks`` module, so
that the periodic jobs and retry policies declared with the tasks
(``directory/background/__init__.py``) are registered. The directory keeps
its tasks next to the code they serve; this module only lists them. Other
apps (forum, events) add their own ``tasks.py``.
"""

from directory.background import tasks as background_tasks  # noqa: F401  (reaper, pruning)
