"""The directory as Open Referral HSDS 3.0 objects: pure functions, no HTTP.

Every function here turns model instances (with their relations prefetched,
see :func:`services_for_hsds` and :func:`organisations_for_hsds`) into plain
dicts shaped like the HSDS 3.0 schemas. The API (``directory/opendata/``), the
tabular export (``directory/opendata/export.py``) and the HSDS JSON import
(``directory/importing/``) all go through them, so the three always agree.

Our profile of HSDS (also served at ``/api/hsds/profile``, see
``directory/opendata/PROFILE.md``):

- Identifiers. Organisations, services, locations, services at a location
  and phones keep their own ``uuid``. Objects we do not store as rows
  (addresses, languages offered, service areas, schedules, attributes,
  taxonomies and their terms) get a UUID 5 derived from :data:`NAMESPACE`
  and what they are (``taxonomy_term:service-categories:FRA``), so the same
  record always gets the same id, export after export.
- Bilingual content. HSDS has one value per field. French, the working
  language, fills the standard fields; an English version, when there is
  one, is an ``attribute`` of the object with ``link_type`` "translation",
  a term of the "Champs traduits" taxonomy (code ``en:<field>``, term
  ``language`` "en") and the English text as ``value``. Consumers that do
  not know the convention see plain French records.
- Taxonomies. Service categories (two levels), client statuses and types of
  organisation are HSDS taxonomies; services and organisations link to their
  terms through ``attributes``. Territories (MRC, Sherbrooke) are
  ``service_areas``; languages are ``languages`` with their ISO 639 code.
- Only what the public may see leaves the platform: every read below goes
  through the one visibility rule, ``visible_to(None)`` (``directory/access.py``):
  a service when it and its organisation are published; an organisation when
  it is published; a service at a location when its service is visible and the
  location's organisation too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import translation

from directory.models import (
    ClientStatus,
    Language,
    Location,
    Organisation,
    OrganisationKind,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceCategory,
    Territory,
)

HSDS_VERSION = "3.0"

# Never change: every derived identifier of the published data depends on it.
NAMESPACE = uuid.UUID("2d7c773a-ec19-4fb8-8044-2a2603955120")

# The licence of the published data; settings.DIRECTORY_OPEN_DATA_LICENCE overrides it.
DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}

STATE_PROVINCE = "QC"
COUNTRY = "CA"
TRANSLATION_LANGUAGE = "en"


def data_licence() -> dict:
    return dict(getattr(settings, "DIRECTORY_OPEN_DATA_LICENCE", DATA_LICENCE))


def stable_id(kind: str, *parts: object) -> str:
    """A UUID 5 for an object we do not store as a row, the same at every export."""
    return _stable_id(":".join([kind, *(str(part) for part in parts)]))


@lru_cache(maxsize=65536)
def _stable_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


# --- Taxonomies --------------------------------------------------------------------


@dataclass(frozen=True)
class Taxonomy:
    """One of the vocabularies we publish as an HSDS taxonomy."""

    key: str
    name: str
    name_en: str
    description: str
    description_en: str

    @property
    def id(self) -> str:
        return stable_id("taxonomy", self.key)

    def term_id(self, code: str) -> str:
        return stable_id("taxonomy_term", self.key, code)


SERVICE_CATEGORIES = Taxonomy(
    key="service-categories",
    name="Catégories de services (Continuum Estrie)",
    name_en="Service categories (Continuum Estrie)",
    description=(
        "Catégories des services offerts aux personnes immigrantes en Estrie : "
        "15 catégories et leurs sous-catégories."
    ),
    description_en=(
        "Categories of the services offered to immigrants in Estrie: "
        "15 categories and their sub-categories."
    ),
)
CLIENT_STATUSES = Taxonomy(
    key="client-statuses",
    name="Statuts et clientèles admissibles (Continuum Estrie)",
    name_en="Eligible statuses and client groups (Continuum Estrie)",
    description="Statuts d'immigration et groupes de clientèle qu'un service accepte.",
    description_en="Immigration statuses and client groups a service accepts.",
)
ORGANISATION_KINDS = Taxonomy(
    key="organisation-kinds",
    name="Types d'organismes (Continuum Estrie)",
    name_en="Types of organisation (Continuum Estrie)",
    description="Le type de chaque organisme du répertoire.",
    description_en="The type of each organisation in the directory.",
)
TRANSLATED_FIELDS = Taxonomy(
    key="translated-fields",
    name="Champs traduits (Continuum Estrie)",
    name_en="Translated fields (Continuum Estrie)",
    description=(
        "Champs dont l'attribut donne une autre version linguistique : le code est "
        "« <langue>:<champ> », la valeur de l'attribut est le texte traduit."
    ),
    description_en=(
        "Fields whose attribute gives another language version: the code is "
        '"<language>:<field>", the attribute value is the translated text.'
    ),
)
TAXONOMIES = (SERVICE_CATEGORIES, CLIENT_STATUSES, ORGANISATION_KINDS, TRANSLATED_FIELDS)

# HSDS fields that may carry an English version, whatever the object.
TRANSLATABLE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "application_process",
    "eligibility_description",
    "fees_description",
    "document",
)

# link_type of the attributes, by what they say about the linked object.
LINK_CATEGORY = "service_category"
LINK_CLIENT_STATUS = "client_status"
LINK_ORGANISATION_KIND = "organization_type"
LINK_TRANSLATION = "translation"


def _compact(data: dict) -> dict:
    """Drop optional members that have no value (HSDS formats reject empty URIs)."""
    return {key: value for key, value in data.items() if value is not None and value != ""}


def taxonomy_to_hsds(taxonomy: Taxonomy) -> dict:
    return {
        "id": taxonomy.id,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "version": "1",
    }


@lru_cache(maxsize=4096)
def _term(
    taxonomy: Taxonomy,
    code: str,
    name: str,
    description: str,
    *,
    parent_code: str | None = None,
    language: str = "fr",
) -> dict:
    """A term as HSDS nests it. Cached (a few hundred terms, met thousands of times):
    callers copy it before changing it."""
    return _compact(
        {
            "id": taxonomy.term_id(code),
            "code": code,
            "name": name,
            "description": description,
            "parent_id": taxonomy.term_id(parent_code) if parent_code else None,
            "taxonomy": taxonomy.name,
            "taxonomy_id": taxonomy.id,
            "language": language,
        }
    )


def category_term(category: ServiceCategory) -> dict:
    """Precondition: ``category.parent`` is loaded (select_related) when it has one."""
    parent = category.parent if category.parent_id else None
    description = f"{parent.label_fr} › {category.label_fr}" if parent else category.label_fr
    return _term(
        SERVICE_CATEGORIES,
        category.code,
        category.label_fr,
        description,
        parent_code=parent.code if parent else None,
    )


def client_status_term(status: ClientStatus) -> dict:
    description = f"{status.label_fr} ({status.group})" if status.group else status.label_fr
    return _term(CLIENT_STATUSES, status.code, status.label_fr, description)


@lru_cache(maxsize=256)
def organisation_kind_label(kind: str, language: str) -> str:
    with translation.override(language):
        return str(OrganisationKind(kind).label)


def organisation_kind_term(kind: str) -> dict:
    label = organisation_kind_label(kind, "fr")
    return _term(ORGANISATION_KINDS, kind, label, label)


def translated_field_term(field: str, language: str = TRANSLATION_LANGUAGE) -> dict:
    code = f"{language}:{field}"
    return _term(
        TRANSLATED_FIELDS,
        code,
        code,
        f"Version {language} du champ « {field} »",
        language=language,
    )


def taxonomy_terms(
    categories: Iterable[ServiceCategory], statuses: Iterable[ClientStatus]
) -> list[dict]:
    """Every term we publish, each with its English label as a translation attribute.

    ``attributes`` is an extension member on ``taxonomy_term`` (the schema
    allows additional members); the tabular export writes the same
    attributes to ``attributes.csv``.
    """
    terms = []
    for category in categories:
        term = dict(category_term(category))
        term["attributes"] = translations("taxonomy_term", term["id"], {"name": category.label_en})
        terms.append(term)
    for status in statuses:
        term = dict(client_status_term(status))
        term["attributes"] = translations("taxonomy_term", term["id"], {"name": status.label_en})
        terms.append(term)
    for kind in OrganisationKind.values:
        term = dict(organisation_kind_term(kind))
        term["attributes"] = translations(
            "taxonomy_term", term["id"], {"name": organisation_kind_label(kind, "en")}
        )
        terms.append(term)
    for field in TRANSLATABLE_FIELDS:
        term = dict(translated_field_term(field))
        term["attributes"] = []
        terms.append(term)
    return terms


def taxonomies_to_hsds() -> list[dict]:
    result = []
    for taxonomy in TAXONOMIES:
        data = taxonomy_to_hsds(taxonomy)
        data["attributes"] = translations(
            "taxonomy",
            taxonomy.id,
            {"name": taxonomy.name_en, "description": taxonomy.description_en},
        )
        result.append(data)
    return result


# --- Attributes ----------------------------------------------------------------------


def _attribute(
    *,
    link_entity: str,
    link_id: str,
    link_type: str,
    term: dict,
    value: str | None = None,
) -> dict:
    return _compact(
        {
            "id": stable_id("attribute", link_entity, link_id, term["id"]),
            "link_id": link_id,
            "link_type": link_type,
            "link_entity": link_entity,
            "taxonomy_term_id": term["id"],
            "value": value,
            "taxonomy_term": term,
        }
    )


def translations(link_entity: str, link_id: str, english: dict[str, str]) -> list[dict]:
    """Translation attributes for the English versions that exist (empty ones are skipped)."""
    return [
        _attribute(
            link_entity=link_entity,
            link_id=link_id,
            link_type=LINK_TRANSLATION,
            term=translated_field_term(field),
            value=text,
        )
        for field, text in english.items()
        if text
    ]


# --- Formatting helpers ------------------------------------------------------------


def hsds_datetime(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with milliseconds, as HSDS ``last_modified`` examples write it."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}"


def public_url(base_url: str, instance) -> str:
    """The record's French public page (French first)."""
    with translation.override("fr"):
        return _absolute(base_url, instance.get_absolute_url())


