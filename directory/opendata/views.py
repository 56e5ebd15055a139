"""The HSDS 3.0 API on Django REST framework: read the parameters, call a selector, serialize.

Every endpoint is public and read-only, and shares :class:`HSDSView`'s
behaviour:

- no authentication: every client is the public (records are read with
  ``visible_to(None)``), and none escapes the throttle by signing in;
- the settings' ``REST_FRAMEWORK`` policies: JSON, HSDS paging
  (``pagination.py``), throttling of anonymous clients (``throttling.py``);
- query parameters read by serializers (``parameters.py``): a value the API
  cannot use is a JSON ``400`` naming the parameter, in the request's language;
- ``200`` answers carry a strong ``ETag`` of the body and ``Cache-Control:
  public``, and become ``304 Not Modified`` on a matching ``If-None-Match``;
- every answer, errors included, is open to other origins (CORS ``*``): the
  data is open;
- errors are JSON ``{"detail": ...}`` and never cached.

``format`` is HSDS's parameter (``json`` or ``ndjson``, every result as one
JSON line each, without paging), not DRF's renderer switch: the content
negotiation ignores it and the ``Accept`` header, as HSDS clients expect JSON.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _

from directory.opendata import export, hsds, selectors
from directory.opendata import parameters as params
from directory.opendata.serializers import (
    HSDSSerializer,
    OrganisationSerializer,
    ServiceAtLocationSerializer,
    ServiceSerializer,
)

SPEC_DIR = Path(__file__).resolve().parent / "spec"
PROFILE_PATH = Path(__file__).resolve().parent / "PROFILE.md"

CACHE_SECONDS = 300
#: The paths of the HSDS OpenAPI description this API serves (``/openapi.json``).
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
    "/service_at_locations",
    "/service_at_locations/{id}",
)
#: HSDS parameters refused as unsupported (``parameters.Unsupported``): not described.
UNSUPPORTED_PARAMETERS = ("postcode", "proximity")
#: Response headers a browser script on another origin may read.
EXPOSED_HEADERS = "ETag, Link, Retry-After"


class JSONOnly(BaseContentNegotiation):
    """Always the first renderer (JSON): neither ``Accept`` nor ``format`` chooses it."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return (renderers[0], renderers[0].media_type)


def exception_handler(exc, context) -> Response | None:
    """DRF's handler, with the API's own messages, and errors never cached.

    - a bad parameter (``ValidationError`` from ``parameters.py``): ``400``,
      ``{"detail", "parameter", "errors"}``, the first bad parameter named;
    - no visible record: ``404`` in the API's words;
    - over the rate: ``429`` with ``Retry-After``.
    """
    if isinstance(exc, Http404 | exceptions.NotFound):
        exc = exceptions.NotFound(_("No published record has this identifier."))
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        errors = {name: [str(text) for text in texts] for name, texts in exc.detail.items()}
        name, messages = next(iter(errors.items()))
        response = Response(
            {"detail": messages[0], "parameter": name, "errors": errors}, status=400
        )
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait or 1
        response = Response(
            {
                "detail": _("Too many requests: try again in %(seconds)s seconds.")
                % {"seconds": wait}
            },
            status=exc.status_code,
            headers={"Retry-After": str(wait)},
        )
    else:
        response = drf_exception_handler(exc, context)
    if response is not None:
        response["Cache-Control"] = "no-store"
    return response


class HSDSView(APIView):
    """Base of every HSDS endpoint. Override points: :attr:`parameters_class`
    (the query parameters this endpoint reads) and ``get``."""

    authentication_classes = ()  # the public: no session read, no CSRF, nobody signed in
    content_negotiation_class = JSONOnly
    http_method_names = ["get", "head"]  # read-only; anything else is a JSON 405
    parameters_class: type[serializers.Serializer] = params.NoParameters

    def get_exception_handler(self):
        return exception_handler

    def parameters(self) -> dict:
        """The request's checked parameters (a ``ValidationError`` on the first read)."""
        if not hasattr(self, "_parameters"):
            reader = self.parameters_class(data=self.request.query_params)
            reader.is_valid(raise_exception=True)
            self._parameters = reader.validated_data
        return self._parameters

    def base_url(self) -> str:
        return self.request.build_absolute_uri("/").rstrip("/")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            response = self._conditional(request, response)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response

    @staticmethod
    def _conditional(request, response):
        """A strong ETag of the body; ``304`` when the client already has it."""
        if isinstance(response, Response):
            response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return get_conditional_response(request._request, etag=etag, response=response)


