"""Reference data: territories, the service taxonomy, client statuses, languages.

Loaded from the CSV files in ``directory/data/`` by ``manage.py
load_reference_data``; never edited as Python lists. Each row keeps its
sources so that staff can see where a label comes from.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from directory.collation import FRENCH_COLLATION


class BilingualLabelMixin:
    """``label`` in the active language, from ``label_fr``/``label_en``."""

    @property
    def label(self) -> str:
        if (translation.get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr

    def __str__(self) -> str:
        return self.label


class TerritoryQuerySet(models.QuerySet):
    def in_estrie(self):
        return self.filter(in_estrie=True)


class Territory(models.Model):
    """One of Estrie's territories: a MRC, or Sherbrooke (a city outside any MRC)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True, db_collation=FRENCH_COLLATION)
    kind = models.CharField(_("type"), max_length=120)
    municipalities = models.TextField(_("main municipalities"), blank=True)
    seat = models.CharField(_("seat or centre"), max_length=200, blank=True)
    municipality_count = models.PositiveIntegerField(_("number of municipalities"), null=True)
    in_estrie = models.BooleanField(_("in the Estrie administrative region"), default=True)
    in_estrie_note = models.CharField(_("region note"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sources = models.TextField(_("sources"), blank=True)
    verification = models.TextField(_("verification"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.name


class ServiceCategory(BilingualLabelMixin, models.Model):
    """A term of the service taxonomy: 15 top-level categories and their sub-categories."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position"]

    @property
    def is_top_level(self) -> bool:
        return self.parent_id is None


class ClientStatus(BilingualLabelMixin, models.Model):
    """An immigration status or client group that a service may accept."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    group = models.CharField(_("group"), max_length=80, blank=True)
    source = models.TextField(_("source"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("client status")
        verbose_name_plural = _("client statuses")
        ordering = ["position"]


class Language(BilingualLabelMixin, models.Model):
    """A language a service is offered in, by its ISO 639 code."""

    code = models.CharField(_("ISO 639 code"), max_length=8, unique=True)
    label_fr = models.CharField(_("name (French)"), max_length=100)
    label_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["position", "label_fr"]
