"""Moderation's writes: flags, hiding and restoring, thread tools, suspensions.

Every decision writes a :class:`~forum.models.ModerationAction` (the audit
log) and sends ``moderation_decided`` inside the transaction; every change
to a thread also writes its ThreadEvent under the thread's row lock.

A post flagged by ``FORUM_FLAGS_TO_HIDE`` members (3 by default) is hidden
at once (``auto_hidden``) until a moderator restores it (flags dismissed)
or hides it for good.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forum import access, search, signals
from forum.events import Type, event_append, thread_lock
from forum.models import (
    Category,
    Flag,
    ForumGroup,
    ModerationAction,
    Post,
    Suspension,
    Thread,
)

Action = ModerationAction.Action


def flags_to_hide() -> int:
    return getattr(settings, "FORUM_FLAGS_TO_HIDE", 3)


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def action_log(
    *, moderator, action: str, thread=None, post=None, target_user=None, reason="", details=None
) -> ModerationAction:
    """Write the audit-log row and tell the rest of the platform (inside the transaction)."""
    if post is not None and thread is None:
        thread = post.thread
    if post is not None and target_user is None:
        target_user = post.author
    row = ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        thread=thread,
        post=post,
        target_user=target_user,
        reason=reason or "",
        details=details or {},
    )
    signals.moderation_decided.send(sender=ModerationAction, action=row)
    return row


# --- Flags and posts --------------------------------------------------------------------------


def post_flag(*, post: Post, user, reason: str, note: str = "") -> Flag:
    """Flag a post once. The flag that reaches the threshold hides the post at once."""
    _require(user, access.FLAG, post)
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    try:
        with transaction.atomic():
            thread = thread_lock(post.thread_id)
            flag = Flag.objects.create(post=post, user=user, reason=reason, note=note[:2000])
            Post.objects.filter(pk=post.pk).update(flag_count=F("flag_count") + 1)
            post.refresh_from_db(fields=["flag_count", "state"])
            if post.state == Post.State.VISIBLE and post.flag_count >= flags_to_hide():
                post.state = Post.State.AUTO_HIDDEN
                post.save(update_fields=["state"])
                event_append(
                    thread=thread,
                    type=Type.POST_HIDDEN,
                    payload={"post": post.pk, "number": post.number, "reason": "flags"},
                )
    except IntegrityError as error:
        raise ValidationError(_("You have already flagged this post.")) from error
    return flag


def _flags_resolve(post: Post) -> None:
    Flag.objects.filter(post=post, resolved_at__isnull=True).update(resolved_at=timezone.now())


def post_hide(*, post: Post, moderator, reason: str = "") -> Post:
    _require(moderator, access.MODERATE, post)
    with transaction.atomic():
        thread = thread_lock(post.thread_id)
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.state != Post.State.HIDDEN:
            post.state = Post.State.HIDDEN
            post.save(update_fields=["state"])
            if thread.solution_id == post.pk:
                Thread.objects.filter(pk=thread.pk).update(solution=None)
            event_append(
                thread=thread,
                type=Type.POST_HIDDEN,
                payload={"post": post.pk, "number": post.number, "reason": "moderator"},
            )
        _flags_resolve(post)
        action_log(moderator=moderator, action=Action.HIDE_POST, post=post, reason=reason)
    return post


def post_restore(*, post: Post, moderator, reason: str = "") -> Post:
    """Show a hidden post again; its pending flags are answered."""
    _require(moderator, access.MODERATE, post)
    with transaction.atomic():
        thread = thread_lock(post.thread_id)
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.state != Post.State.VISIBLE:
            post.state = Post.State.VISIBLE
            post.flag_count = 0
            post.save(update_fields=["state", "flag_count"])
            event_append(
                thread=thread,
                type=Type.POST_RESTORED,
                payload={"post": post.pk, "number": post.number},
            )
        _flags_resolve(post)
        action_log(moderator=moderator, action=Action.RESTORE_POST, post=post, reason=reason)
    return post


def flags_dismiss(*, post: Post, moderator, reason: str = "") -> None:
    """The flags were unfounded: they leave the queue (an auto-hidden post comes back)."""
    if post.state == Post.State.AUTO_HIDDEN:
        post_restore(post=post, moderator=moderator, reason=reason)
        return
    _require(moderator, access.MODERATE, post)
    with transaction.atomic():
        _flags_resolve(post)
        Post.objects.filter(pk=post.pk).update(flag_count=0)
        action_log(moderator=moderator, action=Action.DISMISS_FLAGS, post=post, reason=reason)


# --- Threads ----------------------------------------------------------------------------------


def _thread_flag(*, thread: Thread, moderator, field: str, value: bool, reason: str) -> Thread:
    _require(moderator, access.MODERATE, thread)
    actions = {
        "locked": (Action.LOCK, Action.UNLOCK),
        "pinned": (Action.PIN, Action.UNPIN),
        "hidden": (Action.HIDE_THREAD, Action.RESTORE_THREAD),
    }
    with transaction.atomic():
        locked = thread_lock(thread.pk)
        if getattr(locked, field) != value:
            setattr(locked, field, value)
            locked.save(update_fields=[field])
            event_append(
                thread=locked, type=Type.THREAD_UPDATED, payload={"change": field, field: value}
            )
        action_log(
            moderator=moderator,
            action=actions[field][0 if value else 1],
            thread=locked,
            reason=reason,
        )
    return locked


def thread_lock_set(*, thread: Thread, moderator, locked: bool, reason: str = "") -> Thread:
    return _thread_flag(
        thread=thread, moderator=moderator, field="locked", value=locked, reason=reason
    )


def thread_pin_set(*, thread: Thread, moderator, pinned: bool, reason: str = "") -> Thread:
    return _thread_flag(
        thread=thread, moderator=moderator, field="pinned", value=pinned, reason=reason
    )


def thread_hide_set(*, thread: Thread, moderator, hidden: bool, reason: str = "") -> Thread:
    return _thread_flag(
        thread=thread, moderator=moderator, field="hidden", value=hidden, reason=reason
    )


def _space_fields(space) -> dict:
    if isinstance(space, Category):
        return {"category": space, "group": None}
    if isinstance(space, ForumGroup):
        return {"category": None, "group": space}
    raise ValidationError(_("Choose a category or a group."))


def thread_move(*, thread: Thread, moderator, to, reason: str = "") -> Thread:
    """Move a thread to another space (the moderator must moderate both)."""
    _require(moderator, access.MODERATE, thread)
    _require(moderator, access.MODERATE, to)
    with transaction.atomic():
        locked = thread_lock(thread.pk)
        before = {"category": locked.category_id, "group": locked.group_id}
        for name, value in _space_fields(to).items():
            setattr(locked, name, value)
        locked.save(update_fields=["category", "group"])
        event_append(
            thread=locked,
            type=Type.THREAD_UPDATED,
            payload={"change": "moved", "category": locked.category_id, "group": locked.group_id},
        )
        action_log(
            moderator=moderator,
            action=Action.MOVE,
            thread=locked,
            reason=reason,
            details={"from": before},
        )
    return locked


def _posts_append(*, source: Thread, target: Thread, posts: list[Post]) -> None:
    """Move posts (in order) to the end of ``target``, renumbered; both threads locked.

    The new numbers follow ``target``'s last one, so they never collide.
    """
    for post in posts:
        target.last_number += 1
        Post.objects.filter(pk=post.pk).update(thread=target, number=target.last_number)
        event_append(
            thread=target,
            type=Type.POST_CREATED,
            payload={
                "post": post.pk,
                "number": target.last_number,
                "author": post.author_id,
                "moved": True,
            },
        )
    _counts_refresh(source)
    _counts_refresh(target)
    Thread.objects.filter(pk=target.pk).update(last_number=target.last_number)
    search.post_vectors_refresh(thread_ids=[source.pk, target.pk])


def _counts_refresh(thread: Thread) -> None:
    numbers = Post.objects.filter(thread=thread).aggregate(
        first=Min("number"), last=Max("created_at")
    )
    Thread.objects.filter(pk=thread.pk).update(
        post_count=Post.objects.filter(thread=thread).count(),
        last_posted_at=numbers["last"] or thread.created_at,
    )
    if (
        thread.solution_id
        and not Post.objects.filter(pk=thread.solution_id, thread=thread).exists()
    ):
        Thread.objects.filter(pk=thread.pk).update(solution=None)


def thread_split(
    *, thread: Thread, moderator, post_ids: list[int], title: str, reason: str = ""
) -> Thread:
    """Move the chosen replies into a new thread in the same space (the opening post stays)."""
    _require(moderator, access.MODERATE, thread)
    title = (title or "").strip()
    if len(title) < 5:
        raise ValidationError({"title": _("Give the new thread a title of at least 5 characters.")})
    with transaction.atomic():
        source = thread_lock(thread.pk)
        posts = list(
            Post.objects.filter(thread=source, pk__in=post_ids).exclude(number=1).order_by("number")
        )
        if not posts:
            raise ValidationError(_("Choose at least one reply to move."))
        new = Thread.objects.create(
            title=title,
            slug=slugify(title)[:80] or "discussion",
            author=posts[0].author,
            last_posted_at=posts[-1].created_at,
            category=source.category,
            group=source.group,
        )
        new = thread_lock(new.pk)
        # The new thread's posts start at 1 so that its first post carries the title.
        _posts_append(source=source, target=new, posts=posts)
        event_append(
            thread=source,
            type=Type.THREAD_UPDATED,
            payload={"change": "split", "posts": [p.pk for p in posts], "to": new.pk},
        )
        action_log(
            moderator=moderator,
            action=Action.SPLIT,
            thread=source,
            reason=reason,
            details={"to": new.pk, "posts": [p.pk for p in posts]},
        )
    return new


def thread_merge(*, thread: Thread, into: Thread, moderator, reason: str = "") -> Thread:
    """Move every post of ``thread`` to the end of ``into``; ``thread`` is emptied and hidden."""
    _require(moderator, access.MODERATE, thread)
    _require(moderator, access.MODERATE, into)
    if thread.pk == into.pk:
        raise ValidationError(_("A thread cannot be merged into itself."))
    with transaction.atomic():
        first, second = sorted([thread.pk, into.pk])
        locked = {first: thread_lock(first), second: thread_lock(second)}  # id order
        source, target = locked[thread.pk], locked[into.pk]
        posts = list(Post.objects.filter(thread=source).order_by("number"))
        _posts_append(source=source, target=target, posts=posts)
        Thread.objects.filter(pk=source.pk).update(hidden=True)
        event_append(
            thread=source,
            type=Type.THREAD_UPDATED,
            payload={"change": "merged", "into": target.pk},
        )
        action_log(
            moderator=moderator,
            action=Action.MERGE,
            thread=target,
            reason=reason,
            details={"from": source.pk, "posts": [p.pk for p in posts]},
        )
    return target


# --- Members ----------------------------------------------------------------------------------


def member_suspend(*, user, moderator, until: datetime, reason: str) -> Suspension:
    """The member may not post, react or flag until ``until``."""
    _require(moderator, access.SUSPEND)
    if until <= timezone.now():
        raise ValidationError({"until": _("Choose a date in the future.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why: the member will be told.")})
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot suspend yourself."))
    with transaction.atomic():
        suspension = Suspension.objects.create(
            user=user, until=until, reason=reason.strip(), by=moderator
        )
        action_log(
            moderator=moderator,
            action=Action.SUSPEND,
            target_user=user,
            reason=reason,
            details={"until": until.isoformat()},
        )
    access.forget(user)
    return suspension


def suspension_lift(*, suspension: Suspension, moderator, reason: str = "") -> None:
    _require(moderator, access.SUSPEND)
    with transaction.atomic():
        Suspension.objects.filter(pk=suspension.pk).update(lifted_at=timezone.now())
        action_log(
            moderator=moderator,
            action=Action.UNSUSPEND,
            target_user=suspension.user,
            reason=reason,
        )
