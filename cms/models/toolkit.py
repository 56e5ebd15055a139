"""The toolkit (trousse d'accompagnement): modules of practical sheets (fiches).

Index → modules (accueillir, sensibiliser, collaborer, intégrer en emploi…) →
fiches. A fiche carries downloadable documents, links to directory services
and a version: publishing a fiche with a version number it never had tells
the members who subscribed (``cms/toolkit/``), once per version whatever the
language, and adds an item to /rss/toolkit.xml.
"""

from django.conf import settings
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import body_blocks

from .base import TranslationStateMixin


class ToolkitIndexPage(TranslationStateMixin, RoutablePageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ToolkitModulePage", "cms.StandardPage"]
    max_count_per_parent = 1
    template = "cms/toolkit_index_page.html"

    class Meta:
        verbose_name = _("toolkit")
        verbose_name_plural = _("toolkits")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import pages_visible_to
        from cms.toolkit.selectors import is_subscribed

        context = super().get_context(request, *args, **kwargs)
        context["modules"] = pages_visible_to(
            ToolkitModulePage.objects.child_of(self).live(), request.user
        ).order_by("path")
        context["subscribed"] = is_subscribed(request.user)
        return context

    @path("subscription/", name="subscription")
    def subscription(self, request):
        """POST: subscribe (``action=subscribe``) or unsubscribe the signed-in member."""
        from django.contrib import messages
        from django.contrib.auth.views import redirect_to_login

        from cms.toolkit.services import toolkit_subscription_cancel, toolkit_subscription_create

        if request.method != "POST":
            return redirect(self.url)
        if not request.user.is_authenticated:
            return redirect_to_login(self.url, login_url=settings.LOGIN_URL)
        if request.POST.get("action") == "unsubscribe":
            toolkit_subscription_cancel(user=request.user)
            messages.success(request, _("You will no longer receive toolkit updates."))
        else:
            toolkit_subscription_create(user=request.user)
            messages.success(
                request, _("Subscribed: you will receive an e-mail when a fiche has a new version.")
            )
        return redirect(self.url)


class ToolkitModulePage(TranslationStateMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.ToolkitIndexPage"]
    subpage_types = ["cms.FichePage"]
    template = "cms/toolkit_module_page.html"

    class Meta:
        verbose_name = _("toolkit module")
        verbose_name_plural = _("toolkit modules")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import pages_visible_to

        context = super().get_context(request, *args, **kwargs)
        context["fiches"] = pages_visible_to(
            FichePage.objects.child_of(self).live(), request.user
        ).order_by("path")
        return context


class FichePage(TranslationStateMixin, Page):
    """A practical sheet. Override point for the forum: the template's ``fiche_discussion``
    block and the ``fiche_discussion`` provider (``cms/toolkit/discussion.py``)."""

    summary = models.TextField(
        _("summary"), help_text=_("What the fiche helps with, in two lines.")
    )
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))
    version = models.CharField(
        _("version"),
        max_length=20,
        default="1.0",
        help_text=_(
            "Change it (1.1, 2.0…) when the content changes: subscribers receive an e-mail "
            "when a fiche is published with a version it never had."
        ),
    )
    version_note = models.TextField(
        _("what changed"), blank=True, help_text=_("Told to subscribers and in the feed.")
    )
    updated_on = models.DateField(_("last updated"), default=timezone.localdate)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("documents", label=_("documents to download")),
        InlinePanel("related_services", label=_("related services in the directory")),
        MultiFieldPanel(
            [FieldPanel("version"), FieldPanel("version_note"), FieldPanel("updated_on")],
            heading=_("Version"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("version_note"),
    ]
    parent_page_types = ["cms.ToolkitModulePage"]
    subpage_types: list[str] = []
    template = "cms/fiche_page.html"

    class Meta:
        verbose_name = _("fiche")
        verbose_name_plural = _("fiches")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import pages_visible_to
        from cms.toolkit import discussion
        from cms.toolkit.selectors import is_subscribed
        from directory.models import Service

        context = super().get_context(request, *args, **kwargs)
        links = list(self.related_services.select_related("service__organisation"))
        visible = set(
            Service.objects.visible_to(request.user)
            .filter(pk__in=[link.service_id for link in links])
            .values_list("pk", flat=True)
        )
        context["services"] = [link.service for link in links if link.service_id in visible]
        context["workshops"] = pages_visible_to(
            WorkshopPageForFiche.workshops_using(self), request.user
        )
        context["discussion"] = discussion.fiche_discussion(self, request)
        context["subscribed"] = is_subscribed(request.user)
        context["toolkit"] = ToolkitIndexPage.objects.ancestor_of(self).first()
        return context


class WorkshopPageForFiche:
    """The workshops whose materials include a fiche (any of its translations)."""

    @staticmethod
    def workshops_using(fiche: FichePage):
        from .workshops import WorkshopPage

        return (
            WorkshopPage.objects.live()
            .filter(
                locale_id=fiche.locale_id,
                materials__fiche__translation_key=fiche.translation_key,
            )
            .distinct()
            .order_by("title")
        )


class FicheDocument(Orderable):
    fiche = ParentalKey(FichePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")


class FicheService(Orderable):
    fiche = ParentalKey(FichePage, on_delete=models.CASCADE, related_name="related_services")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="+", verbose_name=_("service")
    )

    panels = [FieldPanel("service")]

    class Meta(Orderable.Meta):
        verbose_name = _("related service")


class ToolkitSubscription(models.Model):
    """A member who wants an e-mail when a fiche has a new version."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="toolkit_subscription",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("subscribed on"), auto_now_add=True)

    class Meta:
        verbose_name = _("toolkit subscription")
        verbose_name_plural = _("toolkit subscriptions")

    def __str__(self) -> str:
        return str(self.user)


class FicheAnnouncement(models.Model):
    """A version of a fiche that subscribers were told about: once per version.

    Keyed on the fiche's translation key, so the French fiche and its English
    translation announce version 2.0 once; the unique constraint settles two
    publications at once.
    """

    translation_key = models.UUIDField(_("fiche"), db_index=True)
    fiche = models.ForeignKey(
        FichePage, on_delete=models.SET_NULL, null=True, related_name="announcements"
    )
    version = models.CharField(_("version"), max_length=20)
    version_note = models.TextField(_("what changed"), blank=True)
    announced_at = models.DateTimeField(_("announced on"), default=timezone.now)

    class Meta:
        verbose_name = _("fiche announcement")
        verbose_name_plural = _("fiche announcements")
        ordering = ["-announced_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "version"], name="cms_fiche_announced_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiche} {self.version}"
