"""Feeds built once under concurrency, and never left fresh with old data (real transactions)."""

from __future__ import annotations

import pytest

from events.feeds import snapshots
from events.feeds.models import FeedSnapshot
from tests.directory.concurrency import Worker, run_together, run_while_paused

from .feed_helpers import event_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def builds(monkeypatch):
    """How many times a feed is built (the real builder, counted)."""
    calls = []
    real = snapshots.feed_build

    def counted(key, **kwargs):
        calls.append(key)
        return real(key, **kwargs)

    monkeypatch.setattr(snapshots, "feed_build", counted)
    return calls


def test_a_missing_feed_asked_for_by_two_requests_at_once_is_built_once(builds):
    event_create()
    first = Worker(lambda: snapshots.snapshot_get("all"), pause_after=r"FOR UPDATE")
    second = Worker(lambda: snapshots.snapshot_get("all"), pause_after=r"FOR UPDATE")
    run_together(first, second)
    assert first.outcome().etag == second.outcome().etag
    assert builds == ["all"]
    assert FeedSnapshot.objects.filter(key="all").count() == 1


def test_a_change_committed_during_a_build_leaves_the_feed_stale(builds):
    event = event_create()
    snapshots.snapshot_get("all")
    FeedSnapshot.objects.update(stale=True)
    # The build pauses after locking its row; meanwhile a change commits and marks the feed.
    building = Worker(
        lambda: snapshots.snapshot_rebuild("all"), pause_after=r'FROM "events_feedsnapshot".*FOR'
    )
    marking = Worker(lambda: snapshots.snapshots_mark_stale(event_ids=[event.pk]))
    run_while_paused(building, marking)
    building.outcome()
    marking.outcome()
    # The mark waited for the build's lock and applied after it: the next reader builds again.
    assert FeedSnapshot.objects.get(key="all").stale is True
