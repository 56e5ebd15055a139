"""Feeds are built when events change, stored, and served as stored.

A request reads one small row (ETag, Last-Modified, stale or not); the bytes
come from this process's memory when it already holds that ETag, else from
the row. Only a missing or stale snapshot is built in a request, once:

- the builder locks the snapshot's row (``SELECT … FOR UPDATE``; a new key
  is inserted under its unique constraint first), then looks again — another
  request or the task may have built it while this one waited — and builds
  only if it is still stale;
- a change committed *during* a build marks the row stale after the build
  commits (its ``UPDATE`` waits for the row lock), so the next reader
  builds again: a snapshot is never left fresh with old data.

``changed_at`` (Last-Modified) moves only when the bytes differ: rebuilding
an unchanged feed keeps its ETag and its date, so clients get 304.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from events.feeds.definitions import FeedGone, feed_build
from events.feeds.models import FeedSnapshot

MEMORY_ENTRIES = 32


@dataclass(frozen=True)
class Snapshot:
    key: str
    etag: str
    changed_at: datetime
    public: bool

    def content(self) -> bytes:
        return _memory_get(self.key, self.etag)


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


_memory: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
_memory_lock = threading.Lock()


def _memory_put(key: str, etag: str, content: bytes) -> None:
    with _memory_lock:
        _memory[key] = (etag, content)
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)


def _memory_get(key: str, etag: str) -> bytes:
    with _memory_lock:
        held = _memory.get(key)
        if held and held[0] == etag:
            _memory.move_to_end(key)
            return held[1]
    row = FeedSnapshot.objects.filter(key=key, etag=etag).values_list("content", flat=True).first()
    if row is None:  # rebuilt meanwhile: serve what is there now
        row, etag = FeedSnapshot.objects.filter(key=key).values_list("content", "etag").get()
    content = bytes(row)
    _memory_put(key, etag, content)
    return content


#: Each process remembers a fresh snapshot's ETag for ``EVENTS_FEED_MEMO_SECONDS``: a
#: request then makes no query at all. A change made in this process forgets it at once;
#: one made in another process shows after that many seconds at most.
_fresh: dict[str, tuple[float, Snapshot]] = {}


def _memo_seconds() -> float:
    from django.conf import settings

    return getattr(settings, "EVENTS_FEED_MEMO_SECONDS", 2.0)


def _remember(snapshot: Snapshot) -> Snapshot:
    if _memo_seconds() > 0:
        _fresh[snapshot.key] = (time.monotonic() + _memo_seconds(), snapshot)
    return snapshot


def snapshot_get(key: str) -> Snapshot:
    """The fresh snapshot of ``key``, built now if missing or stale; :class:`FeedGone`."""
    held = _fresh.get(key)
    if held is not None and held[0] > time.monotonic():
        return held[1]
    row = (
        FeedSnapshot.objects.filter(key=key)
        .values_list("etag", "changed_at", "public", "stale")
        .first()
    )
    if row is not None and not row[3] and row[0]:
        return _remember(Snapshot(key, etag=row[0], changed_at=row[1], public=row[2]))
    return _remember(snapshot_rebuild(key))


def snapshot_rebuild(key: str, *, force: bool = False) -> Snapshot:
    """Build ``key`` unless another process built it meanwhile (``force``: build anyway)."""
    now = timezone.now()
    with transaction.atomic():
        row = FeedSnapshot.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = FeedSnapshot.objects.create(
                        key=key, content=b"", etag="", changed_at=now, built_at=now, stale=True
                    )
            except IntegrityError:
                row = FeedSnapshot.objects.select_for_update().get(key=key)
        if not force and not row.stale and row.etag:
            return Snapshot(key, etag=row.etag, changed_at=row.changed_at, public=row.public)
        try:
            built = feed_build(key, now=now)
        except FeedGone:
            row.delete()
            raise
        etag = etag_of(built.content)
        if etag != row.etag:
            row.content = built.content
            row.etag = etag
            row.changed_at = now
        row.public = built.public
        row.built_at = now
        row.stale = False
        row.save()
    _memory_put(key, etag, built.content)
    return Snapshot(key, etag=etag, changed_at=row.changed_at, public=row.public)


def snapshots_mark_stale(*, event_ids=(), user_ids=()) -> list[str]:
    """Mark stale the feeds a change of these events or these members' registrations may alter.

    Any change of an event may move it in or out of every public listing
    (its kind or its hosts may have changed): all of them are marked, and
    built again when next asked for. Returns the keys marked.
    """
    condition = Q(pk__in=[])
    if event_ids:
        from events.models import Registration

        condition |= Q(key="all") | Q(key__startswith="kind:") | Q(key__startswith="organisation:")
        condition |= Q(key__in=[f"event:{pk}" for pk in event_ids])
        user_ids = set(user_ids) | set(
            Registration.objects.filter(occurrence__event_id__in=event_ids, user__isnull=False)
            .values_list("user_id", flat=True)
            .distinct()
        )
    if user_ids:
        condition |= Q(key__in=[f"member:{pk}" for pk in user_ids])
    keys = list(FeedSnapshot.objects.filter(condition).values_list("key", flat=True))
    for key in keys:
        _fresh.pop(key, None)
    if keys:
        # Unconditional, and after the readers' query: an UPDATE waits for a build holding
        # the row (snapshot_rebuild) and applies after it, so a build that read the data
        # before this change committed never leaves its snapshot fresh.
        FeedSnapshot.objects.filter(key__in=keys).update(stale=True)
    return keys
