"""The home page: the door to the five lines of work.

Each section is a block that editors add, order and word; the lists inside
come from small provider functions (``cms/home_providers.py``) so that the
events and forum apps fill theirs without the page changing.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms import home_providers
from cms.blocks import CallToActionBlock

from .base import TranslationStateMixin


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"))
    intro = blocks.TextBlock(label=_("introduction"), required=False)


class LinesOfWorkBlock(SectionBlock):
    """The project's lines of work: the home page's children of type "line of work"."""

    def get_context(self, value, parent_context=None):
        from .project import LineOfWorkPage

        context = super().get_context(value, parent_context)
        page = (parent_context or {}).get("page")
        context["lines"] = (
            LineOfWorkPage.objects.child_of(page).live().specific().order_by("path")
            if page is not None
            else []
        )
        return context

    class Meta:
        icon = "list-ol"
        label = _("lines of work")
        template = "cms/home/lines_of_work.html"


class ProvidedListBlock(SectionBlock):
    """A list filled by a provider of ``cms/home_providers.py``."""

    count = blocks.IntegerBlock(label=_("how many"), default=3, min_value=1, max_value=12)
    more_page = blocks.PageChooserBlock(label=_("link to all of them"), required=False)

    def __init__(self, provider_name: str, **kwargs):
        self.provider_name = provider_name
        super().__init__(**kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, (self.provider_name, *args), kwargs

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        context["items"] = home_providers.items(self.provider_name, request, value["count"])
        context["available"] = home_providers.is_available(self.provider_name)
        return context

    class Meta:
        icon = "list-ul"
        template = "cms/home/provided_list.html"


class DirectoryFiguresBlock(SectionBlock):
    """How many organisations, services and territories the public directory covers."""

    def get_context(self, value, parent_context=None):
        from directory.models import Organisation, Service, Territory

        context = super().get_context(value, parent_context)
        services = Service.objects.visible_to(None)
        context["figures"] = {
            "organisations": Organisation.objects.visible_to(None).count(),
            "services": services.count(),
            "territories": Territory.objects.filter(services__in=services).distinct().count(),
        }
        return context

    class Meta:
        icon = "table"
        label = _("directory figures")
        template = "cms/home/directory_figures.html"


class CallsToActionBlock(SectionBlock):
    items = blocks.ListBlock(CallToActionBlock(), label=_("calls to action"))

    class Meta:
        icon = "link"
        label = _("calls to action")
        template = "cms/home/calls_to_action.html"


class TextSectionBlock(SectionBlock):
    body = blocks.RichTextBlock(label=_("text"))

    class Meta:
        icon = "doc-full"
        label = _("text")
        template = "cms/home/text.html"


def home_section_blocks():
    return [
        ("lines_of_work", LinesOfWorkBlock()),
        ("latest_news", ProvidedListBlock("latest_news", label=_("latest news"))),
        ("upcoming_events", ProvidedListBlock("upcoming_events", label=_("upcoming events"))),
        (
            "active_discussions",
            ProvidedListBlock("active_discussions", label=_("active discussions")),
        ),
        ("directory_figures", DirectoryFiguresBlock()),
        ("calls_to_action", CallsToActionBlock()),
        ("text", TextSectionBlock()),
    ]


class HomePage(TranslationStateMixin, Page):
    """The root of each language's tree: what Continuum is and where to go next."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two sentences under the title, shown in large type."),
    )
    body = RichTextField(_("body"), blank=True)
    sections = StreamField(
        home_section_blocks(),
        blank=True,
        verbose_name=_("sections"),
        help_text=_("The home page's sections, in order. Lists fill themselves."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("sections"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.FormPage",
        "cms.NewsIndexPage",
        "cms.ToolkitIndexPage",
        "cms.WorkshopIndexPage",
        "cms.LineOfWorkPage",
        "cms.PartnersPage",
    ]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")
