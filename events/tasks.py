"""The events' background tasks, imported by every worker before it starts (directory/tasks.py)."""

from events.feeds import tasks as feeds_tasks  # noqa: F401  (feed builds)
