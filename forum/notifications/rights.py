"""Whether a member may still read what a notification points at, asked at delivery time.

Every surface of notifications (creation, the centre, the unread count,
immediate e-mails, digests) asks the forum's reading rule through the
forum's selectors (``Thread.objects.visible_to``, ``Post.objects.visible_to``):
a member removed from a private group gets nothing more from it, not even
a title.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from forum.models import Notification, Post, Thread


def may_read(user, *, thread=None, post=None) -> bool:
    if thread is not None and not Thread.objects.visible_to(user).filter(pk=thread.pk).exists():
        return False
    return post is None or Post.objects.visible_to(user).filter(pk=post.pk).exists()


def readable_q(user) -> Q:
    """Notifications ``user`` may still read: no thread, or a thread (and post) they may read.

    Moderation decisions are kept even when the thread is no longer readable:
    they tell the member what happened to their own content.
    """
    threads = Thread.objects.visible_to(user).filter(pk=OuterRef("thread_id"))
    posts = Post.objects.visible_to(user).filter(pk=OuterRef("post_id"))
    return (
        Q(kind=Notification.Kind.MODERATION)
        | Q(thread__isnull=True)
        | (Exists(threads) & (Q(post__isnull=True) | Exists(posts)))
    )


def readable(notifications: QuerySet, user) -> QuerySet:
    return notifications.filter(readable_q(user))
