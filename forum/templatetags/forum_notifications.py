"""Template tags of notifications: the header's unread count and the watching levels."""

from django import template

from forum.models import WatchLevel
from forum.notifications import selectors

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def thread_extras(context, thread) -> dict:
    """:func:`forum.notifications.selectors.thread_extras`, once per request and thread."""
    request = context.get("request")
    memo = request.__dict__.setdefault("_forum_thread_extras", {}) if request else {}
    if thread.pk not in memo:
        memo[thread.pk] = selectors.thread_extras(_user(context), thread)
    return memo[thread.pk]


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in member's unread notifications (cached), 0 for visitors."""
    return selectors.unread_count(_user(context))


@register.simple_tag
def watch_levels():
    """The levels, strongest first, for the watch forms."""
    return [(level.value, level.label) for level in reversed(WatchLevel)]


@register.simple_tag(takes_context=True)
def watch_level(context, user, target: str, obj) -> int:
    """The member's own level on ``obj`` (``target``: thread, category, group or tag)."""
    if target == "thread":
        return thread_extras(context, obj)["level"]
    return selectors.own_level(user, **{target: obj})
