"""What a notification says, in the current language: one sentence and one link.

Shared by the notification centre, immediate e-mails and digests, so that the
three always say the same thing.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from forum.models import Notification

Kind = Notification.Kind


def _actor(notification) -> str:
    return notification.actor.public_name if notification.actor else gettext("Someone")


def _decision(code: str) -> str:
    from forum.models import ModerationAction

    try:
        return str(ModerationAction.Action(code).label).lower()
    except ValueError:
        return gettext("a decision")


def sentence(notification) -> str:
    """``Marie Tremblay mentioned you in “Accueillir une famille réfugiée”``."""
    values = {
        "actor": _actor(notification),
        "thread": notification.thread.title if notification.thread else "",
    }
    kind = notification.kind
    if kind == Kind.REPLY:
        if notification.data.get("new_thread"):
            return gettext("%(actor)s started “%(thread)s”") % values
        return gettext("%(actor)s posted in “%(thread)s”") % values
    if kind == Kind.MENTION:
        return gettext("%(actor)s mentioned you in “%(thread)s”") % values
    if kind == Kind.QUOTE:
        return gettext("%(actor)s quoted your post in “%(thread)s”") % values
    if kind == Kind.REACTION:
        return gettext("%(actor)s reacted to your post in “%(thread)s”") % values
    if kind == Kind.ACCEPTED:
        return gettext("%(actor)s accepted your answer in “%(thread)s”") % values
    if kind == Kind.MODERATION:
        values["decision"] = _decision(notification.data.get("action", ""))
        if notification.thread:
            return gettext("Moderation: %(decision)s, in “%(thread)s”") % values
        return gettext("Moderation: %(decision)s") % values
    if kind == Kind.QUESTION:
        values["subject"] = notification.question.subject if notification.question else ""
        return gettext("%(actor)s asks you: “%(subject)s”") % values
    return notification.get_kind_display()


def link(notification) -> str:
    """Where the notification leads (a path in the current language)."""
    if notification.kind == Kind.QUESTION and notification.question_id:
        if notification.thread is not None:  # the question opened a thread: answers there
            thread = notification.thread
            return reverse("forum:thread", kwargs={"thread_id": thread.pk, "slug": thread.slug})
        return reverse("forum:question_detail", args=[notification.question_id])
    if notification.post_id is not None:
        # The permalink finds the post's page (and its anchor) when followed.
        return reverse("forum:post", kwargs={"post_id": notification.post_id})
    thread = notification.thread
    if thread is None:
        return reverse("forum:notifications")
    return reverse("forum:thread", kwargs={"thread_id": thread.pk, "slug": thread.slug})
