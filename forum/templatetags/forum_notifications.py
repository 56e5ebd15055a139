"""Template tags of notifications: the header's unread count and the watching levels."""

from django import template

from forum.models import WatchLevel
from forum.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in member's unread notifications (one query), 0 for visitors."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.unread_count(user)


@register.simple_tag
def watch_levels():
    """The levels, strongest first, for the watch forms."""
    return [(level.value, level.label) for level in reversed(WatchLevel)]


@register.simple_tag
def watch_level(user, target: str, obj) -> int:
    """The member's own level on ``obj`` (``target``: thread, category, group or tag)."""
    return selectors.own_level(user, **{target: obj})