# --- Phones, locations, addresses ---------------------------------------------------


def phone_to_hsds(phone: Phone, *, owner: str, owner_id: str) -> dict:
    """A phone under one owner (``organization``, ``service`` or ``location``).

    HSDS ``extension`` is a number: a non-numeric extension goes into the description.
    """
    extension = phone.extension.strip()
    description = phone.description
    numeric_extension = int(extension) if extension.isdigit() else None
    if extension and numeric_extension is None:
        description = f"{description} (poste {extension})".strip()
    return _compact(
        {
            "id": str(phone.uuid),
            f"{owner}_id": owner_id,
            "number": phone.number,
            "extension": numeric_extension,
            "type": phone.kind,
            "description": description,
        }
    )


def _phones(phones: Iterable[Phone], *, owner: str, owner_id: str) -> list[dict]:
    return [
        phone_to_hsds(phone, owner=owner, owner_id=owner_id)
        for phone in sorted(phones, key=lambda p: p.pk)
    ]


def address_to_hsds(location: Location) -> dict | None:
    """A Québec address, when the location has any part of one.

    ``address_1``, ``city`` and ``postal_code`` are required by the schema:
    they stay empty strings when the recensement does not know them yet.
    """
    if location.kind == Location.Kind.VIRTUAL:
        return None
    if not (location.address or location.municipality or location.postal_code):
        return None
    address = {
        "id": stable_id("address", location.uuid),
        "location_id": str(location.uuid),
        "address_1": location.address,
        "city": location.municipality,
        "state_province": STATE_PROVINCE,
        "postal_code": location.postal_code,
        "country": COUNTRY,
        "address_type": "postal" if location.kind == Location.Kind.POSTAL else "physical",
    }
    if location.territory_id:
        address["region"] = location.territory.name
    return address


