"""One channel-layer subscription per process, shared by every socket it holds.

A plain Channels consumer joins its thread's group itself: a post read by
1,000 sockets is then 1,000 messages pushed into Redis and popped one by one
by the processes (the issue measured p95 949 ms at 1,000 sockets). Here each
process (each event loop) has one :class:`Hub` with one channel: the hub joins
a group when the first local socket needs it and leaves when the last one
goes, so a broadcast is one message per *process*; the hub then hands it to
its local sockets, encoding each reader's variant once.

The hub survives Redis outages: when receiving fails it retries with backoff,
joins its groups again (a restarted Redis has forgotten them), and then calls
every listener's :meth:`Listener.resume`, which catches up from the database
what the outage swallowed. Groups are joined again every
:data:`REJOIN_SECONDS`, well inside channels-redis's ``group_expiry``.

Listeners (the consumers) provide ``deliver(message, texts)``,
``ephemeral(message)``, ``rights_changed()`` and ``resume()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref

from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers, get_channel_layer

logger = logging.getLogger(__name__)

REJOIN_SECONDS = 3600.0
BACKOFF_FIRST, BACKOFF_MAX = 0.2, 5.0

_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (created on first use)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        # A layer of its own: channels-redis keeps asyncio locks bound to the loop
        # that first received, so one layer instance cannot serve two loops (tests).
        layer = get_channel_layer()
        if layer is not None and hasattr(layer, "receive_lock"):
            layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        found = _hubs[loop] = Hub(layer)
    return found


async def hub_close() -> None:
    """Stop the running loop's hub (tests end their loop with it; servers never call it)."""
    found = _hubs.pop(asyncio.get_running_loop(), None)
    if found is not None:
        await found.close()


class EncodedTexts(dict):
    """Each reader key's message, JSON-encoded on first use and then shared."""

    def __init__(self, variants: dict):
        super().__init__()
        self.variants = variants

    def __missing__(self, key):
        text = self[key] = json.dumps(self.variants[key], separators=(",", ":"))
        return text


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel: str | None = None
        self.listeners: dict[str, set] = {}
        self._task: asyncio.Task | None = None
        self._start_lock = asyncio.Lock()
        self._broken = False

    # --- membership -----------------------------------------------------------

    async def join(self, group: str, listener) -> None:
        """Deliver ``group``'s messages to ``listener``. Returns once the process is in
        the group (so anything sent afterwards reaches it), or once joining has failed
        (the hub then keeps retrying and resumes the listener when it succeeds)."""
        await self._start()
        members = self.listeners.setdefault(group, set())
        first = not members
        members.add(listener)
        if first and not self._broken:
            try:
                await self.layer.group_add(group, self.channel)
            except Exception as error:
                logger.warning("forum hub: joining %s failed: %r", group, error)
                asyncio.get_running_loop().create_task(self._join_later(group))

    async def _join_later(self, group: str) -> None:
        """Join ``group`` once Redis answers, then let its listeners catch up."""
        backoff = BACKOFF_FIRST
        while group in self.listeners:
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)
            try:
                await self.layer.group_add(group, self.channel)
            except Exception as error:
                logger.info("forum hub: joining %s still fails: %r", group, error)
                continue
            for listener in list(self.listeners.get(group, ())):
                await _safely(listener.resume())
            return

    async def leave(self, group: str, listener) -> None:
        members = self.listeners.get(group)
        if not members:
            return
        members.discard(listener)
        if not members:
            del self.listeners[group]
            with contextlib.suppress(Exception):
                await self.layer.group_discard(group, self.channel)

    async def send(self, group: str, message: dict) -> bool:
        """Ephemeral send to every process (typing, presence); False when Redis is down."""
        try:
            message = {**message, "group": group}
            await asyncio.wait_for(self.layer.group_send(group, message), timeout=2)
        except Exception as error:
            logger.info("forum hub: send to %s failed: %r", group, error)
            return False
        return True

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        for group in list(self.listeners):
            with contextlib.suppress(Exception):
                await self.layer.group_discard(group, self.channel)
        self.listeners.clear()
        flush = getattr(self.layer, "close_pools", None)
        if flush is not None:
            with contextlib.suppress(Exception):
                await flush()

    # --- the receiving loop ------------------------------------------------------

    async def _start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        async with self._start_lock:
            if self._task is not None and not self._task.done():
                return
            if self.channel is None:
                self.channel = await self.layer.new_channel("forum.hub.")
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        backoff = BACKOFF_FIRST
        rejoin_task = asyncio.get_running_loop().create_task(self._rejoin_periodically())
        try:
            while True:
                if self._broken:
                    try:
                        await self._rejoin()
                    except Exception as error:
                        logger.warning("forum hub: Redis still unavailable: %r", error)
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, BACKOFF_MAX)
                        continue
                    self._broken = False
                    backoff = BACKOFF_FIRST
                    await self._resume_all()
                try:
                    message = await self.layer.receive(self.channel)
                except Exception as error:
                    logger.warning("forum hub: receiving failed: %r", error)
                    self._broken = True
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX)
                    continue
                await self._dispatch(message)
        finally:
            rejoin_task.cancel()

    async def _rejoin(self) -> None:
        for group in list(self.listeners):
            await self.layer.group_add(group, self.channel)

    async def _rejoin_periodically(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            with contextlib.suppress(Exception):
                await self._rejoin()

    async def _resume_all(self) -> None:
        seen = set()
        for members in list(self.listeners.values()):
            for listener in list(members):
                if id(listener) in seen:
                    continue
                seen.add(id(listener))
                await _safely(listener.resume())

    async def _dispatch(self, message: dict) -> None:
        kind = message.get("type")
        group = message.get("group")
        members = list(self.listeners.get(group, ()))
        if kind == "thread.event":
            texts = EncodedTexts(message["variants"])
            for listener in members:
                await _safely(listener.deliver(message, texts))
        elif kind == "rights.changed":
            for listener in members:
                await _safely(listener.rights_changed())
        else:
            for listener in members:
                await _safely(listener.ephemeral(message))


async def _safely(awaitable) -> None:
    try:
        await awaitable
    except Exception as error:
        if type(error).__name__ == "Disconnected":
            # The socket closed while a message was on its way: its disconnect follows.
            logger.debug("forum hub: a socket closed under a send")
            return
        logger.exception("forum hub: a listener failed")
