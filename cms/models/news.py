"""News: an index and its articles, with categories and tags; fed to /rss/news.xml."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from cms.blocks import body_blocks

from .base import TranslationStateMixin


@register_snippet
class NewsCategory(models.Model):
    name = models.CharField(_("name (French)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), unique=True, max_length=80)

    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class NewsArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsIndexPage(TranslationStateMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsArticlePage"]
    max_count_per_parent = 1
    template = "cms/news_index_page.html"
    per_page = 10

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def articles(self, user):
        from cms.selectors import pages_visible_to

        return pages_visible_to(NewsArticlePage.objects.child_of(self).live(), user).order_by(
            "-date", "-pk"
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles(request.user).prefetch_related("categories", "tagged_items__tag")
        category = NewsCategory.objects.filter(slug=request.GET.get("category") or "").first()
        if category is not None:
            articles = articles.filter(categories=category)
        tag = (request.GET.get("tag") or "")[:100]
        if tag:
            articles = articles.filter(tags__slug=tag)
        paginator = Paginator(articles, self.per_page)
        context.update(
            {
                "articles": paginator.get_page(request.GET.get("page")),
                "categories": NewsCategory.objects.all(),
                "category": category,
                "tag": tag,
            }
        )
        return context


class NewsArticlePage(TranslationStateMixin, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("Shown in lists and the news feed.")
    )
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))
    categories = ParentalManyToManyField(NewsCategory, blank=True, verbose_name=_("categories"))
    tags = ClusterTaggableManager(through=NewsArticleTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("categories"), FieldPanel("tags")], heading=_("Categories and tags")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "cms/news_article_page.html"

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