def location_to_hsds(location: Location, *, full: bool = True) -> dict:
    """An HSDS location; without ``full``, its one-to-one fields only (as lists give it).

    Precondition: ``organisation`` selected; for ``full``, ``territory`` selected
    and ``phones`` prefetched.
    """
    location_id = str(location.uuid)
    compact = {
        "id": location_id,
        "location_type": location.kind,
        "url": location.url,
        "organization_id": str(location.organisation.uuid),
        "name": location.name,
        "latitude": location.latitude,
        "longitude": location.longitude,
    }
    if not full:
        return _compact(compact)
    address = address_to_hsds(location)
    accessibility = (
        [
            {
                "id": stable_id("accessibility", location.uuid),
                "location_id": location_id,
                "description": location.accessibility,
                "attributes": translations(
                    "accessibility",
                    stable_id("accessibility", location.uuid),
                    {"description": location.accessibility_en},
                ),
            }
        ]
        if location.accessibility
        else []
    )
    return _compact(
        {
            **compact,
            "addresses": [address] if address else [],
            "accessibility": accessibility,
            "phones": _phones(location.phones.all(), owner="location", owner_id=location_id),
            "attributes": translations("location", location_id, {"name": location.name_en}),
        }
    )


# --- Organisations -------------------------------------------------------------------


