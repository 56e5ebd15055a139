"""Map data: the locations of a search, as GeoJSON, clustered on a grid by zoom level.

The map follows the search: the same filters, through the same listing
selectors, so it shows only what the visitor may see. Clustering happens in
the database: the visible window is cut into cells of about 64 pixels at the
requested zoom, and each cell with more than one location becomes one
cluster (its count, its centre). A cell with a single location, and every
location from :data:`CLUSTER_UNTIL_ZOOM` on, is sent as a point with what its
popup shows. The size of the answer depends on the window, not on the
number of records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, F, Min, Prefetch, QuerySet
from django.db.models.functions import Floor
from django.http import QueryDict

from directory.catalogue import selectors
from directory.models import Location, ServiceAtLocation
from directory.search.facets import (
    ORGANISATIONS,
    ReferenceData,
    SearchFilters,
    organisations_matching,
    service_pool,
    services_matching,
)

#: From this zoom on, every location is its own marker.
CLUSTER_UNTIL_ZOOM = 14
#: Map tiles are 256 px wide; 4 cells per tile makes cells of 64 px.
CELLS_PER_TILE = 4
#: Points sent at most in one answer (a window is small when points are unclustered).
MAX_POINTS = 2000
#: Services listed in a point's popup.
POPUP_SERVICES = 5
MIN_ZOOM, MAX_ZOOM, DEFAULT_ZOOM = 0, 19, 9


class ViewportError(ValueError):
    """The zoom or bounding box in the query string is not usable."""


@dataclass(frozen=True)
class Viewport:
    zoom: int
    west: float | None = None
    south: float | None = None
    east: float | None = None
    north: float | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> Viewport:
        """``zoom`` (0–19) and ``bbox=west,south,east,north`` in degrees; both optional."""
        try:
            zoom = int(query.get("zoom", DEFAULT_ZOOM))
        except ValueError as error:
            raise ViewportError("zoom") from error
        if not MIN_ZOOM <= zoom <= MAX_ZOOM:
            raise ViewportError("zoom")
        bbox = query.get("bbox")
        if not bbox:
            return cls(zoom=zoom)
        try:
            west, south, east, north = (float(part) for part in bbox.split(","))
        except ValueError as error:
            raise ViewportError("bbox") from error
        if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
            raise ViewportError("bbox")
        return cls(zoom=zoom, west=west, south=south, east=east, north=north)

    @property
    def has_bbox(self) -> bool:
        return self.west is not None

    def cell_degrees(self) -> float:
        return 360 / (2**self.zoom) / CELLS_PER_TILE


def map_locations(*, user, filters: SearchFilters, reference: ReferenceData) -> QuerySet:
    """Locations of the records a search matches, among those the user may see."""
    visible = selectors.locations_visible(user=user)
    if filters.subject == ORGANISATIONS:
        organisations = organisations_matching(user=user, filters=filters, reference=reference)
        return visible.filter(organisation__in=organisations.values("pk"))
    services = services_matching(user=user, filters=filters, reference=reference)
    return visible.filter(
        pk__in=ServiceAtLocation.objects.filter(service__in=services.values("pk")).values(
            "location_id"
        )
    )


def locations_with_services(locations: QuerySet, *, user, filters, reference) -> QuerySet:
    """Locations ready to describe: organisation, territory, and the matching services there.

    When the search is about organisations, every visible service of the place is listed.
    """
    if filters.subject == ORGANISATIONS:
        services = service_pool(user=user)
    else:
        services = services_matching(user=user, filters=filters, reference=reference)
    services = services.defer("search_vector").order_by("name", "pk")
    return locations.select_related("organisation", "territory").prefetch_related(
        Prefetch("services", queryset=services, to_attr="matching_services")
    )


def _in_window(locations: QuerySet, viewport: Viewport) -> QuerySet:
    located = locations.filter(latitude__isnull=False, longitude__isnull=False)
    if not viewport.has_bbox:
        return located
    located = located.filter(latitude__gte=viewport.south, latitude__lte=viewport.north)
    if viewport.west <= viewport.east:
        return located.filter(longitude__gte=viewport.west, longitude__lte=viewport.east)
    # The window crosses the antimeridian.
    return located.filter(longitude__gte=viewport.west) | located.filter(
        longitude__lte=viewport.east
    )


def _point(location: Location) -> dict:
    organisation = location.organisation
    name = organisation.i18n.name
    services = location.matching_services
    address = ", ".join(
        part for part in (location.address, location.municipality, location.postal_code) if part
    )
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [location.longitude, location.latitude]},
        "properties": {
            "kind": "location",
            "id": str(location.uuid),
            "name": str(location.i18n.name or name),
            "organisation": str(name),
            "lang": name.lang,
            "url": organisation.get_absolute_url(),
            "address": address,
            "services": [
                {"name": str(service.i18n.name), "url": service.get_absolute_url()}
                for service in services[:POPUP_SERVICES]
            ],
            "more_services": max(0, len(services) - POPUP_SERVICES),
        },
    }


def _cluster(cell: dict, zoom: int) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [cell["lon"], cell["lat"]]},
        "properties": {
            "kind": "cluster",
            "count": cell["n"],
            "expansion_zoom": min(zoom + 2, CLUSTER_UNTIL_ZOOM),
        },
    }


def _merge_neighbours(groups: list[dict], cell: float) -> list[dict]:
    """Join groups whose centres fall closer than a cell apart.

    A grid cuts a town in two when it straddles a cell boundary; without this
    the map would show two overlapping clusters. Biggest groups absorb the
    smaller ones; the window holds a few hundred cells at most.
    """
    reach = cell * 0.75
    merged: list[dict] = []
    for group in sorted(groups, key=lambda g: (-g["n"], g["first"])):
        for target in merged:
            near = abs(target["lat"] - group["lat"]) < reach
            if near and abs(target["lon"] - group["lon"]) < reach:
                total = target["n"] + group["n"]
                target["lat"] = (target["lat"] * target["n"] + group["lat"] * group["n"]) / total
                target["lon"] = (target["lon"] * target["n"] + group["lon"] * group["n"]) / total
                target["n"] = total
                break
        else:
            merged.append(dict(group))
    return merged


def feature_collection(
    *, user, filters: SearchFilters, reference: ReferenceData, viewport: Viewport
) -> dict:
    """The GeoJSON of a search's locations in a window (3 queries)."""
    located = _in_window(map_locations(user=user, filters=filters, reference=reference), viewport)
    clusters: list[dict] = []
    if viewport.zoom >= CLUSTER_UNTIL_ZOOM:
        points = located
    else:
        cell = viewport.cell_degrees()
        cells = (
            located.annotate(cx=Floor(F("longitude") / cell), cy=Floor(F("latitude") / cell))
            .values("cx", "cy")
            .annotate(n=Count("pk"), lat=Avg("latitude"), lon=Avg("longitude"), first=Min("pk"))
            .order_by()
        )
        single_ids = []
        for group in _merge_neighbours(list(cells), cell):
            if group["n"] == 1:
                single_ids.append(group["first"])
            else:
                clusters.append(_cluster(group, viewport.zoom))
        points = Location.objects.filter(pk__in=single_ids)
    points = locations_with_services(
        points.order_by("pk"), user=user, filters=filters, reference=reference
    )[:MAX_POINTS]
    return {
        "type": "FeatureCollection",
        "features": clusters + [_point(location) for location in points],
    }
