"""Services, where they are given, and how to reach them (HSDS-shaped)."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory import access
from directory.collation import FRENCH_COLLATION

from .bilingual import BilingualMixin
from .fields import PhoneExtensionField, PhoneNumberField, PostalCodeField
from .organisations import Organisation, PublicationState, VerifiableRecord


class ServiceStatus(models.TextChoices):
    """HSDS ``service.status``, plus a temporary closure the region asked for."""

    ACTIVE = "active", _("Active")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")


class LocationQuerySet(models.QuerySet):
    def current(self):
        """Locations still in use: what every public surface shows (see ``archived_at``)."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Location(BilingualMixin, models.Model):
    """A place (or a virtual channel) where an organisation gives services.

    A location has no publication state of its own: it is public when its
    organisation is. Archiving it (``archived_at``) takes it out of every
    public surface (pages, search, map, open data) while keeping it, its
    history and its links to services, so that restoring it brings them back.
    Surfaces read :meth:`LocationQuerySet.current`; only the organisation's
    management pages list archived locations.
    """

    bilingual_fields = ("name", "accessibility")

    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        VIRTUAL = "virtual", _("Virtual")
        POSTAL = "postal", _("Postal")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="locations",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PHYSICAL)
    name = models.CharField(_("name"), max_length=250, blank=True, db_collation=FRENCH_COLLATION)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    address = models.CharField(_("street address"), max_length=250, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    postal_code = PostalCodeField(_("postal code"), max_length=10, blank=True)
    territory = models.ForeignKey(
        "directory.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locations",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    url = models.URLField(_("online address"), blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Entrance, ramps, elevators, parking, public transit nearby."),
    )
    accessibility_en = models.TextField(_("accessibility (English)"), blank=True)
    archived_at = models.DateTimeField(
        _("archived on"),
        null=True,
        blank=True,
        help_text=_("An archived location no longer appears in the directory."),
    )
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["organisation", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="location_coordinates_in_range",
            )
        ]

    def __str__(self) -> str:
        return (
            self.name
            or ", ".join(p for p in (self.address, self.municipality) if p)
            or str(self.organisation)
        )

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


#: Services the public sees: published, of a published organisation (see ``visible_to``).
PUBLISHED_SERVICE = Q(
    state=PublicationState.PUBLISHED, organisation__state=PublicationState.PUBLISHED
)


class ServiceQuerySet(models.QuerySet):
    def published(self):
        """Services the public sees: published, of a published organisation."""
        return self.filter(PUBLISHED_SERVICE)

    def active(self):
        return self.filter(status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED])

    def visible_to(self, user):
        """The one visibility rule of services (``directory/access.py``).

        Published services of published organisations for everyone; plus
        every service of the organisations the user administers; all of them
        for whoever may see unpublished records. No join, no DISTINCT.
        """
        extra = access.visibility_q(user, organisation_field="organisation_id")
        if extra is None:
            return self.all()
        return self.filter(PUBLISHED_SERVICE | extra) if extra else self.published()


class Service(BilingualMixin, VerifiableRecord):
    """A service offered by an organisation, with who may use it and how."""

    bilingual_fields = (
        "name",
        "description",
        "eligibility",
        "fees",
        "how_to_access",
        "required_documents",
        "schedule",
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=250, db_collation=FRENCH_COLLATION)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    categories = models.ManyToManyField(
        "directory.ServiceCategory",
        verbose_name=_("categories"),
        blank=True,
        related_name="services",
    )
    client_statuses = models.ManyToManyField(
        "directory.ClientStatus",
        verbose_name=_("client statuses accepted"),
        blank=True,
        related_name="services",
        help_text=_("Immigration statuses and client groups this service accepts."),
    )
    eligibility = models.TextField(_("eligibility"), blank=True)
    eligibility_en = models.TextField(_("eligibility (English)"), blank=True)
    languages = models.ManyToManyField(
        "directory.Language",
        verbose_name=_("languages offered"),
        blank=True,
        related_name="services",
    )
    fees = models.TextField(
        _("fees"), blank=True, help_text=_("Leave empty if the service is free.")
    )
    fees_en = models.TextField(_("fees (English)"), blank=True)
    how_to_access = models.TextField(_("how to access"), blank=True)
    how_to_access_en = models.TextField(_("how to access (English)"), blank=True)
    required_documents = models.TextField(_("required documents"), blank=True)
    required_documents_en = models.TextField(_("required documents (English)"), blank=True)
    schedule = models.TextField(_("schedule"), blank=True)
    schedule_en = models.TextField(_("schedule (English)"), blank=True)
    territories = models.ManyToManyField(
        "directory.Territory",
        verbose_name=_("territories served"),
        blank=True,
        related_name="services",
    )
    locations = models.ManyToManyField(
        Location,
        verbose_name=_("locations"),
        blank=True,
        through="directory.ServiceAtLocation",
        related_name="services",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    assured_date = models.DateField(
        _("assured on"),
        null=True,
        blank=True,
        help_text=_("Date the information was last confirmed with the organisation."),
    )
    # Full-text document (PostgreSQL only), kept current by
    # directory.search.text.search_vectors_refresh; indexed by a PostgreSQL-only migration.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:service_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.is_published and self.organisation.is_published


class ServiceAtLocationQuerySet(models.QuerySet):
    def current(self):
        """Links to locations that are not archived: the only ones surfaces show."""
        return self.filter(location__archived_at__isnull=True)


class ServiceAtLocation(models.Model):
    """HSDS ``service_at_location``: a service given at one location."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    location = models.ForeignKey(Location, on_delete=models.CASCADE)
    description = models.TextField(_("description"), blank=True)

    objects = ServiceAtLocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Phone(models.Model):
    """A phone number of an organisation, a service or a location."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("Voice")
        TEXT = "text", _("Text message")
        FAX = "fax", _("Fax")
        TTY = "textphone", _("TTY")
        CELL = "cell", _("Mobile")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = PhoneNumberField(_("number"), max_length=40)
    extension = PhoneExtensionField(_("extension"), max_length=10, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VOICE)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False)
                | Q(service__isnull=False)
                | Q(location__isnull=False),
                name="phone_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} #{self.extension}" if self.extension else self.number