def organisation_attributes(organisation: Organisation) -> list[dict]:
    organisation_id = str(organisation.uuid)
    kind = _attribute(
        link_entity="organization",
        link_id=organisation_id,
        link_type=LINK_ORGANISATION_KIND,
        term=organisation_kind_term(organisation.kind),
    )
    return [
        kind,
        *translations(
            "organization",
            organisation_id,
            {"name": organisation.name_en, "description": organisation.mission_en},
        ),
    ]


def organisation_to_hsds(
    organisation: Organisation,
    *,
    base_url: str,
    full: bool = True,
    services: Iterable[Service] | None = None,
    full_service: bool = False,
) -> dict:
    """An HSDS organization.

    ``full`` nests phones, locations and attributes (the organisation must
    come from :func:`organisations_for_hsds`); ``services`` are the published
    services to list, basic unless ``full_service``.
    """
    data = _compact(
        {
            "id": str(organisation.uuid),
            "name": organisation.name,
            "alternate_name": organisation.acronym,
            "email": organisation.email,
            "website": organisation.website,
            "uri": public_url(base_url, organisation),
        }
    )
    # Required, even when the mission is not written yet.
    data["description"] = organisation.mission
    if full:
        for location in organisation.locations.all():
            location.organisation = organisation
        data["phones"] = _phones(
            organisation.phones.all(), owner="organization", owner_id=data["id"]
        )
        data["locations"] = [location_to_hsds(loc) for loc in organisation.locations.all()]
        data["attributes"] = organisation_attributes(organisation)
    if services is not None:
        data["services"] = [
            service_to_hsds(service, base_url=base_url, full=full_service, organisation=False)
            for service in services
        ]
    return data


# --- Services --------------------------------------------------------------------------


