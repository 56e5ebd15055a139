"""/forum/threads/<id>/events?after=<seq>: the socket's events over HTTP, same rules."""

from datetime import timedelta

import pytest

from django.utils import timezone

from forum import realtime
from forum.models import ThreadEvent

from .conftest import post_add, post_hide, thread_in


def url(thread, after) -> str:
    return f"/forum/threads/{thread.pk}/events?after={after}"


def test_events_after_the_cursor_come_in_order_without_a_language_prefix(
    client, public_thread, forum_member
):
    for text in ("Un", "Deux", "Trois"):
        post_add(public_thread.pk, forum_member, text)
    response = client.get(url(public_thread, 1))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert [event["seq"] for event in body["events"]] == [2, 3]
    assert body["more"] is False
    assert "<p>Deux</p>" in body["events"][0]["html"]


def test_a_private_thread_is_not_found_for_a_visitor(client, private_group):
    thread = thread_in(private_group)
    assert client.get(url(thread, 0)).status_code == 404


def test_a_group_member_reads_the_private_threads_events(client, private_group, forum_member):
    thread = thread_in(private_group)
    post_add(thread.pk, forum_member, "Entre nous")
    client.force_login(forum_member)
    assert [event["seq"] for event in client.get(url(thread, 0)).json()["events"]] == [1]


def test_a_hidden_post_is_a_placeholder_for_visitors(client, public_thread, forum_member):
    post = post_add(public_thread.pk, forum_member, "Propos déplacés")
    post_hide(post)
    events = client.get(url(public_thread, 0)).json()["events"]
    assert all("html" not in event and event["hidden"] for event in events)
    assert "Propos déplacés" not in str(events)


def test_a_cursor_older_than_what_is_kept_answers_resync(client, public_thread, forum_member):
    for text in ("Un", "Deux", "Trois"):
        post_add(public_thread.pk, forum_member, text)
    ThreadEvent.objects.filter(seq=1).delete()
    assert client.get(url(public_thread, 0)).json()["events"] == [{"type": "resync"}]


def test_a_cursor_that_is_not_a_number_is_a_clear_error(client, public_thread):
    response = client.get(f"/forum/threads/{public_thread.pk}/events?after=-3")
    assert response.status_code == 400
    assert response.json()["error"] == "after"


def test_pruning_keeps_recent_events_and_the_newest_of_each_thread(
    public_thread, forum_member, settings
):
    settings.FORUM_EVENTS_KEEP_DAYS = 7
    settings.FORUM_EVENTS_KEEP_COUNT = 3
    for number in range(5):
        post_add(public_thread.pk, forum_member, f"Message {number}")
    assert realtime.thread_events_prune() == 2
    assert list(ThreadEvent.objects.values_list("seq", flat=True)) == [3, 4, 5]
    ThreadEvent.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert realtime.thread_events_prune() == 2
    assert list(ThreadEvent.objects.values_list("seq", flat=True)) == [5]


@pytest.mark.parametrize(("after", "expected"), [(3, "resync"), (4, [5]), (5, [])])
def test_only_the_newest_event_left_still_tells_a_cursor_where_it_stands(
    client, public_thread, forum_member, after, expected
):
    for number in range(5):
        post_add(public_thread.pk, forum_member, f"Message {number}")
    ThreadEvent.objects.filter(seq__lt=5).delete()
    events = client.get(url(public_thread, after)).json()["events"]
    if expected == "resync":
        assert events == [{"type": "resync"}]
    else:
        assert [event["seq"] for event in events] == expected
