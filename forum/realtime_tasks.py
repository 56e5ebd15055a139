"""The real-time concern's periodic job: forget thread events past their keeping time."""

from datetime import timedelta

from django_tasks import task

from directory.background import periodic
from forum import realtime


@periodic(every=timedelta(hours=1))
@task()
def thread_events_prune() -> dict:
    """Delete events older than FORUM_EVENTS_KEEP_DAYS or beyond FORUM_EVENTS_KEEP_COUNT
    per thread (a client further behind resyncs); the newest of each thread stays."""
    return {"deleted": realtime.thread_events_prune()}
