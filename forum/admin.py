"""The forum in the Wagtail admin: staff keep categories, groups and tags, and read the log.

Wagtail's model permissions (``forum.add_category``…) decide who sees and
edits each; migration 0002 grants them to the Modérateurs role.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from forum.models import Category, ForumGroup, ModerationAction, Tag


class ForumModelViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    search_backend_name = None


class CategoryViewSet(ForumModelViewSet):
    model = Category
    name = "forum_categories"
    url_prefix = "forum/categories"
    icon = "folder-open-1"
    menu_label = _("Categories")
    list_display = ["__str__", "slug", "public", "position"]
    search_fields = ["name", "name_en", "slug"]
    ordering = "position"
    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("description_en"),
        FieldPanel("public"),
        FieldPanel("position"),
        FieldPanel("moderators", widget=forms.SelectMultiple),
    ]


class ForumGroupViewSet(ForumModelViewSet):
    model = ForumGroup
    name = "forum_groups"
    url_prefix = "forum/groups"
    icon = "group"
    menu_label = _("Groups")
    list_display = ["__str__", "slug", "visibility", "organisation"]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("visibility"),
        FieldPanel("organisation"),
    ]


class TagViewSet(ForumModelViewSet):
    model = Tag
    name = "forum_tags"
    url_prefix = "forum/tags"
    icon = "tag"
    menu_label = _("Tags")
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    form_fields = ["name", "slug"]


class ModerationLogViewSet(ForumModelViewSet):
    model = ModerationAction
    name = "forum_moderation_log"
    url_prefix = "forum/moderation-log"
    icon = "history"
    menu_label = _("Moderation log")
    list_display = ["created_at", "moderator", "action", "thread", "target_user"]
    list_filter = ["action"]
    form_fields = ["reason"]


class ForumViewSetGroup(ViewSetGroup):
    menu_label = _("Forum")
    menu_icon = "comment"
    menu_order = 260
    items = (CategoryViewSet, ForumGroupViewSet, TagViewSet, ModerationLogViewSet)
