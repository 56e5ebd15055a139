"""Who is reading a thread ("3 members reading"), across every server process.

Ephemeral and approximate by design: each open socket is a member of a
Redis sorted set per thread (score: when it expires unless refreshed by the
socket's heartbeat), so a process that dies takes its readers with it within
:data:`TTL_SECONDS`. Without Redis (``make run``: one process) a dict stands
in. Counts are announced to the thread at most once per
``FORUM_PRESENCE_INTERVAL`` per process: a thousand readers arriving at once
cause a handful of announcements, not a million messages.

Nothing here may fail a socket: Redis errors are logged and ignored.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref

from django.conf import settings

from forum.hub import hub
from forum.realtime import thread_group

logger = logging.getLogger(__name__)

#: A reader not refreshed for this long (its process died) is no longer counted.
TTL_SECONDS = 90.0

_boards: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def board() -> PresenceBoard:
    loop = asyncio.get_running_loop()
    found = _boards.get(loop)
    if found is None:
        found = _boards[loop] = PresenceBoard()
    return found


async def board_close() -> None:
    """Close the running loop's board (tests end their loop with it)."""
    found = _boards.pop(asyncio.get_running_loop(), None)
    if found is not None and found._redis is not None:
        await found._redis.aclose()


class PresenceBoard:
    def __init__(self):
        self._redis = None
        self._local: dict[int, dict[str, float]] = {}
        self._announce_at: dict[int, float] = {}
        self._pending: set[int] = set()
        if settings.REDIS_URL:
            import redis.asyncio as redis

            self._redis = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
            )

    def _key(self, thread_id: int) -> str:
        return f"{settings.CHANNEL_LAYER_PREFIX}:forum:presence:{thread_id}"

    async def enter(self, thread_id: int, reader: str) -> None:
        """``reader``: ``"<user id>|<socket id>"`` for a member, ``"-|<socket id>"`` else."""
        await self._set(thread_id, reader, time.time() + TTL_SECONDS)
        self.announce_soon(thread_id)

    async def refresh(self, thread_id: int, reader: str) -> None:
        await self._set(thread_id, reader, time.time() + TTL_SECONDS)

    async def leave(self, thread_id: int, reader: str) -> None:
        try:
            if self._redis is not None:
                await self._redis.zrem(self._key(thread_id), reader)
            else:
                self._local.get(thread_id, {}).pop(reader, None)
        except Exception as error:
            logger.info("forum presence: leave failed: %r", error)
        self.announce_soon(thread_id)

    async def count(self, thread_id: int) -> dict:
        """``{"reading": members, "visitors": signed-out readers}`` now."""
        now = time.time()
        try:
            if self._redis is not None:
                key = self._key(thread_id)
                await self._redis.zremrangebyscore(key, "-inf", now)
                readers = [value.decode() for value in await self._redis.zrange(key, 0, -1)]
            else:
                entries = self._local.get(thread_id, {})
                readers = [reader for reader, expires in entries.items() if expires > now]
        except Exception as error:
            logger.info("forum presence: count failed: %r", error)
            return {}
        members = {reader.split("|", 1)[0] for reader in readers} - {"-"}
        visitors = sum(1 for reader in readers if reader.startswith("-|"))
        return {"reading": len(members), "visitors": visitors}

    def announce_soon(self, thread_id: int) -> None:
        """Announce the count to every reader of the thread, at most once per interval."""
        if thread_id in self._pending:
            return
        self._pending.add(thread_id)
        interval = settings.FORUM_PRESENCE_INTERVAL
        wait = max(0.0, self._announce_at.get(thread_id, 0.0) + interval - time.monotonic())
        asyncio.get_running_loop().call_later(
            wait, lambda: asyncio.ensure_future(self._announce(thread_id))
        )

    async def _announce(self, thread_id: int) -> None:
        self._pending.discard(thread_id)
        self._announce_at[thread_id] = time.monotonic()
        counts = await self.count(thread_id)
        if counts:
            message = {"type": "presence", "thread": thread_id, **counts}
            await hub().send(thread_group(thread_id), message)

    async def _set(self, thread_id: int, reader: str, expires: float) -> None:
        try:
            if self._redis is not None:
                key = self._key(thread_id)
                await self._redis.zadd(key, {reader: expires})
                await self._redis.expire(key, int(TTL_SECONDS) * 2)
            else:
                self._local.setdefault(thread_id, {})[reader] = expires
        except Exception as error:
            logger.info("forum presence: update failed: %r", error)
