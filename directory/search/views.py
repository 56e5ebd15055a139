"""The public search: the list with facets, the map and its data.

Every read goes through the directory's selectors, so that the list, the
facet counts and the map data apply one visibility rule with the pages.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from directory.search import mapdata
from directory.search.facets import (
    PAGE_SIZE,
    ReferenceData,
    SearchFilters,
    directory_facets,
    directory_search,
)


@require_safe
def search(request):
    reference = ReferenceData.current()
    filters = SearchFilters.from_query(request.GET, reference)
    result = directory_search(
        user=request.user,
        filters=filters,
        reference=reference,
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "directory/search.html",
        {"result": result, "filters": filters, "facets": result.facets},
    )


@require_safe
def map_page(request):
    """The map, with the list of the same locations beside it (the map is never the only way)."""
    reference = ReferenceData.current()
    filters = SearchFilters.from_query(request.GET, reference)
    facets, count = directory_facets(user=request.user, filters=filters, reference=reference)
    locations = mapdata.locations_with_services(
        mapdata.map_locations(user=request.user, filters=filters, reference=reference).order_by(
            "municipality", "name", "pk"
        ),
        user=request.user,
        filters=filters,
        reference=reference,
    )
    locations_page = Paginator(locations, PAGE_SIZE).get_page(request.GET.get("page"))
    center = settings.LEAFLET_CONFIG["DEFAULT_CENTER"]
    return render(
        request,
        "directory/map.html",
        {
            "filters": filters,
            "facets": facets,
            "count": count,
            "locations_page": locations_page,
            "map_center": f"{center[0]},{center[1]}",
            "map_zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
            "tiles_url": settings.MAP_TILES_URL,
            "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        },
    )


@require_safe
def map_data(request):
    """GeoJSON of the search's locations in a window, clustered by zoom."""
    reference = ReferenceData.current()
    filters = SearchFilters.from_query(request.GET, reference)
    try:
        viewport = mapdata.Viewport.from_query(request.GET)
    except mapdata.ViewportError:
        message = gettext("The map position is not valid: zoom 0–19, bbox west,south,east,north.")
        return JsonResponse({"error": message}, status=400)
    collection = mapdata.feature_collection(
        user=request.user, filters=filters, reference=reference, viewport=viewport
    )
    response = JsonResponse(collection, content_type="application/geo+json")
    response["Vary"] = "Cookie, Accept-Language"
    return response
