"""In-memory facet index: exact facet counts for the public search in microseconds.

Why: counting every facet value with SQL ``GROUP BY`` means hashing every
(service, value) pair of the filtered set — about 200,000 pairs for 20,000
services — on every search; EXPLAIN ANALYZE put that at 120–190 ms on our
two-core servers, far above the 50 ms target (see bench/search.py). Here each
facet value is a bitset of service positions (a Python ``int``); a count is
``(candidates & value).bit_count()``, a few microseconds.

How it stays exact:

- the sets are read from the database through the listing selectors
  (``services_visible``, ``organisations_visible``): the public sets are
  part of the index; a signed-in member's visible sets are asked of the
  same selectors at each search (one query), so the visibility rule lives in
  one place;
- the index remembers the directory's data version (``directory/data_version.py``)
  it was read *before* building; every committed directory write moves that
  version (the signal handlers, or an explicit ``data_version_bump`` after a
  bulk write), so each process rebuilds after a committed change, and a
  rolled-back change moves nothing. An index is also rebuilt once it is
  older than ``DIRECTORY_INDEX_MAX_AGE`` seconds: that bounds the rare
  change whose bump was lost (see the data version's docstring);
- a connection with uncommitted directory writes sees data no committed
  version describes: its index is kept for this thread only;
- after a write *of another process*, the previous index keeps answering
  while one thread of this process rebuilds it (half a second at 20,000
  services), so that a write every second does not make a search in every
  process wait that long (``bench/search_under_writes.py``). For that
  while, the counts may miss the write, as a search engine's refresh
  interval would; the records shown never do: a page's rows are read
  through the visibility rule, so a record unpublished meanwhile is not
  shown. Background rebuilds start at most every
  ``DIRECTORY_INDEX_REBUILD_INTERVAL`` seconds (5), so the counts lag
  another process's write by that much at most, plus a rebuild. After a
  write *of this process* (the person who saved it
  searches next), and when the index is older than
  ``DIRECTORY_INDEX_MAX_AGE``, the reader waits for the rebuild as before.
  ``DIRECTORY_INDEX_SERVE_WHILE_REBUILDING = False`` makes every reader wait;
- positions follow ``ORDER BY name, id``, so the set bits of a result, read
  in ascending order, are the results sorted by name: a page needs no sort.

The SQL filters in ``directory/search/facets.py`` remain for the map data; a test
checks that both give the same records.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections

from directory.catalogue import selectors
from directory.data_version import DataVersion, data_version_get, last_local_bump
from directory.models import Organisation, Service, ServiceCategory

logger = logging.getLogger(__name__)

CATEGORY_TOP = "category:top"

_SERVICE_M2M = {
    "category": (Service.categories.through, "servicecategory_id"),
    "territory": (Service.territories.through, "territory_id"),
    "status": (Service.client_statuses.through, "clientstatus_id"),
    "language": (Service.languages.through, "language_id"),
}
# Facets where an organisation matches through one of its services.
ORGANISATION_THROUGH_SERVICES = ("category", CATEGORY_TOP, "status", "language")


def bits_from(positions: Iterable[int], size: int) -> int:
    """A bitset with these positions set (linear, unlike repeated ``|=``)."""
    buffer = bytearray((size >> 3) + 1)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def positions_of(bits: int, *, limit: int | None = None) -> Iterator[int]:
    """Set positions in ascending order (at most ``limit`` of them)."""
    if not bits:
        return
    digits = format(bits, "b")[::-1]
    found = 0
    position = digits.find("1")
    while position != -1 and (limit is None or found < limit):
        yield position
        found += 1
        position = digits.find("1", position + 1)


@dataclass
class FacetIndex:
    #: The data version read before the index was built from the data.
    version: DataVersion | None
    service_ids: list[int]
    service_position: dict[int, int]
    service_organisation: list[int]  # service position -> organisation position
    organisation_ids: list[int]
    organisation_position: dict[int, int]
    public_services: int  # visible to everyone and active (the search's pool)
    public_organisations: int
    #: facet -> value (row id, or kind code) -> bits of services.
    service_values: dict[str, dict]
    #: facet -> value -> bits of organisations: through their public active
    #: services (category, status, language), or their own territories and kind.
    organisation_values: dict[str, dict]
    #: The facets' reference data, kept with the index (set by ``ReferenceData.current``).
    reference: object = None
    #: When it was built (``time.monotonic()``): an index has a maximum age.
    built_at: float = field(default_factory=time.monotonic)
    #: Recent text matches, (model, text) -> (bits of the matching records, bits of those
    #: whose name matches), least recently used first (``facets._text_matches``).
    text_matches: OrderedDict = field(default_factory=OrderedDict)
    #: What ``text_matches`` holds, in bytes: bounded by ``DIRECTORY_TEXT_CACHE_BYTES``.
    text_bytes: int = 0
    text_lock: threading.Lock = field(default_factory=threading.Lock)

    # --- Converting between ids and bits ------------------------------------------------

    def service_bits(self, ids: Iterable[int]) -> int:
        position = self.service_position
        return bits_from((position[pk] for pk in ids if pk in position), len(self.service_ids))

    def organisation_bits(self, ids: Iterable[int]) -> int:
        position = self.organisation_position
        return bits_from((position[pk] for pk in ids if pk in position), len(self.organisation_ids))

    def organisations_of(self, service_bits: int) -> int:
        """Bits of the organisations of these services."""
        owner = self.service_organisation
        return bits_from((owner[p] for p in positions_of(service_bits)), len(self.organisation_ids))

    def service_page(self, bits: int, offset: int, limit: int) -> list[int]:
        positions = list(positions_of(bits, limit=offset + limit))[offset:]
        return [self.service_ids[p] for p in positions]

    def organisation_page(self, bits: int, offset: int, limit: int) -> list[int]:
        positions = list(positions_of(bits, limit=offset + limit))[offset:]
        return [self.organisation_ids[p] for p in positions]

    def organisation_values_for(self, visible_services: int) -> dict[str, dict]:
        """Organisation bits per value for someone who sees more than the public.

        The index holds what public services give; services this person also
        sees (their organisation's drafts, or everything for staff) add their
        organisation to each of their values.
        """
        extra = visible_services & ~self.public_services
        if not extra:
            return self.organisation_values
        values = {facet: dict(table) for facet, table in self.organisation_values.items()}
        for facet in ORGANISATION_THROUGH_SERVICES:
            for value, services in self.service_values[facet].items():
                hidden = extra & services
                if hidden:
                    values[facet][value] = values[facet].get(value, 0) | self.organisations_of(
                        hidden
                    )
        return values


def _build(version: DataVersion | None) -> FacetIndex:
    services = list(Service.objects.order_by("name", "pk").values_list("pk", "organisation_id"))
    organisations = list(Organisation.objects.order_by("name", "pk").values_list("pk", "kind"))
    service_ids = [pk for pk, _ in services]
    service_position = {pk: position for position, pk in enumerate(service_ids)}
    organisation_ids = [pk for pk, _ in organisations]
    organisation_position = {pk: position for position, pk in enumerate(organisation_ids)}
    n_services, n_organisations = len(service_ids), len(organisation_ids)
    service_organisation = [organisation_position[organisation] for _, organisation in services]

    # The public sets, from the one visibility rule (unordered: positions give the order).
    public_positions = [
        service_position[pk]
        for pk in selectors.services_visible(user=None)
        .active()
        .order_by()
        .values_list("pk", flat=True)
    ]
    public_services = bits_from(public_positions, n_services)
    is_public = bytearray(n_services)
    for position in public_positions:
        is_public[position] = 1
    public_organisations = bits_from(
        (
            organisation_position[pk]
            for pk in selectors.organisations_visible(user=None)
            .order_by()
            .values_list("pk", flat=True)
        ),
        n_organisations,
    )

    def grouped(pairs, position, size) -> dict:
        by_value: dict = {}
        for pk, value in pairs:
            if pk in position:
                by_value.setdefault(value, []).append(position[pk])
        return {value: bits_from(found, size) for value, found in by_value.items()}

    def grouped_with_organisations(pairs) -> tuple[dict, dict]:
        """Services by value, and the organisations of the *public* ones by value, in one pass
        (an organisation matches a service facet through its public active services)."""
        services_by: dict = {}
        organisations_by: dict = {}
        for pk, value in pairs:
            position = service_position.get(pk)
            if position is None:
                continue
            services_by.setdefault(value, []).append(position)
            if is_public[position]:
                organisations_by.setdefault(value, []).append(service_organisation[position])
        return (
            {value: bits_from(found, n_services) for value, found in services_by.items()},
            {value: bits_from(found, n_organisations) for value, found in organisations_by.items()},
        )

    service_values: dict[str, dict] = {}
    organisation_values: dict[str, dict] = {}
    for facet, (through, column) in _SERVICE_M2M.items():
        pairs = through.objects.values_list("service_id", column)
        if facet in ORGANISATION_THROUGH_SERVICES:
            service_values[facet], organisation_values[facet] = grouped_with_organisations(pairs)
        else:
            service_values[facet] = grouped(pairs, service_position, n_services)
    kind_of = dict(organisations)
    service_values["kind"] = grouped(
        ((pk, kind_of[organisation]) for pk, organisation in services),
        service_position,
        n_services,
    )
    parents = dict(ServiceCategory.objects.values_list("pk", "parent_id"))
    service_rollup: dict = {}
    organisation_rollup: dict = {}
    for category, bits in service_values["category"].items():
        top = parents.get(category) or category
        service_rollup[top] = service_rollup.get(top, 0) | bits
        organisation_rollup[top] = organisation_rollup.get(top, 0) | organisation_values[
            "category"
        ].get(category, 0)
    service_values[CATEGORY_TOP] = service_rollup
    organisation_values[CATEGORY_TOP] = organisation_rollup
    organisation_values["territory"] = grouped(
        Organisation.territories.through.objects.values_list("organisation_id", "territory_id"),
        organisation_position,
        n_organisations,
    )
    organisation_values["kind"] = grouped(organisations, organisation_position, n_organisations)
    return FacetIndex(
        version=version,
        service_ids=service_ids,
        service_position=service_position,
        service_organisation=service_organisation,
        organisation_ids=organisation_ids,
        organisation_position=organisation_position,
        public_services=public_services,
        public_organisations=public_organisations,
        service_values=service_values,
        organisation_values=organisation_values,
    )


_lock = threading.Lock()
_current: FacetIndex | None = None
#: Whether a thread is rebuilding ``_current`` in the background (one at a time), and when
#: the last one started (``time.monotonic()``).
_rebuilding = False
_rebuild_started = float("-inf")
#: An index built from this thread's uncommitted writes: never shared.
_private = threading.local()


def _young(index: FacetIndex | None) -> bool:
    """Whether ``index`` exists, knows its version and is within ``DIRECTORY_INDEX_MAX_AGE``."""
    return (
        index is not None
        and index.version is not None
        and time.monotonic() - index.built_at <= settings.DIRECTORY_INDEX_MAX_AGE
    )


def _fresh(index: FacetIndex | None, version: DataVersion) -> bool:
    """Whether ``index`` may answer a reader who read ``version`` (a newer index may)."""
    if not _young(index):
        return False
    if not version.shared:
        return index.version == version
    return index.version.shared and index.version.committed >= version.committed


def _may_answer_while_rebuilding(index: FacetIndex | None) -> bool:
    """Whether ``index``, behind the data, may answer while a thread rebuilds it: it is
    young enough and it holds every write of this process (module docstring)."""
    if not settings.DIRECTORY_INDEX_SERVE_WHILE_REBUILDING or not _young(index):
        return False
    return index.version.shared and last_local_bump() <= index.version.committed


def _install(index: FacetIndex) -> None:
    """Make ``index`` the current one unless a newer one got there first. Hold ``_lock``."""
    global _current
    if (
        _current is None
        or _current.version is None
        or (index.version is not None and index.version.committed >= _current.version.committed)
    ):
        _current = index


def _rebuild_in_background() -> None:
    """Start one thread that rebuilds the index, unless one is already at it or one started
    less than ``DIRECTORY_INDEX_REBUILD_INTERVAL`` seconds ago.

    The interval bounds the work: a rebuild is pure Python and holds the
    interpreter, so rebuilding after every write of a busy second would slow
    every search of the process. Writes in between are taken by the next
    rebuild, which any reader starts once the interval has passed.
    """
    global _rebuilding, _rebuild_started
    with _lock:
        now = time.monotonic()
        if _rebuilding or now - _rebuild_started < settings.DIRECTORY_INDEX_REBUILD_INTERVAL:
            return
        _rebuilding, _rebuild_started = True, now
    threading.Thread(target=_rebuild, name="facet-index-rebuild", daemon=True).start()


def _rebuild() -> None:
    global _rebuilding
    try:
        index = _build(data_version_get())
        with _lock:
            _install(index)
    except Exception:
        # The readers go on with the previous index and the next one starts another
        # rebuild; past DIRECTORY_INDEX_MAX_AGE they rebuild it themselves.
        logger.exception("The facet index could not be rebuilt in the background")
    finally:
        with _lock:
            _rebuilding = False
        connections.close_all()  # this thread's own connection


def facet_index_current() -> FacetIndex:
    """The index of the data as this connection sees it (one query when it is current)."""
    version = data_version_get()
    if not version.shared:
        index = getattr(_private, "index", None)
        if not _fresh(index, version):
            index = _build(version)
            _private.index = index
        return index
    _private.index = None
    index = _current
    if _fresh(index, version):
        return index
    if _may_answer_while_rebuilding(index):
        _rebuild_in_background()
        return index
    with _lock:
        index = _current
        if not _fresh(index, version):
            index = _build(version)
            _install(index)
            index = _current
    return index
