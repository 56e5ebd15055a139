"""Needs heard from organisations: in survey answers, during visits, or noted by staff.

Staff-only data: never on a public surface (pages, API, open data, the
public portrait). Every read goes through ``Need.objects.visible_to(user)``,
which answers nothing without ``directory.view_needs``.

A need is coded with the service taxonomy (``category``; empty when nobody
could code it) and placed in a territory (``territory``; empty means the
organisation's own territories apply, see :meth:`NeedQuerySet.with_territories`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation
from .recensement import CampaignAnswer
from .reference import ClientStatus, ServiceCategory, Territory
from .visits import Visit


class NeedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All needs for whoever holds ``directory.view_needs``; nothing for anyone else."""
        from directory import access

        if user is not None and user.is_authenticated and user.has_perm(access.VIEW_NEEDS):
            return self.all()
        return self.none()

    def in_territory(self, territory):
        """Needs placed in ``territory``, or unplaced needs of organisations serving it."""
        return self.filter(
            Q(territory=territory) | Q(territory__isnull=True, organisation__territories=territory)
        ).distinct()


class Need(models.Model):
    class Source(models.TextChoices):
        SURVEY = "survey", _("Survey answer")
        VISIT = "visit", _("Partner visit")
        STAFF = "staff", _("Noted by staff")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="needs",
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        help_text=_("Leave empty when the need fits no category."),
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        help_text=_("Leave empty when the need concerns all the organisation's territories."),
    )
    client_statuses = models.ManyToManyField(
        ClientStatus, verbose_name=_("clients concerned"), blank=True, related_name="needs"
    )
    text = models.TextField(_("need"))
    source = models.CharField(_("heard in"), max_length=10, choices=Source.choices)
    campaign_answer = models.ForeignKey(
        CampaignAnswer,
        verbose_name=_("survey answer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="needs",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="needs",
    )
    recorded_on = models.DateField(_("heard on"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-recorded_on", "-pk"]
        permissions = [("view_needs", _("Can see the needs heard from organisations"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(source="survey", campaign_answer__isnull=False, visit__isnull=True)
                    | Q(source="visit", visit__isnull=False, campaign_answer__isnull=True)
                    | Q(source="staff", visit__isnull=True, campaign_answer__isnull=True)
                ),
                name="need_source_matches_origin",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]
