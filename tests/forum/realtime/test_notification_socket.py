"""/ws/notifications/: the member's notifications, replayed after a cursor, then live.

Notifications reach the socket the way the forum makes them: through
``delivery.notify``, which broadcasts after commit.
"""

import pytest

from django.db import transaction

from forum import models

from .conftest import receive, run, socket_open

pytestmark = [pytest.mark.django_db(transaction=True)]


def notify(recipient, actor, thread):
    from forum.notifications import delivery

    with transaction.atomic():
        created = delivery.notify(
            [recipient], kind=models.Notification.Kind.REPLY, actor=actor, thread=thread
        )
    return created[0]


async def test_a_visitor_is_refused(transactional_db):
    socket = await socket_open("/ws/notifications/")
    assert await receive(socket) == {"closed": 4403}


async def test_notifications_after_the_cursor_are_replayed_then_the_unread_count(
    public_thread, forum_member
):
    from tests.factories import MembershipFactory

    actor = await run(lambda: MembershipFactory(state="active").user)
    first = await run(notify, forum_member, actor, public_thread)
    second = await run(notify, forum_member, actor, public_thread)
    socket = await socket_open(f"/ws/notifications/?after={first.pk}", forum_member)
    message = await receive(socket)
    assert (message["type"], message["id"]) == ("notification", second.pk)
    assert public_thread.title in message["text"]
    assert await receive(socket) == {"type": "unread", "unread": 2}
    await socket.disconnect()


async def test_a_new_notification_arrives_live_with_the_unread_count(public_thread, forum_member):
    from tests.factories import MembershipFactory

    actor = await run(lambda: MembershipFactory(state="active").user)
    socket = await socket_open("/ws/notifications/?after=0", forum_member)
    assert await receive(socket) == {"type": "unread", "unread": 0}
    created = await run(notify, forum_member, actor, public_thread)
    message = await receive(socket)
    assert (message["type"], message["id"], message["unread"]) == ("notification", created.pk, 1)
    await socket.disconnect()
