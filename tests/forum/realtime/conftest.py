"""What the real-time tests share: threads with events, and sockets signed in as someone.

``post_add`` writes a post directly (any state, no rights needed) with its event
through ``forum/events.py``, as the forum's services do (the thread row locked,
``seq = last_seq + 1``, broadcast after commit).
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from cms.asgi import application
from forum.events import event_append, thread_lock
from forum.models import Category, ForumGroup, GroupMembership, Post, Thread, ThreadEvent
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
async def _hub_closed_after_each_test():
    """Each test has its own event loop: its hub stops with it."""
    yield
    from forum.hub import hub_close
    from forum.presence import board_close

    await hub_close()
    await board_close()


def event_record(thread_id: int, type: str, payload: dict) -> ThreadEvent:
    """An event written as the forum's services write theirs (and so broadcast after commit)."""
    with transaction.atomic():
        return event_append(thread=thread_lock(thread_id), type=type, payload=payload)


def post_add(thread_id: int, author, text: str, *, state: str = "visible") -> Post:
    """A post and its ``post.created`` event, in one transaction."""
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread_id)
        thread.last_number += 1
        thread.post_count += 1
        thread.last_posted_at = timezone.now()
        thread.save(update_fields=["last_number", "post_count", "last_posted_at"])
        post = Post.objects.create(
            thread=thread,
            number=thread.last_number,
            author=author,
            body=text,
            html=f"<p>{text}</p>",
            state=state,
        )
        event_record(
            thread_id,
            "post.created",
            {"post": post.pk, "number": post.number, "author": author.pk},
        )
    return post


def post_hide(post: Post) -> None:
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(state=Post.State.HIDDEN)
        event_record(post.thread_id, "post.hidden", {"post": post.pk, "number": post.number})


def thread_in(space) -> Thread:
    fields = {"group": space} if isinstance(space, ForumGroup) else {"category": space}
    return Thread.objects.create(
        title="Accueillir une famille réfugiée à Magog",
        slug="accueillir-une-famille",
        last_posted_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def public_thread(transactional_db):
    category = Category.objects.create(slug="accueil", name="Accueil", public=True)
    return thread_in(category)


@pytest.fixture
def forum_member(transactional_db):
    """A member of an organisation of the directory (so a member of the forum)."""
    return MembershipFactory(state="active", user=UserFactory(display_name="Ana Rodríguez")).user


@pytest.fixture
def private_group(transactional_db, forum_member):
    group = ForumGroup.objects.create(
        slug="comite-logement", name="Comité logement", visibility="private"
    )
    GroupMembership.objects.create(group=group, user=forum_member, state="active")
    return group


@pytest.fixture
def moderator(transactional_db, roles):
    from directory import access as directory_access

    user = UserFactory(display_name="Marc Modérateur")
    user.groups.add(roles[directory_access.MODERATORS.key])
    return user


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def socket_open(path: str, user=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def thread_socket(thread_id: int, after: int, user=None, lang: str = "fr"):
    return await socket_open(f"/ws/forum/threads/{thread_id}/?after={after}&lang={lang}", user)


async def receive(communicator, timeout: float = 5) -> dict:
    """The next message that is not ephemeral (presence, typing)."""
    while True:
        output = await communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            return {"closed": output.get("code")}
        message = json.loads(output["text"])
        if message["type"] not in ("presence", "typing"):
            return message


async def receive_seqs(communicator, count: int, timeout: float = 5) -> list[int]:
    return [(await receive(communicator, timeout))["seq"] for _ in range(count)]


async def nothing_more(communicator, wait: float = 0.5) -> bool:
    """True when no non-ephemeral message arrives within ``wait`` seconds (the
    application keeps running: a timed-out ``receive_output`` would cancel it)."""
    while not await communicator.receive_nothing(wait):
        output = await communicator.receive_output(1)
        if output["type"] == "websocket.send":
            message = json.loads(output["text"])
            if message["type"] in ("presence", "typing", "pong"):
                continue
        raise AssertionError(f"unexpected message: {output}")
    return True


def run(function, *args, **kwargs):
    """Call a synchronous (database) function from an async test."""
    return sync_to_async(function, thread_sensitive=True)(*args, **kwargs)
