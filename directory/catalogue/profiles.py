"""What an organisation's page and a service's page show, read in a constant number of queries.

The record itself comes from the permission-checked selectors
(``organisation_get_visible``, ``service_get_visible``); everything related
is read here through the listing selectors, so that a published page never
shows a draft service, an unpublished partner, an archived location, or a
location of an unpublished organisation to the public.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from directory.catalogue import selectors
from directory.collation import french_sort_key
from directory.models import (
    Initiative,
    Location,
    Organisation,
    Partnership,
    Phone,
    Service,
    ServiceCategory,
    Territory,
)


@dataclass(frozen=True)
class Partner:
    """A partnership seen from one organisation, whichever side recorded it."""

    organisation: Organisation
    partnership: Partnership


@dataclass(frozen=True)
class OrganisationProfile:
    organisation: Organisation
    services: list[Service]
    locations: list[Location]
    phones: list[Phone]
    territories: list[Territory]
    partners: list[Partner]
    initiatives: list[Initiative]


@dataclass(frozen=True)
class ServiceProfile:
    service: Service
    categories: list[ServiceCategory]
    client_statuses: list
    languages: list
    territories: list[Territory]
    locations: list[Location]
    phones: list[Phone]


def _locations(queryset):
    return list(
        queryset.select_related("territory").prefetch_related(
            Prefetch("phones", queryset=Phone.objects.order_by("pk"))
        )
    )


def organisation_profile(*, user, organisation: Organisation) -> OrganisationProfile:
    """Everything the organisation page shows (9 queries, whatever the sizes)."""
    visible_organisations = selectors.organisations_visible(user=user).values("pk")
    services = (
        selectors.services_visible(user=user)
        .filter(organisation=organisation)
        .defer("search_vector")
        .prefetch_related(
            Prefetch("categories", queryset=ServiceCategory.objects.order_by("position")),
            "territories",
        )
        .order_by("name")
    )
    today = timezone.localdate()
    partnerships = (
        Partnership.objects.filter(
            Q(source=organisation, target__in=visible_organisations)
            | Q(target=organisation, source__in=visible_organisations)
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("source", "target")
        .order_by("kind", "pk")
    )
    partners = [
        Partner(
            organisation=p.target if p.source_id == organisation.pk else p.source,
            partnership=p,
        )
        for p in partnerships
    ]
    partners.sort(key=lambda partner: french_sort_key(partner.organisation.name))
    partner_through = Initiative.partners.through
    funder_through = Initiative.funders.through
    initiatives = (
        Initiative.objects.published()
        .annotate(
            is_partner=Exists(
                partner_through.objects.filter(
                    initiative_id=OuterRef("pk"), organisation_id=organisation.pk
                )
            ),
            is_funder=Exists(
                funder_through.objects.filter(
                    initiative_id=OuterRef("pk"), organisation_id=organisation.pk
                )
            ),
        )
        .filter(Q(lead=organisation) | Q(is_partner=True) | Q(is_funder=True))
        .order_by("-start_date", "name")
    )
    services = list(services)
    for service in services:
        service.organisation = organisation  # the cards ask whether it is public
    return OrganisationProfile(
        organisation=organisation,
        services=services,
        locations=_locations(organisation.locations.current().order_by("name", "pk")),
        phones=list(Phone.objects.filter(organisation=organisation).order_by("pk")),
        territories=list(organisation.territories.order_by("position", "name")),
        partners=partners,
        initiatives=list(initiatives),
    )


def service_profile(*, user, service: Service) -> ServiceProfile:
    """Everything the service page shows (7 queries, whatever the sizes)."""
    locations = (
        service.locations.current()
        .filter(organisation__in=selectors.organisations_visible(user=user).values("pk"))
        .order_by("name", "pk")
    )
    return ServiceProfile(
        service=service,
        categories=list(service.categories.select_related("parent").order_by("position")),
        client_statuses=list(service.client_statuses.order_by("position")),
        languages=list(service.languages.order_by("position", "label_fr")),
        territories=list(service.territories.order_by("position", "name")),
        locations=_locations(locations),
        phones=list(Phone.objects.filter(service=service).order_by("pk")),
    )
