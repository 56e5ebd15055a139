"""Writes of the forum: threads, posts, reactions, answers, drafts, reading, groups.

Every function is keyword-only, checks the access policy again (views check
first, to answer with the right page), validates, saves, writes the thread's
event (``forum/events.py``) under the thread's row lock, and sends the
forum's signals (``forum/signals.py``) inside the transaction. Moderation's
writes are in ``forum/moderation.py``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from directory.models import Membership, Organisation
from forum import access, attachments, cards, search, signals
from forum.events import Type, event_append, thread_lock
from forum.markdown import Mentions, render
from forum.models import (
    Attachment,
    Category,
    Draft,
    ForumGroup,
    GroupMembership,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Tag,
    Thread,
)

User = get_user_model()

TITLE_MIN = 5
BODY_MAX = 50_000


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


# --- Rendering -------------------------------------------------------------------------------


def mentions_resolve(names: set[str]) -> Mentions:
    """Members by handle, and published organisations by slug, for ``@names``."""
    if not names:
        return Mentions()
    members = dict(
        User.objects.filter(handle__in=names, is_active=True).values_list("handle", "pk")
    )
    organisations = dict(
        Organisation.objects.visible_to(None)
        .filter(slug__in=names - set(members))
        .values_list("slug", "pk")
    )
    return Mentions(members=members, organisations=organisations)


def body_render(body: str):
    return render(body, resolve_mentions=mentions_resolve, build_card=cards.build_card)


def _body_clean(body: str) -> str:
    # Control characters (but line breaks and tabs) never help, and search uses two as markers.
    body = "".join(c for c in (body or "") if c in "\n\t" or unicodedata.category(c) != "Cc")
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something before posting.")})
    if len(body) > BODY_MAX:
        raise ValidationError(
            {"body": _("This text is too long (at most %(max)s characters).") % {"max": BODY_MAX}}
        )
    return body


def _mentioned_members(rendered, *, author) -> list:
    """Members named with ``@handle``, and active members of organisations named; not the author."""
    ids = set(rendered.member_ids)
    if rendered.organisation_ids:
        ids.update(
            Membership.objects.filter(
                organisation_id__in=rendered.organisation_ids, state=Membership.State.ACTIVE
            ).values_list("user_id", flat=True)
        )
    ids.discard(author.pk)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _quoted_posts(rendered, *, reader) -> list[Post]:
    if not rendered.quoted_post_ids:
        return []
    return list(
        Post.objects.visible_to(reader)
        .filter(pk__in=rendered.quoted_post_ids)
        .select_related("author", "thread")
    )


# --- Threads and posts ------------------------------------------------------------------------


def _post_add(
    *, thread: Thread, author, body: str, client_id: str, attachment_ids: Iterable[int] = ()
) -> Post:
    """Add a post to a locked thread: number, render, event, signal. Inside the transaction."""
    rendered = body_render(body)
    thread.last_number += 1
    now = timezone.now()
    post = Post(
        thread=thread,
        number=thread.last_number,
        author=author,
        body=body,
        html=rendered.html,
        client_id=client_id or "",
    )
    post.full_clean(exclude=["thread", "author", "html", "client_id"])
    post.save()
    mentioned = _mentioned_members(rendered, author=author)
    quoted = _quoted_posts(rendered, reader=author)
    if mentioned:
        post.mentions.set(mentioned)
    if quoted:
        post.quotes.set(quoted)
    if attachment_ids:
        Attachment.objects.filter(pk__in=list(attachment_ids), uploader=author, post=None).update(
            post=post, draft=None
        )
    Thread.objects.filter(pk=thread.pk).update(
        last_number=thread.last_number, post_count=F("post_count") + 1, last_posted_at=now
    )
    thread.post_count += 1
    thread.last_posted_at = now
    event_append(
        thread=thread,
        type=Type.POST_CREATED,
        payload={"post": post.pk, "number": post.number, "author": author.pk},
    )
    search.post_vectors_refresh(post_ids=[post.pk])
    signals.post_created.send(sender=Post, post=post, mentioned=mentioned, quoted=quoted)
    return post


def _existing_by_client_id(author, client_id: str) -> Post | None:
    if not client_id:
        return None
    return Post.objects.filter(author=author, client_id=client_id).select_related("thread").first()


def thread_create(
    *,
    author,
    space: Category | ForumGroup,
    title: str,
    body: str,
    tags: Iterable[Tag] = (),
    client_id: str = "",
    attachment_ids: Iterable[int] = (),
) -> Thread:
    """Start a thread in a category or a group, with its first post.

    A resend with the same ``client_id`` returns the thread already created.
    """
    _require(author, access.START_THREAD, space)
    existing = _existing_by_client_id(author, client_id)
    if existing is not None:
        return existing.thread
    title = (title or "").strip()
    errors = {}
    if len(title) < TITLE_MIN:
        errors["title"] = _("Give the thread a title of at least %(min)s characters.") % {
            "min": TITLE_MIN
        }
    try:
        body = _body_clean(body)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            thread = Thread(
                title=title,
                slug=slugify(title)[:80] or "discussion",
                author=author,
                last_posted_at=timezone.now(),
                category=space if isinstance(space, Category) else None,
                group=space if isinstance(space, ForumGroup) else None,
            )
            thread.full_clean(exclude=["author", "solution"])
            thread.save()
            thread.tags.set(list(tags))
            thread = thread_lock(thread.pk)
            _post_add(
                thread=thread,
                author=author,
                body=body,
                client_id=client_id,
                attachment_ids=attachment_ids,
            )
            Draft.objects.filter(user=author, **_draft_target(space)).delete()
    except IntegrityError:
        existing = _existing_by_client_id(author, client_id)
        if existing is None:
            raise
        return existing.thread
    return thread


def post_create(
    *, author, thread: Thread, body: str, client_id: str = "", attachment_ids: Iterable[int] = ()
) -> Post:
    """Reply in a thread. A resend with the same ``client_id`` returns the post already made.

    Two members replying at once queue on the thread's row lock: each post
    gets the next number and the next event ``seq``.
    """
    _require(author, access.REPLY, thread)
    existing = _existing_by_client_id(author, client_id)
    if existing is not None:
        return existing
    body = _body_clean(body)
    try:
        with transaction.atomic():
            locked = thread_lock(thread.pk)
            if locked.locked and not access.may_moderate_space(author, locked.space):
                raise ValidationError(_("This thread is locked: it takes no more replies."))
            post = _post_add(
                thread=locked,
                author=author,
                body=body,
                client_id=client_id,
                attachment_ids=attachment_ids,
            )
            Draft.objects.filter(user=author, thread=locked).delete()
    except IntegrityError:
        existing = _existing_by_client_id(author, client_id)
        if existing is None:
            raise
        return existing
    return post


def post_edit(*, post: Post, editor, body: str) -> Post:
    """Change a post's text, keeping the previous version in its history."""
    _require(editor, access.EDIT_POST, post)
    body = _body_clean(body)
    with transaction.atomic():
        thread = thread_lock(post.thread_id)
        post = Post.objects.select_for_update().get(pk=post.pk)
        if body == post.body:
            return post
        previous_mentions = set(post.mentions.values_list("pk", flat=True))
        PostRevision.objects.create(post=post, body=post.body, html=post.html, editor=editor)
        rendered = body_render(body)
        post.body = body
        post.html = rendered.html
        post.edited_at = timezone.now()
        post.edit_count += 1
        post.save(update_fields=["body", "html", "edited_at", "edit_count"])
        mentioned = _mentioned_members(rendered, author=post.author or editor)
        post.mentions.set(mentioned)
        post.quotes.set(_quoted_posts(rendered, reader=post.author or editor))
        event_append(
            thread=thread,
            type=Type.POST_EDITED,
            payload={"post": post.pk, "number": post.number, "editor": editor.pk},
        )
        search.post_vectors_refresh(post_ids=[post.pk])
        signals.post_edited.send(
            sender=Post,
            post=post,
            editor=editor,
            mentioned=[user for user in mentioned if user.pk not in previous_mentions],
        )
        if editor.pk != post.author_id:
            from forum.moderation import action_log

            action_log(moderator=editor, action="edit_post", post=post, reason="")
    return post


