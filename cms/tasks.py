"""The site's background tasks, imported by every worker before it starts (see
``directory/tasks.py``)."""

from cms.toolkit import tasks as toolkit_tasks  # noqa: F401  (toolkit update e-mails)
