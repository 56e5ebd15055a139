"""What the HSDS API may read: one selector per kind of read.

Records are read only through the one visibility rule, ``visible_to(None)``
(the public), by way of the querysets of ``hsds.py``. Filters take values the
API has already checked (``parameters.py``); an unknown id matches nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from directory.models import (
    ClientStatus,
    Organisation,
    OrganisationKind,
    Service,
    ServiceAtLocation,
    ServiceCategory,
)
from directory.opendata import hsds
from directory.search import text as search


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise Http404 from error


def hsds_services(
    *,
    text: str = "",
    taxonomy_term_id: str = "",
    taxonomy_id: str = "",
    organization_id: str = "",
    modified_after: datetime | None = None,
    full: bool = True,
) -> QuerySet:
    """Visible services matching the HSDS filters, ordered by name.

    A top-level category's term also finds the services filed under its
    sub-categories. Unknown ids match nothing (they are not errors).
    """
    services = hsds.services_for_hsds(full=full)
    text = search.query_clean(text)
    if text:
        services = services.filter(search.service_text_q(text))
    if taxonomy_term_id:
        services = services.filter(_term_q(taxonomy_term_id))
    if taxonomy_id:
        services = services.filter(_taxonomy_q(taxonomy_id))
    if organization_id:
        try:
            services = services.filter(organisation__uuid=uuid.UUID(organization_id))
        except ValueError:
            services = services.none()
    if modified_after is not None:
        services = services.filter(updated_at__gte=modified_after)
    return services


def _term_q(term_id: str) -> Q:
    for category in ServiceCategory.objects.only("pk", "code", "parent_id"):
        if hsds.SERVICE_CATEGORIES.term_id(category.code) == term_id:
            ids = [category.pk]
            if category.parent_id is None:
                ids += list(category.children.values_list("pk", flat=True))
            return Q(
                pk__in=Service.categories.through.objects.filter(servicecategory_id__in=ids).values(
                    "service_id"
                )
            )
    for status in ClientStatus.objects.only("pk", "code"):
        if hsds.CLIENT_STATUSES.term_id(status.code) == term_id:
            return Q(client_statuses=status)
    for kind in OrganisationKind.values:
        if hsds.ORGANISATION_KINDS.term_id(kind) == term_id:
            return Q(organisation__kind=kind)
    return Q(pk__in=[])


def _taxonomy_q(taxonomy_id: str) -> Q:
    if taxonomy_id == hsds.SERVICE_CATEGORIES.id:
        return Q(pk__in=Service.categories.through.objects.values("service_id"))
    if taxonomy_id == hsds.CLIENT_STATUSES.id:
        return Q(pk__in=Service.client_statuses.through.objects.values("service_id"))
    if taxonomy_id == hsds.ORGANISATION_KINDS.id:
        return Q()
    return Q(pk__in=[])


def hsds_service_get(*, id: str) -> Service:
    """The visible service with this HSDS id, fully prefetched; 404 otherwise."""
    try:
        return hsds.services_for_hsds().get(uuid=_uuid_or_404(id))
    except Service.DoesNotExist as error:
        raise Http404 from error


def hsds_organisations(
    *, text: str = "", full: bool = True, services: str | None = None
) -> QuerySet:
    """Visible organisations; ``services`` ("basic" or "full") prefetches their services."""
    organisations = hsds.organisations_for_hsds(full=full, services=services)
    text = search.query_clean(text)
    if text:
        organisations = organisations.filter(search.organisation_text_q(text))
    return organisations


def hsds_organisation_get(*, id: str, services: str | None = "basic") -> Organisation:
    """The visible organisation with this HSDS id and its visible services; 404 otherwise."""
    try:
        return hsds.organisations_for_hsds(services=services).get(uuid=_uuid_or_404(id))
    except Organisation.DoesNotExist as error:
        raise Http404 from error


def hsds_service_at_locations(
    *,
    text: str = "",
    taxonomy_term_id: str = "",
    taxonomy_id: str = "",
    organization_id: str = "",
    modified_after: datetime | None = None,
    full: bool = False,
) -> QuerySet:
    """Visible services at a location whose service matches the HSDS service filters."""
    services = hsds_services(
        text=text,
        taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        organization_id=organization_id,
        modified_after=modified_after,
        full=False,
    )
    return hsds.service_at_locations_for_hsds(full=full).filter(service__in=services.values("pk"))


def hsds_service_at_location_get(*, id: str) -> ServiceAtLocation:
    """The visible service at a location with this HSDS id, fully prefetched; 404 otherwise."""
    try:
        return hsds.service_at_locations_for_hsds(full=True).get(uuid=_uuid_or_404(id))
    except ServiceAtLocation.DoesNotExist as error:
        raise Http404 from error


def hsds_taxonomy_terms(
    *, text: str = "", taxonomy_id: str = "", parent_id: str = "", top_only: bool = False
) -> list[dict]:
    """Every published term (reference data: all of it is public), filtered."""
    terms = hsds.taxonomy_terms(
        ServiceCategory.objects.select_related("parent").order_by("position"),
        ClientStatus.objects.order_by("position"),
    )
    if taxonomy_id:
        terms = [term for term in terms if term["taxonomy_id"] == taxonomy_id]
    if parent_id:
        terms = [term for term in terms if term.get("parent_id") == parent_id]
    if top_only:
        terms = [term for term in terms if not term.get("parent_id")]
    folded = search.fold(search.query_clean(text))
    if folded:
        terms = [term for term in terms if folded in search.fold(_term_text(term))]
    return terms


def _term_text(term: dict) -> str:
    english = " ".join(attribute.get("value", "") for attribute in term.get("attributes", []))
    return f"{term['code']} {term['name']} {term['description']} {english}"


def hsds_taxonomy_term_get(*, id: str) -> dict:
    for term in hsds_taxonomy_terms():
        if term["id"] == id:
            return term
    raise Http404


def hsds_taxonomies(*, text: str = "") -> list[dict]:
    """Our four taxonomies (all public), those whose names contain ``text`` (folded)."""
    taxonomies = hsds.taxonomies_to_hsds()
    folded = search.fold(search.query_clean(text))
    if folded:
        taxonomies = [item for item in taxonomies if folded in search.fold(_taxonomy_text(item))]
    return taxonomies


def _taxonomy_text(taxonomy: dict) -> str:
    english = " ".join(attribute.get("value", "") for attribute in taxonomy["attributes"])
    return f"{taxonomy['name']} {taxonomy['description']} {english}"


def hsds_taxonomy_get(*, id: str) -> dict:
    for taxonomy in hsds_taxonomies():
        if taxonomy["id"] == id:
            return taxonomy
    raise Http404