def service_attributes(service: Service) -> list[dict]:
    service_id = str(service.uuid)
    attributes = [
        _attribute(
            link_entity="service",
            link_id=service_id,
            link_type=LINK_CATEGORY,
            term=category_term(category),
        )
        for category in sorted(service.categories.all(), key=lambda c: c.position)
    ]
    attributes += [
        _attribute(
            link_entity="service",
            link_id=service_id,
            link_type=LINK_CLIENT_STATUS,
            term=client_status_term(status),
        )
        for status in sorted(service.client_statuses.all(), key=lambda s: s.position)
    ]
    attributes += translations(
        "service",
        service_id,
        {
            "name": service.name_en,
            "description": service.description_en,
            "application_process": service.how_to_access_en,
            "eligibility_description": service.eligibility_en,
            "fees_description": service.fees_en,
        },
    )
    return attributes


def language_to_hsds(service: Service, language: Language) -> dict:
    language_id = stable_id("language", service.uuid, language.code)
    return {
        "id": language_id,
        "service_id": str(service.uuid),
        "name": language.label_fr,
        "code": language.code,
        "attributes": translations("language", language_id, {"name": language.label_en}),
    }


def service_area_to_hsds(service: Service, territory: Territory) -> dict:
    return _compact(
        {
            "id": stable_id("service_area", service.uuid, territory.code),
            "service_id": str(service.uuid),
            "name": territory.name,
            "description": territory.kind,
            "extent_type": "territory",
            "uri": territory.code,
        }
    )


def schedule_to_hsds(service: Service) -> list[dict]:
    if not service.schedule:
        return []
    schedule_id = stable_id("schedule", service.uuid)
    return [
        {
            "id": schedule_id,
            "service_id": str(service.uuid),
            "description": service.schedule,
            "attributes": translations(
                "schedule", schedule_id, {"description": service.schedule_en}
            ),
        }
    ]


def required_documents_to_hsds(service: Service) -> list[dict]:
    if not service.required_documents:
        return []
    document_id = stable_id("required_document", service.uuid)
    return [
        {
            "id": document_id,
            "service_id": str(service.uuid),
            "document": service.required_documents,
            "attributes": translations(
                "required_document", document_id, {"document": service.required_documents_en}
            ),
        }
    ]


def service_at_location_to_hsds(link: ServiceAtLocation, service: Service) -> dict:
    """A service at a location as a service nests it (its location in full)."""
    return _compact(
        {
            "id": str(link.uuid),
            "service_id": str(service.uuid),
            "location_id": str(link.location.uuid),
            "description": link.description,
            "location": location_to_hsds(link.location),
        }
    )


def service_to_hsds(
    service: Service,
    *,
    base_url: str,
    full: bool = True,
    organisation: bool = True,
    links: bool = True,
) -> dict:
    """An HSDS service: one-to-one fields, and with ``full`` everything nested.

    Precondition for ``full``: the service comes from :func:`services_for_hsds`
    (with ``links=False`` when ``links`` is false). ``organisation`` nests the
    organisation's one-to-one fields; ``links`` nests its services at a location
    (a service at a location nesting its service leaves them out, as HSDS does).
    """
    data = _compact(
        {
            "id": str(service.uuid),
            "organization_id": str(service.organisation.uuid),
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "application_process": service.how_to_access,
            "fees_description": service.fees,
            "eligibility_description": service.eligibility,
            "assured_date": _date(service.assured_date),
            "last_modified": hsds_datetime(service.updated_at),
        }
    )
    if not full:
        return data
    data["phones"] = _phones(service.phones.all(), owner="service", owner_id=data["id"])
    data["schedules"] = schedule_to_hsds(service)
    data["service_areas"] = [
        service_area_to_hsds(service, territory)
        for territory in sorted(service.territories.all(), key=lambda t: t.position)
    ]
    if links:
        data["service_at_locations"] = [
            service_at_location_to_hsds(link, service)
            for link in sorted(service.serviceatlocation_set.all(), key=lambda link: link.pk)
        ]
    data["languages"] = [
        language_to_hsds(service, language)
        for language in sorted(service.languages.all(), key=lambda lang: lang.position)
    ]
    data["required_documents"] = required_documents_to_hsds(service)
    data["attributes"] = service_attributes(service)
    if organisation:
        data["organization"] = organisation_to_hsds(
            service.organisation, base_url=base_url, full=False
        )
    return data


