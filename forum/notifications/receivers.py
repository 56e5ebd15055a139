"""Receivers of the forum's signals (``forum/signals.py``): who is told what.

They run inside the transaction of the change, write notification rows
there, and leave e-mails to after commit (``delivery.notify``). Each member
gets at most one notification per post, the most specific one: a mention,
else a quote of their post, else a new post in what they watch. Nobody is
notified of their own act, in a thread they muted, or about what they may
not read (``rights.may_read``, the forum's reading rule, asked per member).

Defaults, as on Discourse: the author of a thread watches it; a member who
replies tracks the thread, unless they already chose a level.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from forum import signals
from forum.models import Notification, WatchLevel
from forum.notifications import delivery, levels, rights, selectors, services

Kind = Notification.Kind
User = get_user_model()


def _readers(users, *, thread, post=None) -> list:
    """The members among ``users`` who may read ``thread`` (and ``post``) now."""
    return [u for u in users if u.is_active and rights.may_read(u, thread=thread, post=post)]


@receiver(signals.post_created, dispatch_uid="forum.notifications.post_created")
def on_post_created(sender, *, post, mentioned=(), quoted=(), **kwargs):
    thread = post.thread
    author = post.author
    first_post = post.number == 1
    if author is not None:
        services.watch_default(
            user=author,
            thread=thread,
            level=WatchLevel.WATCHING if first_post else WatchLevel.TRACKING,
        )
    thread_levels = levels.thread_levels(thread)
    muted = {uid for uid, level in thread_levels.items() if level == WatchLevel.MUTED}
    done = {author.pk} if author is not None else set()

    def tell(users, kind, data=None):
        users = [u for u in users if u.pk not in done and u.pk not in muted]
        users = _readers(users, thread=thread, post=post)
        done.update(u.pk for u in users)
        delivery.notify(users, kind=kind, actor=author, thread=thread, post=post, data=data)

    tell(list(mentioned), Kind.MENTION)
    quoted_authors = {q.author_id for q in quoted if q.author_id is not None}
    tell(list(User.objects.filter(pk__in=quoted_authors)), Kind.QUOTE)
    watching = [uid for uid, level in thread_levels.items() if level == WatchLevel.WATCHING]
    tell(
        list(User.objects.filter(pk__in=watching)),
        Kind.REPLY,
        {"new_thread": True} if first_post else None,
    )


@receiver(signals.post_edited, dispatch_uid="forum.notifications.post_edited")
def on_post_edited(sender, *, post, editor=None, mentioned=(), **kwargs):
    thread = post.thread
    muted = {
        uid
        for uid, level in levels.thread_levels(thread, users=list(mentioned)).items()
        if level == WatchLevel.MUTED
    }
    users = [u for u in mentioned if u.pk not in muted and u.pk != post.author_id]
    delivery.notify(
        _readers(users, thread=thread, post=post),
        kind=Kind.MENTION,
        actor=post.author,
        thread=thread,
        post=post,
    )


def _tell_author(post, *, kind, actor, data=None):
    author = post.author
    if author is None or (actor is not None and actor.pk == author.pk):
        return
    if levels.level_of(author, post.thread) == WatchLevel.MUTED:
        return
    delivery.notify(
        _readers([author], thread=post.thread, post=post),
        kind=kind,
        actor=actor,
        thread=post.thread,
        post=post,
        data=data,
    )


@receiver(signals.reaction_added, dispatch_uid="forum.notifications.reaction_added")
def on_reaction_added(sender, *, reaction, **kwargs):
    _tell_author(
        reaction.post, kind=Kind.REACTION, actor=reaction.user, data={"reaction": reaction.kind}
    )


@receiver(signals.answer_accepted, dispatch_uid="forum.notifications.answer_accepted")
def on_answer_accepted(sender, *, thread, post, by=None, **kwargs):
    _tell_author(post, kind=Kind.ACCEPTED, actor=by)


#: Decisions a member is told about (the others are housekeeping: pins, dismissed flags).
TOLD_ACTIONS = {
    "hide_post",
    "restore_post",
    "edit_post",
    "hide_thread",
    "restore_thread",
    "lock",
    "move",
    "split",
    "merge",
    "suspend",
    "unsuspend",
}


@receiver(signals.moderation_decided, dispatch_uid="forum.notifications.moderation_decided")
def on_moderation_decided(sender, *, action, **kwargs):
    if action.action not in TOLD_ACTIONS:
        return
    concerned = action.target_user
    if concerned is None and action.post is not None:
        concerned = action.post.author
    if concerned is None and action.thread is not None:
        concerned = action.thread.author
    if concerned is None or not concerned.is_active:
        return
    delivery.notify(
        [concerned],
        kind=Kind.MODERATION,
        actor=action.moderator,
        thread=action.thread or (action.post.thread if action.post else None),
        post=action.post,
        data={
            "action": action.action,
            "reason": action.reason,
        },
    )


@receiver(
    signals.group_membership_changed, dispatch_uid="forum.notifications.group_membership_changed"
)
def on_group_membership_changed(sender, *, group, user, joined, **kwargs):
    if not joined:
        services.watches_drop_for_group(user=user, group=group)
        services.unreadable_mark_read(user=user)


@receiver(user_logged_in, dispatch_uid="forum.notifications.user_logged_in")
def on_user_logged_in(sender, *, user, **kwargs):
    """Signing in recounts the header's unread notifications (lost if the cache was emptied)."""
    selectors.unread_refresh([user])
