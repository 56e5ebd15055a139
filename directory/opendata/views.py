"""HSDS 3.0 API views: parse the query, call one selector and a builder, serve JSON.

Responses are public and cacheable (``Cache-Control``, a strong ``ETag`` of
the body, ``304`` on ``If-None-Match``) and open to other origins (CORS
``*``): the data is open. Errors are JSON ``{"detail": ...}`` in the
language the client asks for.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, time
from functools import wraps
from pathlib import Path

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from directory.opendata import export, hsds, selectors

SPEC_DIR = Path(__file__).resolve().parent / "spec"
PROFILE_PATH = Path(__file__).resolve().parent / "PROFILE.md"

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
CACHE_SECONDS = 300
IMPLEMENTED_PATHS = (
    "/",
    "/services",
    "/services/{id}",
    "/organizations",
    "/organizations/{id}",
    "/taxonomies",
    "/taxonomies/{id}",
    "/taxonomy_terms",
    "/taxonomy_terms/{id}",
)


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


# --- Responses -------------------------------------------------------------------


def _dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _open(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _cacheable(request: HttpRequest, body: bytes, content_type: str) -> HttpResponse:
    """The body with a strong ETag; ``304 Not Modified`` when the client has it."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:40]}"'
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return _open(get_conditional_response(request, etag=etag, response=response))


def _json(request: HttpRequest, data) -> HttpResponse:
    return _cacheable(request, _dumps(data), "application/json")