class HSDSListView(GenericAPIView, HSDSView):
    """A paginated HSDS list, or with ``format=ndjson`` every item, one JSON line each.

    Override points: :meth:`get_queryset` (a queryset or a list, from a selector)
    and :meth:`get_serializer_context` (the builder's options).
    """

    parameters_class = params.ListParameters
    serializer_class = HSDSSerializer

    def get(self, request, *args, **kwargs):
        parameters = self.parameters()
        self.paginator.parameters(request)  # page and per_page are checked even for NDJSON
        items = self.get_queryset()
        if parameters["format"] == params.FORMAT_NDJSON:
            return self.ndjson(items)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "base_url": self.base_url()}

    def ndjson(self, items) -> StreamingHttpResponse:
        """Every item, streamed in chunks (the queries do not grow with the rows)."""
        serializer = self.get_serializer()
        renderer = self.get_renderers()[0]
        if hasattr(items, "iterator"):
            items = items.iterator(chunk_size=200)

        def lines(items: Iterable) -> Iterator[bytes]:
            for item in items:
                yield renderer.render(serializer.to_representation(item)) + b"\n"

        response = StreamingHttpResponse(lines(items), content_type="application/x-ndjson")
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response


class HSDSDetailView(HSDSView):
    """One HSDS object. Override points: :meth:`get_object` (a selector, 404 when
    not visible) and :attr:`serializer_class`."""

    serializer_class = HSDSSerializer

    def get_object(self):
        raise NotImplementedError

    def get_serializer_context(self) -> dict:
        return {"request": self.request, "view": self, "base_url": self.base_url()}

    def get(self, request, *args, **kwargs):
        context = {**self.get_serializer_context(), **self.parameters()}
        return Response(self.serializer_class(self.get_object(), context=context).data)


# --- Root, profile, OpenAPI --------------------------------------------------------------


class APIRoot(HSDSView):
    def get(self, request):
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": request.build_absolute_uri(reverse("hsds:profile")),
                "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
            }
        )


class Profile(HSDSView):
    """Our HSDS profile (``PROFILE.md``), as Markdown."""

    def get(self, request):
        return HttpResponse(PROFILE_PATH.read_bytes(), content_type="text/markdown; charset=utf-8")