def reaction_toggle(*, post: Post, user, kind: str) -> bool:
    """Add the reaction, or take it back if the member had given it. True when added."""
    if kind not in Reaction.Kind.values:
        raise ValidationError(_("Unknown reaction."))
    _require(user, access.REACT, post)
    with transaction.atomic():
        thread = thread_lock(post.thread_id)
        deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
        added = not deleted
        reaction = None
        if added:
            reaction = Reaction.objects.create(post=post, user=user, kind=kind)
        counts = dict(
            Reaction.objects.filter(post=post).values_list("kind").annotate(n=Count("id"))
        )
        event_append(
            thread=thread,
            type=Type.REACTION_CHANGED,
            payload={"post": post.pk, "kind": kind, "user": user.pk, "counts": counts},
        )
        if reaction is not None:
            signals.reaction_added.send(sender=Reaction, reaction=reaction)
    return added


def answer_accept(*, thread: Thread, post: Post | None, by) -> Thread:
    """Mark ``post`` as the thread's accepted answer (None takes the mark back)."""
    _require(by, access.ACCEPT_ANSWER, thread)
    if post is not None and (post.thread_id != thread.pk or post.is_hidden or post.number == 1):
        raise ValidationError(_("Only a visible reply of this thread can be the accepted answer."))
    with transaction.atomic():
        locked = thread_lock(thread.pk)
        locked.solution = post
        locked.save(update_fields=["solution"])
        event_append(
            thread=locked,
            type=Type.THREAD_UPDATED,
            payload={"change": "solved", "solution": post.pk if post else None},
        )
        if post is not None:
            signals.answer_accepted.send(sender=Thread, thread=locked, post=post, by=by)
    return locked


