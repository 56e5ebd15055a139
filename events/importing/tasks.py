"""Partner calendars synced on the queue: every hour for those with an address."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from directory.background import periodic
from events.ics.parse import FeedError
from events.importing.fetch import FetchError

logger = logging.getLogger(__name__)


@task()
def subscription_sync_task(*, subscription_id: int) -> dict | None:
    from events.importing.models import CalendarSubscription
    from events.importing.services import subscription_sync

    subscription = CalendarSubscription.objects.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        return None
    try:
        return subscription_sync(subscription=subscription)
    except (FeedError, FetchError) as error:
        # Kept on the subscription for staff; the events stay as they were.
        logger.warning("Partner calendar %s not imported: %s", subscription_id, error)
        return None


@periodic(every=timedelta(hours=1))
@task()
def subscriptions_sync() -> int:
    """Enqueue the sync of every active partner calendar that has an address."""
    from events.importing.models import CalendarSubscription

    ids = list(
        CalendarSubscription.objects.filter(active=True)
        .exclude(url="")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        subscription_sync_task.enqueue(subscription_id=pk)
    return len(ids)
