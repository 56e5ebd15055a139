"""Standard pages: a body of the usual blocks."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import body_blocks

from .base import TranslationStateMixin


class StandardPage(TranslationStateMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = [
        "cms.HomePage",
        "cms.StandardPage",
        "cms.LineOfWorkPage",
        "cms.ToolkitIndexPage",
        "cms.WorkshopIndexPage",
    ]
    subpage_types = ["cms.StandardPage", "cms.FormPage"]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")
