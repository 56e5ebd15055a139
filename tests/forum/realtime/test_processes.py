"""Several daphne processes sharing Redis, and Redis restarted under them (issue 10).

Real servers (``python -m cms.serve``), real sockets (the ``websockets``
client a browser-less reader would use), posts made through the reply view
as a member makes them. Slow: each test starts its own processes.
"""

import asyncio
import json

import pytest
import websockets

from django.conf import settings
from django.test import Client

from .conftest import thread_in  # noqa: F401
from .servers import Browserless, Daphne, RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def session_of(user) -> tuple[str, str]:
    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(server: Daphne, thread_id: int, after: int, session):
    return await websockets.connect(
        f"{server.ws_url}/ws/forum/threads/{thread_id}/?after={after}",
        additional_headers={"Cookie": f"{session[0]}={session[1]}", "Origin": server.url},
        open_timeout=30,
        ping_interval=None,
    )


async def seqs_received(socket, count: int, timeout: float = 30) -> list[dict]:
    """The next ``count`` thread events (ephemeral messages skipped)."""
    received = []
    async with asyncio.timeout(timeout):
        while len(received) < count:
            message = json.loads(await socket.recv())
            if "seq" in message:
                received.append(message)
    return received


async def reply(client: Browserless, thread_id: int, body: str, client_id: str):
    return await asyncio.to_thread(
        client.post, f"/fr/forum/threads/{thread_id}/reply/", {"body": body, "client_id": client_id}
    )


@pytest.fixture(scope="module")
def pair(django_db_setup, django_db_blocker):
    """Two daphne processes sharing the tests' Redis, for the module (they start slowly)."""
    with django_db_blocker.unblock():
        started = [Daphne(redis_url=settings.REDIS_URL, name=name) for name in ("a", "b")]
    try:
        for server in started:
            server.wait()
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def servers():
    started = []

    def start(**options):
        server = Daphne(**options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


async def test_a_post_made_through_one_process_reaches_a_reader_on_another(
    public_thread, forum_member, pair
):
    first, second = pair
    session = await asyncio.to_thread(session_of, forum_member)
    reader = await open_socket(first, public_thread.pk, 0, session)
    status, answer = await reply(
        Browserless(second.url, session), public_thread.pk, "Bonjour de B", "b-1"
    )
    assert status == 200, answer
    [message] = await seqs_received(reader, 1)
    assert (message["type"], message["post"]) == ("post.created", answer["post"])
    assert "Bonjour de B" in message["html"]
    await reader.close()


async def test_posts_made_while_redis_is_down_are_saved_and_delivered_once_it_is_back(
    public_thread, forum_member, servers
):
    redis = RedisServer().start()
    try:
        first = servers(redis_url=redis.url, name="a")
        second = servers(redis_url=redis.url, name="b")
        await asyncio.to_thread(first.wait)
        await asyncio.to_thread(second.wait)
        session = await asyncio.to_thread(session_of, forum_member)
        on_first = await open_socket(first, public_thread.pk, 0, session)
        on_second = await open_socket(second, public_thread.pk, 0, session)
        poster = Browserless(second.url, session)

        assert (await reply(poster, public_thread.pk, "Avant la panne", "r-1"))[0] == 200
        for socket in (on_first, on_second):
            assert [m["seq"] for m in await seqs_received(socket, 1)] == [1]

        redis.stop()
        for number in range(2, 5):
            status, answer = await reply(
                poster, public_thread.pk, f"Pendant {number}", f"r-{number}"
            )
            assert status == 200, answer  # posting never fails because Redis is down
        # A resend after the drop (same client id) is stored once.
        assert (await reply(poster, public_thread.pk, "Pendant 4", "r-4"))[0] == 200

        redis.start()
        assert (await reply(poster, public_thread.pk, "Après la panne", "r-5"))[0] == 200
        for socket in (on_first, on_second):
            messages = await seqs_received(socket, 4, timeout=60)
            assert [m["seq"] for m in messages] == [2, 3, 4, 5]
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(1.5):
                    while "seq" not in json.loads(await socket.recv()):
                        pass
            await socket.close()
    finally:
        redis.close()


async def test_a_reader_that_drops_catches_up_from_its_cursor_on_another_process(
    public_thread, forum_member, pair
):
    first, second = pair
    session = await asyncio.to_thread(session_of, forum_member)
    poster = Browserless(first.url, session)
    reader = await open_socket(first, public_thread.pk, 0, session)
    assert (await reply(poster, public_thread.pk, "Un", "d-1"))[0] == 200
    assert [m["seq"] for m in await seqs_received(reader, 1)] == [1]
    await reader.close()
    for number in (2, 3):
        assert (await reply(poster, public_thread.pk, f"Message {number}", f"d-{number}"))[0] == 200
    again = await open_socket(second, public_thread.pk, 1, session)
    assert [m["seq"] for m in await seqs_received(again, 2)] == [2, 3]
    await again.close()


async def test_a_socket_idle_for_over_a_minute_stays_open_and_receives(
    public_thread, forum_member, pair
):
    """DESIGN.md's redis-py trap: idle consumers died with 1011 after Redis's 5 s timeout."""
    server = pair[0]
    session = await asyncio.to_thread(session_of, forum_member)
    reader = await open_socket(server, public_thread.pk, 0, session)
    await asyncio.sleep(65)
    status, _answer = await reply(
        Browserless(server.url, session), public_thread.pk, "Encore là ?", "i-1"
    )
    assert status == 200
    assert [m["seq"] for m in await seqs_received(reader, 1)] == [1]
    assert reader.close_code is None
    await reader.close()