def service_at_location_record_to_hsds(
    link: ServiceAtLocation, *, base_url: str, full: bool = False
) -> dict:
    """A service at a location as ``/service_at_locations`` serves it.

    Without ``full``, its one-to-one fields with its location's and its
    service's (and the service's organisation's), as HSDS's
    ``service_at_location_list`` schema gives them; with ``full``, the location
    and the service fully nested (the service without its own services at a
    location). Precondition: ``link`` comes from :func:`service_at_locations_for_hsds`
    with the same ``full``.
    """
    service = service_to_hsds(link.service, base_url=base_url, full=full, links=False)
    if not full:
        service["organization"] = organisation_to_hsds(
            link.service.organisation, base_url=base_url, full=False
        )
    return _compact(
        {
            "id": str(link.uuid),
            "service_id": str(link.service.uuid),
            "location_id": str(link.location.uuid),
            "description": link.description,
            "location": location_to_hsds(link.location, full=full),
            "service": service,
        }
    )


# --- What HSDS publishes, with the prefetching the builders expect --------------------


def _location_queryset() -> QuerySet:
    return Location.objects.current().select_related("territory").prefetch_related("phones")


def _public_links() -> QuerySet:
    """Services at a location the public may see: the service visible, and the
    location's organisation too (a location is shown with its organisation)."""
    return ServiceAtLocation.objects.current().filter(
        service__in=Service.objects.visible_to(None),
        location__organisation__in=Organisation.objects.visible_to(None),
    )


def services_for_hsds(*, full: bool = True, links: bool = True) -> QuerySet:
    """The services the public may see (``Service.objects.visible_to(None)``), ready
    for the builders; ``links`` prefetches their services at a location (for ``full``).

    The number of queries does not depend on how many services are read.
    """
    queryset = (
        Service.objects.visible_to(None).select_related("organisation").order_by("name", "pk")
    )
    if not full:
        return queryset
    queryset = queryset.prefetch_related(
        Prefetch("categories", queryset=ServiceCategory.objects.select_related("parent")),
        "client_statuses",
        "languages",
        "territories",
        "phones",
    )
    if not links:
        return queryset
    return queryset.prefetch_related(
        Prefetch(
            "serviceatlocation_set",
            queryset=_public_links()
            .select_related("location__territory", "location__organisation")
            .prefetch_related("location__phones")
            .order_by("pk"),
        ),
    )


def service_at_locations_for_hsds(*, full: bool = False) -> QuerySet:
    """The services at a location the public may see, ready for
    :func:`service_at_location_record_to_hsds` with the same ``full``; ordered by
    service name, then service, then link. Queries do not grow with the rows read."""
    queryset = (
        _public_links()
        .select_related("location__organisation", "location__territory")
        .order_by("service__name", "service__pk", "pk")
    )
    if not full:
        return queryset.select_related("service__organisation")
    return queryset.prefetch_related(
        "location__phones",
        Prefetch("service", queryset=services_for_hsds(full=True, links=False)),
    )


def organisations_for_hsds(*, full: bool = True, services: str | None = None) -> QuerySet:
    """The organisations the public may see (``Organisation.objects.visible_to(None)``),
    ready for the builders.

    ``services`` ("basic" or "full") also prefetches their visible services
    into ``hsds_services``. The number of queries does not depend on how many
    organisations are read.
    """
    queryset = Organisation.objects.visible_to(None).order_by("name", "pk")
    if full:
        queryset = queryset.prefetch_related(
            "phones", Prefetch("locations", queryset=_location_queryset().order_by("pk"))
        )
    if services:
        queryset = queryset.prefetch_related(
            Prefetch(
                "services",
                queryset=services_for_hsds(full=services == "full"),
                to_attr="hsds_services",
            )
        )
    return queryset