class OpenAPI(HSDSView):
    """The HSDS OpenAPI description, filled in for this API and trimmed to what it serves."""

    def get(self, request):
        spec = json.loads((SPEC_DIR / "openapi.json").read_text(encoding="utf-8"))
        spec["info"] = {
            "title": "Continuum — répertoire des services aux personnes immigrantes (HSDS 3.0)",
            "version": "1.0",
            "summary": "Organismes et services de l'Estrie, au format Open Referral HSDS 3.0.",
            "description": PROFILE_PATH.read_text(encoding="utf-8"),
            "license": hsds.data_licence(),
        }
        spec["servers"] = [{"url": request.build_absolute_uri(reverse("hsds:root")).rstrip("/")}]
        spec["paths"] = {
            key: value for key, value in spec["paths"].items() if key in IMPLEMENTED_PATHS
        }
        refused = {f"#/components/parameters/{name}" for name in UNSUPPORTED_PARAMETERS}
        for item in spec["paths"].values():
            operation = item["get"]
            if "parameters" in operation:
                operation["parameters"] = [
                    parameter
                    for parameter in operation["parameters"]
                    if parameter.get("$ref") not in refused
                ]
        # The description promises a fully nested service_at_location but names the
        # service schema: serve what the description says (PROFILE.md).
        detail = spec["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
        detail["content"]["application/json"]["schema"]["$ref"] = detail["content"][
            "application/json"
        ]["schema"]["$ref"].replace("compiled/service.json", "compiled/service_at_location.json")
        return Response(spec)


# --- Services ----------------------------------------------------------------------------


class ServiceList(HSDSListView):
    parameters_class = params.ServiceListParameters
    serializer_class = ServiceSerializer

    def get_queryset(self):
        p = self.parameters()
        return selectors.hsds_services(
            text=p["search"],
            taxonomy_term_id=p["taxonomy_term_id"],
            taxonomy_id=p["taxonomy_id"],
            organization_id=p["organization_id"],
            modified_after=p["modified_after"],
            full=p["full"] and not p["minimal"],
        )

    def get_serializer_context(self) -> dict:
        p = self.parameters()
        return {**super().get_serializer_context(), "full": p["full"], "minimal": p["minimal"]}


class ServiceDetail(HSDSDetailView):
    serializer_class = ServiceSerializer

    def get_object(self):
        return selectors.hsds_service_get(id=self.kwargs["id"])


# --- Organisations -----------------------------------------------------------------------


class OrganisationList(HSDSListView):
    parameters_class = params.OrganisationListParameters
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        p = self.parameters()
        return selectors.hsds_organisations(
            text=p["search"],
            full=p["full"] or p["full_service"],
            services="full" if p["full_service"] else None,
        )

    def get_serializer_context(self) -> dict:
        p = self.parameters()
        return {
            **super().get_serializer_context(),
            "full": p["full"],
            "full_service": p["full_service"],
        }


class OrganisationDetail(HSDSDetailView):
    parameters_class = params.OrganisationParameters
    serializer_class = OrganisationSerializer

    def get_object(self):
        full_service = self.parameters()["full_service"]
        return selectors.hsds_organisation_get(
            id=self.kwargs["id"], services="full" if full_service else "basic"
        )


# --- Services at a location --------------------------------------------------------------


class ServiceAtLocationList(HSDSListView):
    parameters_class = params.ServiceAtLocationListParameters
    serializer_class = ServiceAtLocationSerializer

    def get_queryset(self):
        p = self.parameters()
        return selectors.hsds_service_at_locations(
            text=p["search"],
            taxonomy_term_id=p["taxonomy_term_id"],
            taxonomy_id=p["taxonomy_id"],
            organization_id=p["organization_id"],
            modified_after=p["modified_after"],
            full=p["full"],
        )

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "full": self.parameters()["full"]}


class ServiceAtLocationDetail(HSDSDetailView):
    serializer_class = ServiceAtLocationSerializer

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "full": True}

    def get_object(self):
        return selectors.hsds_service_at_location_get(id=self.kwargs["id"])


# --- Taxonomies --------------------------------------------------------------------------


class TaxonomyList(HSDSListView):
    def get_queryset(self):
        return selectors.hsds_taxonomies(text=self.parameters()["search"])


class TaxonomyDetail(HSDSDetailView):
    def get_object(self):
        return selectors.hsds_taxonomy_get(id=self.kwargs["id"])


class TaxonomyTermList(HSDSListView):
    parameters_class = params.TaxonomyTermListParameters

    def get_queryset(self):
        p = self.parameters()
        return selectors.hsds_taxonomy_terms(
            text=p["search"],
            taxonomy_id=p["taxonomy_id"],
            parent_id=p["parent_id"],
            top_only=p["top_only"],
        )


class TaxonomyTermDetail(HSDSDetailView):
    def get_object(self):
        return selectors.hsds_taxonomy_term_get(id=self.kwargs["id"])


# --- The tabular export ------------------------------------------------------------------


class ExportArchive(HSDSView):
    """``export.zip``: the data package, built at most every few minutes (``export.py``)."""

    def get(self, request):
        archive = export.export_archive_cached(base_url=self.base_url(), seconds=CACHE_SECONDS)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.ARCHIVE_NAME}"'
        return response
