"""The forum's WebSockets: one thread live, and a member's notifications live.

``/ws/forum/threads/<id>/?after=<seq>`` (DESIGN.md). On connect the socket
checks the session's right to read the thread (refused with close code
4403 after the handshake, so that the browser sees the code and stops
retrying); then it joins the thread through the process's hub
(``forum/hub.py``) *before* reading the database, replays every stored event
after ``after`` and streams the rest. Live events that arrive while the
replay runs wait in ``pending`` and are sent after it, those already replayed
dropped: no gap, no duplicate between replay and live.

The same ordering rule holds for the socket's whole life: a live event is
sent only if its ``seq`` follows the last one sent; a jump (a message Redis
dropped, an outage) makes the socket fill the gap from the database first.
The client applies the same rule on its side and resyncs on every reconnect.

Rights are checked again when they change: the forum's signal
``group_membership_changed`` (and a logout) tell the member's sockets on
every process, which re-read the session and close with 4403 when the thread
is no longer readable; a ``thread.updated`` event (moved, made private)
makes every reader check again before anything else is sent.

Client messages: ``{"type": "ping"}`` (answered ``{"type": "pong"}``; the
heartbeat also keeps the reader counted as present) and ``{"type":
"typing"}`` (members only, at most once per ``FORUM_TYPING_INTERVAL``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs

from channels.db import database_sync_to_async as _database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from django.conf import settings
from django.contrib.auth import get_user

from forum import realtime
from forum.hub import hub
from forum.presence import board

logger = logging.getLogger(__name__)


def database_sync_to_async(function):
    """Database work off the event loop, on the thread pool rather than the one thread
    Django's sync views share: a thousand sockets connecting at once check their rights
    in parallel (each thread has its own connection, closed when too old)."""
    return _database_sync_to_async(function, thread_sensitive=False)


#: Close codes the client knows: may not read (or no longer), bad request, reload needed.
CLOSE_FORBIDDEN = 4403
CLOSE_BAD_REQUEST = 4400
CLOSE_RESYNC = 4409

#: A client may send at most this many messages per window (seconds); more are dropped.
INBOUND_BUDGET, INBOUND_WINDOW = 20, 10.0
INBOUND_MAX_BYTES = 1024


def _query(scope) -> dict[str, str]:
    parsed = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return {name: values[-1] for name, values in parsed.items()}


def _language(scope, query) -> str:
    if query.get("lang"):
        return realtime.reader_language(query["lang"])
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, cookie = part.strip().partition("=")
                if key == settings.LANGUAGE_COOKIE_NAME:
                    return realtime.reader_language(cookie)
    return settings.LANGUAGE_CODE


def _session_user(scope):
    """The session's user *now* (logged out, password changed: anonymous), not at connect."""
    session = scope.get("session")
    if session is None or not getattr(session, "session_key", None):
        return scope.get("user")
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
    return get_user(SimpleNamespace(session=store))


class LiveSocket(AsyncWebsocketConsumer):
    """What both sockets share: the hub instead of a channel per socket, a heartbeat,
    a budget of client messages."""

    # The hub receives for every socket of the process: no channel per socket.
    channel_layer_alias = "forum.hub-only"

    groups_joined: list[str]

    async def websocket_connect(self, message):
        self.groups_joined = []
        self.socket_id = uuid.uuid4().hex[:12]
        self._inbound: list[float] = []
        await super().websocket_connect(message)

    async def join(self, group: str) -> None:
        await hub().join(group, self)
        self.groups_joined.append(group)

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await hub().leave(group, self)
        self.groups_joined = []

    async def refuse(self, code: int) -> None:
        await self.accept()
        await self.close(code=code)

    def _within_budget(self, text_data) -> bool:
        if text_data is None or len(text_data) > INBOUND_MAX_BYTES:
            return False
        now = time.monotonic()
        self._inbound = [at for at in self._inbound if now - at < INBOUND_WINDOW]
        if len(self._inbound) >= INBOUND_BUDGET:
            return False
        self._inbound.append(now)
        return True

    async def receive(self, text_data=None, bytes_data=None):
        if not self._within_budget(text_data):
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        await self.client_message(message)

    async def client_message(self, message: dict) -> None:
        if message.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    # Hub callbacks a socket does not use.
    async def deliver(self, message, texts) -> None:
        return None

    async def ephemeral(self, message) -> None:
        return None

    async def rights_changed(self) -> None:
        return None

    async def resume(self) -> None:
        return None


