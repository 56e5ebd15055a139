"""The project: a page per line of work, and the partners and funders."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import body_blocks

from .base import TranslationStateMixin


class LineOfWorkPage(TranslationStateMixin, Page):
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    summary = models.TextField(_("summary"), help_text=_("Shown on the home page."))
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("number"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email")], heading=_("Contact")
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StandardPage", "cms.FormPage"]
    template = "cms/line_of_work_page.html"

    class Meta:
        verbose_name = _("line of work")
        verbose_name_plural = _("lines of work")


class PartnersPage(TranslationStateMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("partners", label=_("partners and funders")),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "cms/partners_page.html"

    class Meta:
        verbose_name = _("partners and funders")
        verbose_name_plural = _("partners and funders")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        partners = list(self.partners.select_related("logo"))
        context["funders"] = [p for p in partners if p.kind == Partner.Kind.FUNDER]
        context["partners"] = [p for p in partners if p.kind == Partner.Kind.PARTNER]
        return context


class Partner(Orderable):
    class Kind(models.TextChoices):
        PARTNER = "partner", _("partner")
        FUNDER = "funder", _("funder")

    page = ParentalKey(PartnersPage, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PARTNER)
    url = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("Its alternative text is the name: « Logo of … »."),
    )

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("url"), FieldPanel("logo")]

    class Meta(Orderable.Meta):
        verbose_name = _("partner")