# --- Drafts ---------------------------------------------------------------------------------


def _draft_target(target) -> dict:
    if isinstance(target, Thread):
        return {"thread": target}
    if isinstance(target, Category):
        return {"category": target}
    if isinstance(target, ForumGroup):
        return {"group": target}
    raise ValueError(target)


def draft_save(*, user, target, body: str, title: str = "") -> Draft | None:
    """Keep what the member is writing (a reply, or a new thread in a space).

    An empty draft is deleted. One row per member and target, updated in
    place: two tabs saving at once leave the last text, never two drafts.
    """
    perm = access.REPLY if isinstance(target, Thread) else access.START_THREAD
    _require(user, perm, target)
    lookup = {"user": user, **_draft_target(target)}
    if not (body or "").strip() and not (title or "").strip():
        Draft.objects.filter(**lookup).delete()
        return None
    body = (body or "")[:BODY_MAX]
    title = (title or "")[:200]
    try:
        with transaction.atomic():
            draft, _created = Draft.objects.update_or_create(
                **lookup, defaults={"body": body, "title": title}
            )
    except IntegrityError:
        draft = Draft.objects.get(**lookup)
        draft.body, draft.title = body, title
        draft.save(update_fields=["body", "title", "updated_at"])
    return draft


def draft_discard(*, user, target) -> None:
    Draft.objects.filter(user=user, **_draft_target(target)).delete()


# --- Attachments ------------------------------------------------------------------------------


def attachment_add(*, user, uploaded, target) -> Attachment:
    """Keep an uploaded file with the member's draft for ``target`` until the post is sent."""
    perm = access.REPLY if isinstance(target, Thread) else access.START_THREAD
    _require(user, perm, target)
    data, content_type = attachments.check(uploaded)
    name = (getattr(uploaded, "name", "") or "fichier")[-200:]
    with transaction.atomic():
        lookup = {"user": user, **_draft_target(target)}
        draft = Draft.objects.filter(**lookup).first() or Draft.objects.create(**lookup)
        attachment = Attachment(
            draft=draft,
            uploader=user,
            content_type=content_type,
            size=len(data),
            original_name=name,
        )
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
    return attachment


