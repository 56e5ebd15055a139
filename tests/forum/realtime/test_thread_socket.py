"""The thread socket (/ws/forum/threads/<id>/?after=<seq>) against real Redis and PostgreSQL."""

import asyncio

import pytest

from forum.models import GroupMembership
from forum.signals import group_membership_changed

from .conftest import (
    event_record,
    nothing_more,
    post_add,
    post_hide,
    receive,
    receive_seqs,
    run,
    thread_in,
    thread_socket,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_events_after_the_given_seq_are_replayed_in_order(public_thread, forum_member):
    for text in ("Bonjour", "Des cours de français ?", "Oui, au CSSRS", "Merci"):
        await run(post_add, public_thread.pk, forum_member, text)
    socket = await thread_socket(public_thread.pk, after=1)
    assert await receive_seqs(socket, 3) == [2, 3, 4]
    assert await nothing_more(socket)
    await socket.disconnect()


async def test_a_replayed_post_carries_its_id_and_rendered_html(public_thread, forum_member):
    post = await run(post_add, public_thread.pk, forum_member, "Bienvenue à Sherbrooke")
    socket = await thread_socket(public_thread.pk, after=0)
    message = await receive(socket)
    assert message["type"] == "post.created"
    assert message["post"] == post.pk
    assert message["thread"] == public_thread.pk
    assert f'id="post-{post.number}"' in message["html"]
    assert "<p>Bienvenue à Sherbrooke</p>" in message["html"]
    await socket.disconnect()


async def test_a_post_made_after_connecting_arrives_live(public_thread, forum_member):
    socket = await thread_socket(public_thread.pk, after=0)
    assert await nothing_more(socket, 0.3)
    post = await run(post_add, public_thread.pk, forum_member, "En direct")
    message = await receive(socket)
    assert (message["seq"], message["post"]) == (1, post.pk)
    await socket.disconnect()


async def test_a_post_made_between_page_render_and_connect_is_delivered_once(
    public_thread, forum_member
):
    await run(post_add, public_thread.pk, forum_member, "Rendu avec la page")
    rendered_seq = 1  # what the page embedded
    await run(post_add, public_thread.pk, forum_member, "Publié avant la connexion")
    socket = await thread_socket(public_thread.pk, after=rendered_seq)
    await run(post_add, public_thread.pk, forum_member, "Publié après")
    assert await receive_seqs(socket, 2) == [2, 3]
    assert await nothing_more(socket)
    await socket.disconnect()


async def test_posts_made_while_the_replay_runs_arrive_once_and_in_order(
    public_thread, forum_member
):
    for number in range(30):
        await run(post_add, public_thread.pk, forum_member, f"Avant {number}")

    async def post_more():
        for number in range(10):
            await run(post_add, public_thread.pk, forum_member, f"Pendant {number}")

    writer = asyncio.ensure_future(post_more())
    socket = await thread_socket(public_thread.pk, after=0)
    await writer
    assert await receive_seqs(socket, 40) == list(range(1, 41))
    assert await nothing_more(socket)
    await socket.disconnect()


async def test_a_gap_in_live_events_is_filled_from_the_database(public_thread, forum_member):
    socket = await thread_socket(public_thread.pk, after=0)
    await run(post_add, public_thread.pk, forum_member, "Un")
    assert await receive_seqs(socket, 1) == [1]
    # An event stored without its broadcast (Redis dropped it), then a live one.
    from forum import realtime

    original = realtime.thread_event_broadcast
    realtime.thread_event_broadcast = lambda event: None
    try:
        await run(post_add, public_thread.pk, forum_member, "Perdu par Redis")
    finally:
        realtime.thread_event_broadcast = original
    await run(post_add, public_thread.pk, forum_member, "Trois")
    assert await receive_seqs(socket, 2) == [2, 3]
    assert await nothing_more(socket)
    await socket.disconnect()


async def test_a_visitor_may_not_open_a_private_groups_thread(private_group):
    thread = await run(thread_in, private_group)
    socket = await thread_socket(thread.pk, after=0)
    assert await receive(socket) == {"closed": 4403}


async def test_a_member_outside_a_private_group_may_not_open_its_thread(private_group):
    from tests.factories import MembershipFactory

    outsider = await run(lambda: MembershipFactory(state="active").user)
    thread = await run(thread_in, private_group)
    socket = await thread_socket(thread.pk, after=0, user=outsider)
    assert await receive(socket) == {"closed": 4403}


async def test_a_group_member_reads_the_private_thread_live(private_group, forum_member):
    thread = await run(thread_in, private_group)
    socket = await thread_socket(thread.pk, after=0, user=forum_member)
    await run(post_add, thread.pk, forum_member, "Entre nous")
    assert (await receive(socket))["seq"] == 1
    await socket.disconnect()


async def test_a_member_removed_from_the_private_group_is_disconnected_and_gets_nothing_more(
    private_group, forum_member
):
    from tests.factories import MembershipFactory

    thread = await run(thread_in, private_group)
    other = await run(lambda: MembershipFactory(state="active").user)
    await run(GroupMembership.objects.create, group=private_group, user=other, state="active")
    socket = await thread_socket(thread.pk, after=0, user=other)
    assert await nothing_more(socket, 0.3)

    def remove():
        from django.db import transaction

        with transaction.atomic():
            GroupMembership.objects.filter(group=private_group, user=other).delete()
            group_membership_changed.send(
                sender=GroupMembership, group=private_group, user=other, joined=False
            )

    await run(remove)
    assert await receive(socket) == {"closed": 4403}
    await run(post_add, thread.pk, forum_member, "Après le départ")
    assert await socket.receive_nothing(0.5)


async def test_a_hidden_post_is_replayed_to_readers_as_a_placeholder(public_thread, forum_member):
    post = await run(post_add, public_thread.pk, forum_member, "Propos déplacés")
    await run(post_hide, post)
    socket = await thread_socket(public_thread.pk, after=0)
    created, hidden = await receive(socket), await receive(socket)
    assert created == {
        "type": "post.created",
        "seq": 1,
        "thread": public_thread.pk,
        "post": post.pk,
        "number": 1,
        "hidden": True,
    }
    assert "html" not in hidden and hidden["seq"] == 2
    await socket.disconnect()


async def test_a_hidden_post_reaches_moderators_with_its_text(
    public_thread, forum_member, moderator
):
    socket = await thread_socket(public_thread.pk, after=0, user=moderator)
    post = await run(post_add, public_thread.pk, forum_member, "Propos déplacés")
    await run(post_hide, post)
    created, hidden = await receive(socket), await receive(socket)
    assert "Propos déplacés" in created["html"]
    assert "Propos déplacés" in hidden["html"] and hidden["hidden"] is True
    await socket.disconnect()


async def test_a_hidden_post_reaches_its_author_but_not_other_readers_live(
    public_thread, forum_member
):
    from tests.factories import MembershipFactory

    reader = await run(lambda: MembershipFactory(state="active").user)
    author_socket = await thread_socket(public_thread.pk, after=0, user=forum_member)
    reader_socket = await thread_socket(public_thread.pk, after=0, user=reader)
    post = await run(post_add, public_thread.pk, forum_member, "Mon texte", state="hidden")
    assert "Mon texte" in (await receive(author_socket))["html"]
    for_reader = await receive(reader_socket)
    assert "html" not in for_reader and for_reader["post"] == post.pk
    await author_socket.disconnect()
    await reader_socket.disconnect()


async def test_a_cursor_older_than_the_kept_events_gets_resync(public_thread, forum_member):
    from forum.models import ThreadEvent

    for text in ("Un", "Deux", "Trois"):
        await run(post_add, public_thread.pk, forum_member, text)
    await run(lambda: ThreadEvent.objects.filter(seq__lte=2).delete())
    socket = await thread_socket(public_thread.pk, after=0)
    assert await receive(socket) == {"type": "resync"}
    assert await receive(socket) == {"closed": 4409}


async def test_a_cursor_at_the_oldest_kept_event_replays_without_resync(
    public_thread, forum_member
):
    from forum.models import ThreadEvent

    for text in ("Un", "Deux", "Trois"):
        await run(post_add, public_thread.pk, forum_member, text)
    await run(lambda: ThreadEvent.objects.filter(seq__lte=1).delete())
    socket = await thread_socket(public_thread.pk, after=1)
    assert await receive_seqs(socket, 2) == [2, 3]
    await socket.disconnect()


async def test_a_cursor_without_a_number_is_refused(public_thread):
    from .conftest import socket_open

    socket = await socket_open(f"/ws/forum/threads/{public_thread.pk}/?after=abc")
    assert await receive(socket) == {"closed": 4400}


async def test_ping_is_answered_with_pong(public_thread):
    socket = await thread_socket(public_thread.pk, after=0)
    await socket.send_json_to({"type": "ping"})
    while (await socket.receive_json_from(2))["type"] != "pong":
        pass
    await socket.disconnect()


async def test_typing_reaches_other_readers_and_not_the_typist(
    public_thread, forum_member, settings
):
    from tests.factories import MembershipFactory

    settings.FORUM_PRESENCE_INTERVAL = 0.1
    reader = await run(lambda: MembershipFactory(state="active").user)
    typist = await thread_socket(public_thread.pk, after=0, user=forum_member)
    watcher = await thread_socket(public_thread.pk, after=0, user=reader)
    # Both sockets are in the thread once the watcher hears two members reading.
    while (await watcher.receive_json_from(10)).get("reading") != 2:
        pass
    await typist.send_json_to({"type": "typing"})
    await typist.send_json_to({"type": "typing"})  # within the interval: dropped
    seen = []
    while not await watcher.receive_nothing(1):
        message = await watcher.receive_json_from(1)
        if message["type"] == "typing":
            seen.append(message)
    assert [(m["user"], m["name"]) for m in seen] == [(forum_member.pk, "Ana Rodríguez")]
    await typist.disconnect()
    await watcher.disconnect()


async def test_presence_counts_members_reading_across_sockets(
    public_thread, forum_member, settings
):
    from tests.factories import MembershipFactory

    settings.FORUM_PRESENCE_INTERVAL = 0.1
    reader = await run(lambda: MembershipFactory(state="active").user)
    first = await thread_socket(public_thread.pk, after=0, user=forum_member)
    second = await thread_socket(public_thread.pk, after=0, user=reader)
    await asyncio.sleep(0.5)
    await first.send_json_to({"type": "presence"})
    while (message := await first.receive_json_from(2))["type"] != "presence" or (
        message.get("reading") != 2
    ):
        pass
    assert message == {"type": "presence", "thread": public_thread.pk, "reading": 2, "visitors": 0}
    await first.disconnect()
    await second.disconnect()


async def test_an_event_about_a_moved_thread_makes_readers_check_their_right_again(
    public_thread, private_group, forum_member
):
    from forum.models import Thread
    from tests.factories import MembershipFactory

    reader = await run(lambda: MembershipFactory(state="active").user)
    socket = await thread_socket(public_thread.pk, after=0, user=reader)

    def move():
        from django.db import transaction

        with transaction.atomic():
            Thread.objects.filter(pk=public_thread.pk).update(category=None, group=private_group)
            event_record(public_thread.pk, "thread.updated", {"moved": True})

    await run(move)
    assert await receive(socket) == {"closed": 4403}


async def test_a_socket_stays_open_while_idle_past_redis_timeouts(public_thread, forum_member):
    """The redis-py trap (DESIGN.md): idle sockets died with 1011 after 5 s."""
    socket = await thread_socket(public_thread.pk, after=0)
    await asyncio.sleep(8)
    await run(post_add, public_thread.pk, forum_member, "Toujours là")
    assert (await receive(socket))["seq"] == 1
    await socket.disconnect()
