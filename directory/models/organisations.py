"""Organisations, the people who belong to them, and how they work together."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory import access
from directory.collation import FRENCH_COLLATION

from .bilingual import BilingualMixin


class PublicationState(models.TextChoices):
    """Where a record stands. Only ``PUBLISHED`` records are public."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting verification")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class RecordSource(models.TextChoices):
    """How the recensement learnt what a record says."""

    DOCUMENT = "document", _("Document review")
    SURVEY = "survey", _("Survey")
    INTERVIEW = "interview", _("Interview")
    SELF_DECLARED = "self_declared", _("Self-declared by the organisation")


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    MRC = "mrc", _("MRC")
    COMMUNITY = "community", _("Community organisation")
    SOCIOECONOMIC = "socioeconomic", _("Socio-economic organisation")
    EDUCATION = "education", _("Educational institution")
    HEALTH = "health", _("Health and social services network")
    EMPLOYER = "employer", _("Employer")
    GOVERNMENT = "government", _("Government")
    NETWORK = "network", _("Network or coalition")
    FUNDER = "funder", _("Funder")
    OTHER = "other", _("Other")


class VerifiableRecord(models.Model):
    """Publication state and freshness, shared by organisations, services and initiatives."""

    state = models.CharField(
        _("publication state"),
        max_length=20,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
        help_text=_("Only published records are shown to the public."),
    )
    source = models.CharField(
        _("source of the information"),
        max_length=20,
        choices=RecordSource.choices,
        default=RecordSource.SELF_DECLARED,
    )
    source_notes = models.TextField(
        _("sources"),
        blank=True,
        help_text=_("Documents, links or interviews the information comes from."),
    )
    verified_at = models.DateTimeField(_("last verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.state == PublicationState.PUBLISHED

    @property
    def is_stale(self) -> bool:
        """True when nobody has confirmed the record within the freshness window."""
        if self.verified_at is None:
            return True
        window = timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS)
        return timezone.now() - self.verified_at > window


#: Published organisations: what the public sees (see ``visible_to``).
PUBLISHED = Q(state=PublicationState.PUBLISHED)


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        """Published records: what the public sees. Surfaces call :meth:`visible_to`."""
        return self.filter(PUBLISHED)

    def lock(self, pk) -> "Organisation":
        """Lock one organisation's row until the transaction ends: the first lock of any write.

        The platform's lock order: a write that locks rows belonging to an
        organisation (the organisation itself, its services, locations,
        phones, change requests, memberships) locks the organisation's row
        first; several organisations are locked in id order (the importer).
        Two writers of one organisation then queue at that row, holding
        nothing the other needs, and cannot deadlock.

        ``FOR NO KEY UPDATE``, not ``FOR UPDATE``: it excludes the other
        writers of the organisation but not the rows that merely reference
        it (a new service, a history entry take ``FOR KEY SHARE``), so an
        import adding services never waits for an admin's edit of the
        organisation's description. Precondition: inside ``transaction.atomic``.
        """
        return self.select_for_update(no_key=True).get(pk=pk)

    def administered_by(self, user):
        return self.filter(pk__in=access.administered_organisation_ids(user))

    def visible_to(self, user):
        """The one visibility rule of organisations (``directory/access.py``).

        Published records for everyone; plus those the user administers; all
        of them for whoever may see unpublished records. A subquery, not a
        join: the rows are never duplicated, so the result can be counted,
        aggregated and paginated without DISTINCT. ``user`` may be None
        (the public: API, feeds, exports).
        """
        extra = access.visibility_q(user)
        if extra is None:
            return self.all()
        return self.filter(PUBLISHED | extra) if extra else self.published()


class Organisation(BilingualMixin, VerifiableRecord):
    """An organisation in the portrait: who it is, where it acts, how current that is."""

    bilingual_fields = ("name", "mission")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=250, db_collation=FRENCH_COLLATION)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(
        _("type"), max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    mission = models.TextField(_("mission"), blank=True)
    mission_en = models.TextField(_("mission (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    territories = models.ManyToManyField(
        "directory.Territory",
        verbose_name=_("territories served"),
        blank=True,
        related_name="organisations",
    )
    # Full-text document (PostgreSQL only), kept current by
    # directory.search.text.search_vectors_refresh; indexed by a PostgreSQL-only migration.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [
            ("view_unpublished_records", _("Can see records that are not published")),
            ("edit_any_organisation", _("Can edit any organisation's records")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation_detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A member's tie to an organisation: asked for, then accepted or refused.

    A member may belong to several organisations. Admins of an organisation
    (and staff) decide on requests and keep its records current.
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Administrator")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")
        REFUSED = "refused", _("Refused")
        LEFT = "left", _("Left")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    message = models.TextField(
        _("message"), blank=True, help_text=_("Why you ask to join (optional).")
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)
    requested_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-requested_at"]
        permissions = [
            (
                "manage_any_membership",
                _("Can answer join requests and manage members of any organisation"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_state_display()})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN


class Partnership(models.Model):
    """A working tie between two organisations, for the partnership network."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        CO_DELIVERY = "co_delivery", _("Co-delivery")
        FUNDING = "funding", _("Funding")
        CONCERTATION = "concertation", _("Concertation")

    source = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="partnerships_out",
    )
    target = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="partnerships_in",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        # The cartographie's rights (directory/cartographie/), declared here: the
        # portrait is read from organisations, services and their partnerships.
        permissions = [
            (
                "view_full_portrait",
                _("Can see the full portrait: needs and unpublished records"),
            ),
            (
                "connect_organisations",
                _("Can introduce organisations to each other and record their partnerships"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="partnership_unique_pair_kind"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="partnership_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_kind_display()})"


class InitiativeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=PublicationState.PUBLISHED)


class Initiative(BilingualMixin, VerifiableRecord):
    """An initiative or a project: time-bound work carried by organisations together."""

    bilingual_fields = ("name", "description")

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Initiative")
        PROJECT = "project", _("Project")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    name = models.CharField(_("name"), max_length=250, db_collation=FRENCH_COLLATION)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_initiatives",
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partners"), blank=True, related_name="initiatives"
    )
    funders = models.ManyToManyField(
        Organisation, verbose_name=_("funders"), blank=True, related_name="funded_initiatives"
    )
    categories = models.ManyToManyField(
        "directory.ServiceCategory", verbose_name=_("categories"), blank=True, related_name="+"
    )
    territories = models.ManyToManyField(
        "directory.Territory", verbose_name=_("territories"), blank=True, related_name="+"
    )

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative or project")
        verbose_name_plural = _("initiatives and projects")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
