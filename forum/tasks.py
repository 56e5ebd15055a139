"""The forum's background tasks, imported by every worker before it starts."""

from forum import realtime_tasks  # noqa: F401  (thread events pruning, hourly)
from forum.notifications import tasks as notification_tasks  # noqa: F401  (e-mails, digests)
