"""Wagtail admin wiring for the forum (code in forum/admin.py)."""

from wagtail import hooks


@hooks.register("register_admin_viewset")
def register_forum_admin():
    from forum.admin import ForumViewSetGroup

    return ForumViewSetGroup()
