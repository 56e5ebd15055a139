"""The workshop programme: a page per training workshop.

A workshop's sessions are events of the events app. They are linked by the
workshop's ``code`` (the same in every language): the events app's workshop
events will carry that code, and the ``workshop_sessions`` provider
(``cms/workshop_sessions.py``) lists them in the template's
``workshop_sessions`` block. Until then the block says no session is planned.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import body_blocks

from .base import TranslationStateMixin


class WorkshopIndexPage(TranslationStateMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.WorkshopPage", "cms.StandardPage"]
    max_count_per_parent = 1
    template = "cms/workshop_index_page.html"

    class Meta:
        verbose_name = _("workshop programme")
        verbose_name_plural = _("workshop programmes")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import pages_visible_to

        context = super().get_context(request, *args, **kwargs)
        context["workshops"] = pages_visible_to(
            WorkshopPage.objects.child_of(self).live(), request.user
        ).order_by("path")
        return context


class WorkshopPage(TranslationStateMixin, Page):
    code = models.SlugField(
        _("workshop code"),
        max_length=60,
        help_text=_(
            "A short code, the same in every language (accueil-mrc). The calendar's sessions "
            "of this workshop carry it."
        ),
    )
    summary = models.TextField(_("summary"))
    objectives = RichTextField(_("objectives"), features=["ul", "ol", "bold", "italic", "link"])
    audience = models.TextField(_("audience"), help_text=_("Who the workshop is for."))
    duration = models.CharField(_("duration"), max_length=80, help_text=_("3 hours, two mornings…"))
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    body = StreamField(body_blocks(), blank=True, verbose_name=_("more details"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("objectives"),
                FieldPanel("audience"),
                FieldPanel("duration"),
                FieldPanel("trainer"),
            ],
            heading=_("The workshop"),
        ),
        InlinePanel("materials", label=_("materials from the toolkit")),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.SearchField("audience"),
        index.SearchField("trainer"),
        index.FilterField("code"),
    ]
    parent_page_types = ["cms.WorkshopIndexPage"]
    subpage_types: list[str] = []
    template = "cms/workshop_page.html"

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def clean(self):
        super().clean()
        # Translations share the code; two workshops of one language may not.
        others = WorkshopPage.objects.filter(code=self.code, locale_id=self.locale_id).exclude(
            translation_key=self.translation_key
        )
        if self.code and others.exists():
            raise ValidationError({"code": _("Another workshop already has this code.")})

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import pages_visible_to
        from cms.workshop_sessions import workshop_sessions

        context = super().get_context(request, *args, **kwargs)
        fiche_ids = [material.fiche_id for material in self.materials.all()]
        fiches = pages_visible_to(Page.objects.live().filter(pk__in=fiche_ids), request.user)
        context["materials"] = [
            page.specific.localized for page in fiches.specific().order_by("path")
        ]
        context["sessions"] = workshop_sessions(self, request)
        return context


class WorkshopMaterial(Orderable):
    workshop = ParentalKey(WorkshopPage, on_delete=models.CASCADE, related_name="materials")
    fiche = models.ForeignKey(
        "cms.FichePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("fiche")
    )

    panels = [FieldPanel("fiche")]

    class Meta(Orderable.Meta):
        verbose_name = _("material")