# --- Reading ----------------------------------------------------------------------------------


def read_mark(*, user, thread: Thread, number: int, state: ReadState | None = None) -> None:
    """Remember that the member has read up to post ``number`` (it never moves backwards).

    ``state``: the member's read state of the thread when the caller already
    fetched it (the thread page does, for its "new" marker): one query fewer.
    """
    if not access.signed_in(user):
        return
    if state is not None:
        if number > state.last_read_number:
            ReadState.objects.filter(pk=state.pk, last_read_number__lt=number).update(
                last_read_number=number, last_visit_at=timezone.now()
            )
        else:
            ReadState.objects.filter(pk=state.pk).update(last_visit_at=timezone.now())
        return
    updated = ReadState.objects.filter(
        user=user, thread=thread, last_read_number__lt=number
    ).update(last_read_number=number, last_visit_at=timezone.now())
    if updated:
        return
    try:
        with transaction.atomic():
            ReadState.objects.get_or_create(
                user=user, thread=thread, defaults={"last_read_number": number}
            )
    except IntegrityError:
        pass


# --- Groups -----------------------------------------------------------------------------------


def _membership_activate(membership: GroupMembership) -> None:
    membership.state = GroupMembership.State.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["state", "joined_at"])
    access.forget(membership.user)
    signals.group_membership_changed.send(
        sender=GroupMembership, group=membership.group, user=membership.user, joined=True
    )


def group_join(*, group: ForumGroup, user, message: str = "") -> GroupMembership:
    """Join an open group at once; ask to join a private one (a group moderator decides).

    An invitation waiting for the member is accepted by joining.
    """
    with transaction.atomic():
        membership = (
            GroupMembership.objects.select_for_update().filter(group=group, user=user).first()
        )
        if membership is not None:
            if membership.state == GroupMembership.State.INVITED:
                _membership_activate(membership)
            return membership
        _require(user, access.JOIN_GROUP, group)
        if group.is_private:
            return GroupMembership.objects.create(
                group=group, user=user, state=GroupMembership.State.REQUESTED, message=message
            )
        membership = GroupMembership.objects.create(
            group=group, user=user, state=GroupMembership.State.REQUESTED
        )
        _membership_activate(membership)
        return membership


def group_leave(*, group: ForumGroup, user, by=None) -> None:
    """Leave a group, or (``by`` a group moderator) remove someone from it."""
    by = by or user
    if by.pk != user.pk:
        _require(by, access.MANAGE_GROUP, group)
    with transaction.atomic():
        deleted, _rows = GroupMembership.objects.filter(group=group, user=user).delete()
        access.forget(user)
        if deleted:
            signals.group_membership_changed.send(
                sender=GroupMembership, group=group, user=user, joined=False
            )


def group_invite(*, group: ForumGroup, user, by) -> GroupMembership:
    """Invite a member; a pending request from them is accepted instead."""
    _require(by, access.MANAGE_GROUP, group)
    if not access.is_member(user):
        raise ValidationError(_("Only members of an organisation of the directory can be invited."))
    with transaction.atomic():
        membership, created = GroupMembership.objects.select_for_update().get_or_create(
            group=group,
            user=user,
            defaults={"state": GroupMembership.State.INVITED, "invited_by": by},
        )
        if not created and membership.state == GroupMembership.State.REQUESTED:
            _membership_activate(membership)
    return membership


def group_request_decide(*, membership: GroupMembership, by, accept: bool) -> None:
    _require(by, access.MANAGE_GROUP, membership.group)
    with transaction.atomic():
        membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
        if membership.state != GroupMembership.State.REQUESTED:
            raise ValidationError(_("This request was already answered."))
        if accept:
            _membership_activate(membership)
        else:
            membership.delete()


def group_role_set(*, membership: GroupMembership, by, role: str) -> None:
    _require(by, access.MANAGE_GROUP, membership.group)
    if role not in GroupMembership.Role.values:
        raise ValidationError(_("Unknown role."))
    GroupMembership.objects.filter(pk=membership.pk).update(role=role)
    access.forget(membership.user)
