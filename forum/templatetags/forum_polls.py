"""``{% thread_polls thread as polls %}``: the thread's polls as the reader sees them."""

from django import template

from forum import access
from forum.polls import selectors
from forum.templatetags.forum_notifications import thread_extras

register = template.Library()


@register.simple_tag(takes_context=True)
def thread_polls(context, thread):
    if not thread_extras(context, thread)["has_polls"]:
        return []
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.thread_polls(thread=thread, user=user)


@register.simple_tag(takes_context=True)
def may_add_poll(context, thread) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.has_perm(access.ADD_POLL, thread))
