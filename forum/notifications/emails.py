"""Rendering the forum's e-mails, through ``directory/mail.py`` (one message per member,
in their language, sent by a retrying task; one-click unsubscribe headers per notice).

Post text is included only when the member allows it (``include_content``);
otherwise the e-mail says what happened and links to the site.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import Truncator

from directory import mail
from forum.models import NotificationSettings
from forum.notifications import texts
from forum.notifications.delivery import DIGEST_NOTICE, NOTICE_OF_KIND

EXCERPT_LENGTH = 1200


def _include_content(user) -> bool:
    saved = NotificationSettings.objects.filter(user=user).first()
    return saved.include_content if saved else True


def _excerpt(notification, include_content: bool) -> str:
    if not include_content:
        return ""
    if notification.post is not None and not notification.post.is_hidden:
        return Truncator(notification.post.body).chars(EXCERPT_LENGTH)
    if notification.question is not None:
        return Truncator(notification.question.body).chars(EXCERPT_LENGTH)
    return ""


def _item(notification, include_content: bool) -> dict:
    """Called in the recipient's language."""
    reason = notification.data.get("reason", "")
    return {
        "sentence": texts.sentence(notification),
        "url": mail.absolute_url(texts.link(notification)),
        "excerpt": _excerpt(notification, include_content),
        "reason": reason,
    }


def _settings_url() -> str:
    return mail.absolute_url(reverse("forum:notification_settings"))


def notification_send(notification) -> int:
    """E-mail one notification to its recipient (if they still want this kind)."""
    include_content = _include_content(notification.recipient)

    def context(recipient) -> dict:
        return {
            "item": _item(notification, include_content),
            "settings_url": _settings_url(),
            "include_content": include_content,
        }

    return mail.members_notify(
        [notification.recipient],
        notice=NOTICE_OF_KIND[notification.kind],
        subject_template="forum/notifications/email/notification_subject.txt",
        body_template="forum/notifications/email/notification_message.txt",
        context=context,
    )


def digest_send(user, groups, *, frequency: str, settings: NotificationSettings) -> int:
    """E-mail one digest: ``groups`` as :func:`forum.notifications.digests.groups_by_thread`."""

    def context(recipient) -> dict:
        return {
            "frequency": frequency,
            "count": sum(len(items) for _, items in groups),
            "groups": [
                {
                    "thread": thread,
                    "items": [_item(n, settings.include_content) for n in items],
                }
                for thread, items in groups
            ],
            "settings_url": _settings_url(),
            "notifications_url": mail.absolute_url(reverse("forum:notifications")),
        }

    return mail.members_notify(
        [user],
        notice=DIGEST_NOTICE,
        subject_template="forum/notifications/email/digest_subject.txt",
        body_template="forum/notifications/email/digest_message.txt",
        context=context,
    )