def _error(status: int, detail: str, parameter: str | None = None) -> HttpResponse:
    data = {"detail": detail}
    if parameter:
        data["parameter"] = parameter
    response = HttpResponse(_dumps(data), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    return _open(response)


def hsds_endpoint(view: Callable) -> Callable:
    """GET/HEAD only; ``Http404`` and bad parameters become JSON errors."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameter as error:
            return _error(400, error.message, error.name)
        except Http404:
            return _error(404, _("No published record has this identifier."))

    return wrapper


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- Query parameters --------------------------------------------------------------


def _int(request: HttpRequest, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise BadParameter(
            name,
            _("%(name)s must be a whole number between %(minimum)s and %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum},
        )
    return value


def _bool(request: HttpRequest, name: str, default: bool = False) -> bool:
    raw = request.GET.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"true", "1", "yes"}:
        return True
    if raw in {"false", "0", "no"}:
        return False
    raise BadParameter(name, _("%(name)s must be true or false.") % {"name": name})


def _datetime(request: HttpRequest, name: str) -> datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None:
        day = parse_date(raw)
        value = datetime.combine(day, time.min) if day else None
    if value is None:
        raise BadParameter(
            name,
            _("%(name)s must be an ISO 8601 date or date-time, such as 2025-01-31T12:00:00Z.")
            % {"name": name},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _format(request: HttpRequest) -> str:
    value = request.GET.get("format", "json").strip().lower() or "json"
    if value not in {"json", "ndjson"}:
        raise BadParameter("format", _("format must be json or ndjson."))
    return value


# --- Pages -------------------------------------------------------------------------


def page_of(request: HttpRequest, items, build: Callable[[object], dict]) -> dict:
    """One HSDS page of ``items`` (a queryset or a list), each turned into a dict by ``build``.

    A page past the last one is empty rather than an error, as HSDS clients
    page until ``last_page``.
    """
    per_page = _int(request, "per_page", DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PER_PAGE)
    number = _int(request, "page", 1, minimum=1, maximum=1_000_000)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    total_pages = math.ceil(total / per_page)
    start = (number - 1) * per_page
    contents = [build(item) for item in items[start : start + per_page]] if start < total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _ndjson(items: Iterable, build: Callable[[object], dict]) -> StreamingHttpResponse:
    def lines() -> Iterator[bytes]:
        for item in items:
            yield _dumps(build(item)) + b"\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return _open(response)


# --- Endpoints --------------------------------------------------------------------


@hsds_endpoint
def api_root(request):
    return _json(
        request,
        {
            "version": hsds.HSDS_VERSION,
            "profile": request.build_absolute_uri(reverse("hsds:profile")),
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
        },
    )


@hsds_endpoint
def profile(request):
    return _cacheable(request, PROFILE_PATH.read_bytes(), "text/markdown; charset=utf-8")


@hsds_endpoint
def openapi(request):
    """The HSDS OpenAPI description, filled in for this API and trimmed to what it serves."""
    spec = json.loads((SPEC_DIR / "openapi.json").read_text(encoding="utf-8"))
    spec["info"] = {
        "title": "Continuum — répertoire des services aux personnes immigrantes (HSDS 3.0)",
        "version": "1.0",
        "summary": "Organismes et services de l'Estrie, au format Open Referral HSDS 3.0.",
        "description": PROFILE_PATH.read_text(encoding="utf-8"),
        "license": hsds.data_licence(),
    }
    spec["servers"] = [{"url": request.build_absolute_uri(reverse("hsds:root")).rstrip("/")}]
    spec["paths"] = {key: value for key, value in spec["paths"].items() if key in IMPLEMENTED_PATHS}
    return _json(request, spec)


@hsds_endpoint
def service_list(request):
    full = _bool(request, "full")
    minimal = _bool(request, "minimal")
    output = _format(request)
    services = selectors.hsds_services(
        text=request.GET.get("search", ""),
        taxonomy_term_id=request.GET.get("taxonomy_term_id", "").strip(),
        taxonomy_id=request.GET.get("taxonomy_id", "").strip(),
        organization_id=request.GET.get("organization_id", "").strip(),
        modified_after=_datetime(request, "modified_after"),
        full=full and not minimal,
    )
    base_url = _base_url(request)

    def build(service) -> dict:
        if minimal:
            return {
                "id": str(service.uuid),
                "last_modified": hsds.hsds_datetime(service.updated_at),
            }
        return hsds.service_to_hsds(service, base_url=base_url, full=full)

    if output == "ndjson":
        return _ndjson(services.iterator(chunk_size=200), build)
    return _json(request, page_of(request, services, build))


@hsds_endpoint
def service_detail(request, id):
    service = selectors.hsds_service_get(id=id)
    return _json(request, hsds.service_to_hsds(service, base_url=_base_url(request)))


@hsds_endpoint
def organization_list(request):
    full = _bool(request, "full")
    full_service = _bool(request, "full_service")
    output = _format(request)
    organisations = selectors.hsds_organisations(
        text=request.GET.get("search", ""),
        full=full or full_service,
        services="full" if full_service else None,
    )
    base_url = _base_url(request)

    def build(organisation) -> dict:
        return hsds.organisation_to_hsds(
            organisation,
            base_url=base_url,
            full=full or full_service,
            services=organisation.hsds_services if full_service else None,
            full_service=full_service,
        )

    if output == "ndjson":
        return _ndjson(organisations.iterator(chunk_size=100), build)
    return _json(request, page_of(request, organisations, build))


@hsds_endpoint
def organization_detail(request, id):
    full_service = _bool(request, "full_service")
    organisation = selectors.hsds_organisation_get(
        id=id, services="full" if full_service else "basic"
    )
    return _json(
        request,
        hsds.organisation_to_hsds(
            organisation,
            base_url=_base_url(request),
            services=organisation.hsds_services,
            full_service=full_service,
        ),
    )


@hsds_endpoint
def taxonomy_list(request):
    return _json(request, page_of(request, selectors.hsds_taxonomies(), lambda item: item))


@hsds_endpoint
def taxonomy_detail(request, id):
    return _json(request, selectors.hsds_taxonomy_get(id=id))


@hsds_endpoint
def taxonomy_term_list(request):
    terms = selectors.hsds_taxonomy_terms(
        text=request.GET.get("search", ""),
        taxonomy_id=request.GET.get("taxonomy_id", "").strip(),
        parent_id=request.GET.get("parent_id", "").strip(),
        top_only=_bool(request, "top_only"),
    )
    return _json(request, page_of(request, terms, lambda item: item))


@hsds_endpoint
def taxonomy_term_detail(request, id):
    return _json(request, selectors.hsds_taxonomy_term_get(id=id))


@hsds_endpoint
def export_zip(request):
    archive = export.export_archive_cached(base_url=_base_url(request), seconds=CACHE_SECONDS)
    response = _cacheable(request, archive, "application/zip")
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{export.ARCHIVE_NAME}"'
    return response
