"""Serialised VEVENTs kept between feed builds (``events.ics.build.FragmentStore``).

Keys are digests of everything that makes the bytes, so a fragment found is
always right; one missing (evicted, first build) is serialised again. Kept
in this process's memory and in the shared cache (Redis in production, a
file cache in ``make run``), so that the worker that rebuilds feeds after a
change re-serialises only the events that changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.core.cache import cache

PREFIX = "events:ics:"
TIMEOUT = 30 * 24 * 3600
MEMORY_ENTRIES = 20_000


class CachedFragments:
    def __init__(self) -> None:
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._lock:
            for key in keys:
                if key in self._memory:
                    found[key] = self._memory[key]
        missing = [key for key in keys if key not in found]
        if missing:
            shared = cache.get_many([PREFIX + key for key in missing])
            for key in missing:
                value = shared.get(PREFIX + key)
                if isinstance(value, bytes):
                    found[key] = value
            self._remember({k: v for k, v in found.items() if k in set(missing)})
        return found

    def set_many(self, values: dict[str, bytes]) -> None:
        self._remember(values)
        cache.set_many({PREFIX + key: value for key, value in values.items()}, TIMEOUT)

    def _remember(self, values: dict[str, bytes]) -> None:
        with self._lock:
            for key, value in values.items():
                self._memory[key] = value
                self._memory.move_to_end(key)
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)


fragments = CachedFragments()
