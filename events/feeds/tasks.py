"""Feed builds on the queue: after changes, and periodically as the window moves."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from directory.background import periodic
from events.feeds.definitions import FeedGone
from events.feeds.models import FeedSnapshot
from events.feeds.snapshots import snapshot_rebuild

logger = logging.getLogger(__name__)


@task()
def feeds_rebuild(*, keys: list[str]) -> None:
    """Rebuild these feeds if still stale (a request may have built one meanwhile)."""
    for key in keys:
        try:
            snapshot_rebuild(key)
        except FeedGone:
            logger.info("Feed %s has no subject any more: removed.", key)


@periodic(every=timedelta(hours=6))
@task()
def feeds_refresh() -> None:
    """Rebuild every stored feed: the window (30 days back, 12 months ahead) moves and
    cancellations older than 14 days leave. Unchanged bytes keep their ETag."""
    for key in FeedSnapshot.objects.order_by("key").values_list("key", flat=True):
        try:
            snapshot_rebuild(key, force=True)
        except FeedGone:
            logger.info("Feed %s has no subject any more: removed.", key)
