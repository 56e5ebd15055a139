"""The main menu, edited by staff in Settings → Main menu.

Each item is a page of the French tree; the header shows it in the reader's
language (the page's translation, or its alias while untranslated).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable


@register_setting(icon="list-ul")
class MainMenu(ClusterableModel, BaseSiteSetting):
    panels = [InlinePanel("items", label=_("menu items"))]

    class Meta:
        verbose_name = _("main menu")


class MainMenuItem(Orderable):
    menu = ParentalKey(MainMenu, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("menu item")
