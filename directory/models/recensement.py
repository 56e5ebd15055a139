"""Recensement: survey campaigns that organisations answer through a private link.

Staff (role *Animation* or *Équipe du répertoire*, permission
``directory.manage_campaigns``) create a :class:`Campaign` with its
:class:`CampaignQuestion` list, and invite organisations: each
:class:`CampaignInvitation` gives one organisation a private link, a token
signed with ``django.core.signing`` (no account needed) that expires with the
campaign. The organisation's answer (:class:`CampaignAnswer`) keeps the
questions' answers and the change requests its corrections became: they go
through the same validation as self-service edits
(``directory/editing/services.py``).

:class:`DocumentFinding` records where staff found a service in a document
(document review): the service itself is an ordinary record, pending
verification, with ``source = RecordSource.DOCUMENT``.
"""

import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bilingual import BilingualMixin
from .catalogue import Service
from .changes import ChangeRequest
from .organisations import Organisation


def _new_token_key() -> str:
    return secrets.token_urlsafe(12)


class CampaignQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=Campaign.State.OPEN)


class Campaign(BilingualMixin, models.Model):
    """A survey of the recensement: a period, questions, invited organisations."""

    bilingual_fields = ("title", "introduction")

    class State(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown at the top of the form the organisations fill in."),
    )
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    starts_on = models.DateField(_("start of the period"))
    ends_on = models.DateField(
        _("end of the period"),
        help_text=_("The private links stop working at the end of this day."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    auto_reminders = models.BooleanField(
        _("send automatic reminders"),
        default=False,
        help_text=_("Reminds by e-mail the organisations that have not answered yet."),
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("days between reminders"), default=7
    )
    max_reminders = models.PositiveSmallIntegerField(_("at most this many reminders"), default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-starts_on", "-pk"]
        permissions = [
            (
                "manage_campaigns",
                _("Can run survey campaigns and record services found in documents"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closes_at(self) -> datetime:
        """The end of the period's last day, in the platform's time zone."""
        return timezone.make_aware(
            datetime.combine(self.ends_on + timedelta(days=1), time.min),
            timezone.get_default_timezone(),
        )


class CampaignQuestion(BilingualMixin, models.Model):
    """One question of a campaign. A *needs* question is coded with the service taxonomy."""

    bilingual_fields = ("label", "help_text")

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One choice from a list")
        NUMBER = "number", _("Number")
        NEEDS = "needs", _("Needs (service category and free text)")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("question"), max_length=300)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    help_text_en = models.CharField(_("help text (English)"), max_length=300, blank=True)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_("For a list: the choices, one object per choice with 'fr' and 'en'."),
    )
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["campaign", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class CampaignInvitationQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def unanswered(self):
        return self.filter(answered_at__isnull=True)


class CampaignInvitation(models.Model):
    """One organisation invited to a campaign, and how far it got.

    The private link carries ``signing.dumps({"i": pk, "k": token_key})``
    (see ``directory/recensement/tokens.py``): renewing ``token_key``
    withdraws every link sent before. The link expires at ``expires_at``
    (the end of the campaign's period unless staff extend it) and, whatever
    the database says, after ``RECENSEMENT_LINK_MAX_AGE_DAYS``.
    """

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="campaign_invitations",
    )
    email = models.EmailField(_("sent to"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    token_key = models.CharField(max_length=32, default=_new_token_key, editable=False)
    expires_at = models.DateTimeField(_("link valid until"))
    invited_at = models.DateTimeField(_("invited on"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("first opened on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("last answered on"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder on"), null=True, blank=True)

    objects = CampaignInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign invitation")
        verbose_name_plural = _("campaign invitations")
        ordering = ["campaign", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="campaign_invitation_unique_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.answered_at:
            return "answered"
        if self.opened_at:
            return "opened"
        if self.invited_at:
            return "invited"
        return "not_invited"


class CampaignAnswer(models.Model):
    """One submission of an invitation's form. A link may be answered more than once.

    ``answers`` maps each question's id (as a string) to its value;
    ``change_requests`` are the corrections and additions it proposed,
    validated by staff like any self-service edit; ``confirmed_services``
    the services the organisation said were still right (marked verified on
    ``submitted_at`` when staff accept the answer, or at once when nothing
    needs validation).
    """

    invitation = models.ForeignKey(
        CampaignInvitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    sequence = models.PositiveSmallIntegerField(
        _("answer number"), help_text=_("1 for the first answer of this link, 2 for the next…")
    )
    respondent_name = models.CharField(_("answered by"), max_length=200)
    respondent_email = models.EmailField(_("respondent's e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    confirmed_services = models.ManyToManyField(
        Service, verbose_name=_("services confirmed"), blank=True, related_name="+"
    )
    change_requests = models.ManyToManyField(
        ChangeRequest,
        verbose_name=_("change requests"),
        blank=True,
        related_name="campaign_answers",
    )
    submitted_at = models.DateTimeField(_("submitted on"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("campaign answer")
        verbose_name_plural = _("campaign answers")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # Two tabs submitting at once cannot both be "answer 2": the second one
            # is refused by this constraint if the invitation lock were ever skipped.
            models.UniqueConstraint(
                fields=["invitation", "sequence"], name="campaign_answer_unique_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation} #{self.sequence}"


class DocumentFinding(models.Model):
    """Document review: where staff found a service, awaiting verification.

    The service is a record in state *awaiting verification* with
    ``source = document``; this row keeps the document's reference and date.
    """

    service = models.OneToOneField(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="document_finding",
    )
    reference = models.CharField(
        _("document"),
        max_length=500,
        help_text=_("Title, link or file name of the document the service was found in."),
    )
    document_date = models.DateField(_("date of the document"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded on"), auto_now_add=True)

    class Meta:
        verbose_name = _("service found in a document")
        verbose_name_plural = _("services found in documents")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.service} ({self.reference})"