class ThreadConsumer(LiveSocket):
    """One thread, live (see the module's docstring)."""

    async def connect(self):
        query = _query(self.scope)
        self.thread_id = int(self.scope["url_route"]["kwargs"]["thread_id"])
        try:
            self.last_seq = int(query.get("after", ""))
        except ValueError:
            self.last_seq = -1
        if self.last_seq < 0:
            await self.refuse(CLOSE_BAD_REQUEST)
            return
        self.language = realtime.reader_language(_language(self.scope, query))
        self.user = self.scope.get("user")
        # Accepted first (the server drops a handshake left waiting), then checked: a
        # reader who may not read gets the close code 4403 and nothing else.
        await self.accept()
        access = await database_sync_to_async(self._access)(self.user)
        if access is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.reader, self.may_type, self.name = access
        self.pending: list[tuple[int, dict, object]] = []
        self.syncing = True
        self.recheck = False
        self.closed = False
        self._typed_at = 0.0
        await self.join(realtime.thread_group(self.thread_id))
        if self.user is not None and self.user.is_authenticated:
            await self.join(realtime.user_group(self.user.pk))
        self._sync_task = asyncio.get_running_loop().create_task(self._catch_up_loop())
        self.presence_id = f"{self.user.pk if self.may_type else '-'}|{self.socket_id}"
        await board().enter(self.thread_id, self.presence_id)

    def _access(self, user):
        """``(Reader, may type, display name)`` when ``user`` may read the thread, else None."""
        from forum.models import Thread

        viewer = user if user is not None and user.is_authenticated else None
        thread = Thread.objects.visible_to(viewer).filter(pk=self.thread_id).first()
        if thread is None:
            return None
        audience = realtime.reader_audience(viewer, thread)
        name = ""
        if viewer is not None:
            name = getattr(viewer, "display_name", "") or viewer.get_username()
        reader = realtime.Reader(audience, self.language, viewer.pk if viewer else None)
        return reader, viewer is not None, name

    async def disconnect(self, code):
        self.closed = True
        task = getattr(self, "_sync_task", None)
        if task is not None:
            task.cancel()
        if getattr(self, "presence_id", None):
            await board().leave(self.thread_id, self.presence_id)
        await super().disconnect(code)

    # --- thread events, in order -------------------------------------------------

    async def deliver(self, message, texts) -> None:
        seq = message["seq"]
        if self.closed:
            return
        key = self.reader.key_for(message.get("author"))
        if message["variants"][key].get("type") == "thread.updated":
            self.recheck = True
        if self.syncing or self.recheck or seq > self.last_seq + 1:
            self.pending.append((seq, message, texts))
            self._sync_soon()
            return
        if seq <= self.last_seq:
            return
        self.last_seq = seq
        await self.send(text_data=texts[key])

    async def resume(self) -> None:
        """Redis answered again after an outage: fetch what it may have swallowed."""
        if not self.closed:
            self._sync_soon()

    async def rights_changed(self) -> None:
        if not self.closed:
            self.recheck = True
            self._sync_soon()

    def _sync_soon(self) -> None:
        if not self.syncing:
            self.syncing = True
            self._sync_task = asyncio.get_running_loop().create_task(self._catch_up_loop())

    async def _catch_up_loop(self) -> None:
        """Replay from the database after ``last_seq``, then what came live meanwhile.

        Runs alone (``syncing``); returns with nothing pending, so that the fast
        path of :meth:`deliver` may take over."""
        try:
            while True:
                self.recheck = False
                batch = await database_sync_to_async(self._replay_batch)()
                if batch is None:
                    await self._end(CLOSE_FORBIDDEN)
                    return
                if batch == [realtime.RESYNC]:
                    await self.send_json(realtime.RESYNC)
                    await self._end(CLOSE_RESYNC)
                    return
                for message in batch:
                    if message["seq"] > self.last_seq:
                        self.last_seq = message["seq"]
                        await self.send_json(message)
                if len(batch) >= realtime.REPLAY_BATCH:
                    continue
                self.pending.sort(key=lambda item: item[0])
                while self.pending and not self.recheck:
                    seq, message, texts = self.pending[0]
                    if seq > self.last_seq + 1:
                        break
                    self.pending.pop(0)
                    if seq == self.last_seq + 1:
                        self.last_seq = seq
                        await self.send(text_data=texts[self.reader.key_for(message.get("author"))])
                if not self.pending and not self.recheck:
                    self.syncing = False
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("forum socket: catching up thread %s failed", self.thread_id)
            self.syncing = False
            await self._end(1011)

    def _replay_batch(self) -> list[dict] | None:
        """The next stored events for this reader, its right to read checked again
        first (with the session as it is now): None when it may no longer read."""
        user = _session_user(self.scope)
        access = self._access(user)
        if access is None:
            return None
        self.user = user
        self.reader, self.may_type, self.name = access
        return realtime.thread_events_after(self.thread_id, self.last_seq, self.reader)

    async def _end(self, code: int) -> None:
        self.closed = True
        self.pending.clear()
        with contextlib.suppress(Exception):
            await self.close(code=code)

    # --- ephemeral: presence and typing ---------------------------------------

    async def ephemeral(self, message) -> None:
        if self.closed or message.get("origin") == self.socket_id:
            return
        if message.get("type") in ("presence", "typing"):
            content = {
                key: value for key, value in message.items() if key not in ("origin", "group")
            }
            await self.send_json(content)

    async def client_message(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
            await board().refresh(self.thread_id, self.presence_id)
        elif kind == "typing" and self.may_type:
            now = time.monotonic()
            if now - self._typed_at < settings.FORUM_TYPING_INTERVAL:
                return
            self._typed_at = now
            await hub().send(
                realtime.thread_group(self.thread_id),
                {
                    "type": "typing",
                    "thread": self.thread_id,
                    "user": self.user.pk,
                    "name": self.name,
                    "origin": self.socket_id,
                },
            )
        elif kind == "presence":
            counts = await board().count(self.thread_id)
            await self.send_json({"type": "presence", "thread": self.thread_id, **counts})


def _notifications():
    """``forum.realtime_notifications`` once the notifications concern is installed, else
    None (the socket then sends nothing but heartbeats)."""
    from forum import models

    if not hasattr(models, "Notification"):
        return None
    from forum import realtime_notifications

    return realtime_notifications


class NotificationConsumer(LiveSocket):
    """``/ws/notifications/?after=<notification id>``: the signed-in member's notifications.

    Same catch-up rule as threads: what is newer than ``after`` is replayed on
    connect and after a Redis outage; then ``{"type": "notification", ...}``
    messages arrive live, each with the member's ``unread`` count.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_FORBIDDEN)
            return
        try:
            self.last_id = int(_query(self.scope).get("after", "0"))
        except ValueError:
            self.last_id = -1
        if self.last_id < 0:
            await self.refuse(CLOSE_BAD_REQUEST)
            return
        self.user = user
        self.closed = False
        await self.accept()
        await self.join(realtime.user_group(user.pk))
        await self._catch_up()

    async def disconnect(self, code):
        self.closed = True
        await super().disconnect(code)

    async def _catch_up(self) -> None:
        source = _notifications()
        if source is None:
            return
        language = _query(self.scope).get("lang")  # else the member's own language
        items, unread = await database_sync_to_async(
            lambda: (
                source.notifications_after(self.user, self.last_id, language),
                source.unread_count(self.user),
            )
        )()
        for item in items:
            if item["id"] > self.last_id:
                self.last_id = item["id"]
                await self.send_json({**item, "type": "notification"})
        await self.send_json({"type": "unread", "unread": unread})

    async def ephemeral(self, message) -> None:
        if self.closed or message.get("type") != "notification":
            return
        notification = message["notification"]
        if notification["id"] <= self.last_id:
            return
        self.last_id = notification["id"]
        await self.send_json(
            {**notification, "type": "notification", "unread": message.get("unread")}
        )

    async def rights_changed(self) -> None:
        user = await database_sync_to_async(_session_user)(self.scope)
        if user is None or not user.is_authenticated or user.pk != self.user.pk:
            self.closed = True
            await self.close(code=CLOSE_FORBIDDEN)

    async def resume(self) -> None:
        if not self.closed:
            await self._catch_up()
