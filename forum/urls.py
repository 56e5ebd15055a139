"""The forum's pages, under /fr/forum/ and /en/forum/ (cms/urls.py)."""

from django.urls import path

from forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search_view, name="search"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("groups/<slug:slug>/", views.group_detail, name="group"),
    path("groups/<slug:slug>/join/", views.group_join, name="group_join"),
    path("groups/<slug:slug>/leave/", views.group_leave, name="group_leave"),
    path("groups/<slug:slug>/members/", views.group_members, name="group_members"),
    path(
        "categories/<slug:slug>/new/",
        views.thread_new,
        {"kind": "category"},
        name="thread_new_in_category",
    ),
    path(
        "groups/<slug:slug>/new/", views.thread_new, {"kind": "group"}, name="thread_new_in_group"
    ),
    path("threads/<int:thread_id>/", views.thread_detail, name="thread_short"),
    path("threads/<int:thread_id>/unread/", views.thread_unread, name="thread_unread"),
    path("threads/<int:thread_id>/reply/", views.reply, name="reply"),
    path("threads/<int:thread_id>/moderate/", views.moderate_thread, name="moderate_thread"),
    path("threads/<int:thread_id>/<slug:slug>/", views.thread_detail, name="thread"),
    path("posts/<int:post_id>/", views.post_permalink, name="post"),
    path("posts/<int:post_id>/quote/", views.post_quote, name="post_quote"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/history/", views.post_history, name="post_history"),
    path("posts/<int:post_id>/react/", views.react, name="react"),
    path("posts/<int:post_id>/accept/", views.accept, name="accept"),
    path("posts/<int:post_id>/flag/", views.flag, name="flag"),
    path("posts/<int:post_id>/moderate/", views.moderate_post, name="moderate_post"),
    path("drafts/", views.draft_save, name="draft_save"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path(
        "attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/log/", views.moderation_log, name="moderation_log"),
    path("moderation/members/<int:user_id>/suspend/", views.suspend, name="suspend"),
]
