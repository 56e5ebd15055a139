"""Reads of the forum, each through the access policy (``forum/access.py``).

Every function starts from a ``visible_to(reader)`` queryset; a missing or
unreadable record is a 404, never a hint that it exists. The thread page's
reads (:func:`thread_page`) cost a constant number of queries whatever the
thread's length: the page's posts, their authors' organisations, the
reactions and attachments of those posts, each in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from directory.models import Membership, Organisation
from forum import access
from forum.models import (
    Attachment,
    Category,
    Draft,
    Flag,
    ForumGroup,
    GroupMembership,
    Post,
    Reaction,
    ReadState,
    Tag,
    Thread,
)


def posts_per_page() -> int:
    return getattr(settings, "FORUM_POSTS_PER_PAGE", 20)


def threads_per_page() -> int:
    return getattr(settings, "FORUM_THREADS_PER_PAGE", 30)


# --- Spaces -----------------------------------------------------------------------------------


def forum_index(*, reader) -> dict:
    categories = list(
        Category.objects.visible_to(reader).annotate(
            thread_count=Count("threads", filter=Q(threads__in=Thread.objects.visible_to(reader)))
        )
    )
    groups = list(ForumGroup.objects.listed_for(reader).select_related("organisation"))
    readable = set(ForumGroup.objects.visible_to(reader).values_list("pk", flat=True))
    for group in groups:
        group.readable = group.pk in readable
    return {"categories": categories, "groups": groups}


def category_get(*, reader, slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None or not reader.has_perm(access.READ_SPACE, category):
        raise Http404
    return category


def group_get(*, reader, slug: str) -> ForumGroup:
    """A group the reader may read or ask to join (its threads need READ_SPACE)."""
    group = ForumGroup.objects.listed_for(reader).select_related("organisation").filter(slug=slug)
    group = group.first()
    if group is None:
        raise Http404
    return group


def group_membership_of(*, user, group: ForumGroup) -> GroupMembership | None:
    if not access.signed_in(user):
        return None
    return GroupMembership.objects.filter(group=group, user=user).first()


def group_members(*, group: ForumGroup):
    return (
        GroupMembership.objects.filter(group=group)
        .select_related("user")
        .order_by("state", "user__display_name")
    )


def space_threads(*, reader, space, tag: Tag | None = None):
    """The threads of a space the reader may read: pinned first, then the latest active.

    Each carries ``last_read_number`` (None when never opened) for the
    reader's unread marker.
    """
    threads = (
        Thread.objects.visible_to(reader)
        .filter(**({"category": space} if isinstance(space, Category) else {"group": space}))
        .select_related("author")
        .prefetch_related("tags")
        .order_by("-pinned", "-last_posted_at")
    )
    if tag is not None:
        threads = threads.filter(tags=tag)
    if access.signed_in(reader):
        threads = threads.annotate(
            last_read_number=Subquery(
                ReadState.objects.filter(thread=OuterRef("pk"), user=reader).values(
                    "last_read_number"
                )[:1]
            )
        )
    return threads


def thread_get(*, reader, thread_id: int) -> Thread:
    thread = (
        Thread.objects.visible_to(reader)
        .select_related("category", "group", "group__organisation", "author")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise Http404
    return thread


def post_get(*, reader, post_id: int) -> Post:
    """A post of a thread the reader may read (hidden ones too: placeholders have permalinks)."""
    post = (
        Post.objects.in_threads_visible_to(reader)
        .select_related("thread", "thread__category", "thread__group", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise Http404
    return post


def post_page_number(*, post: Post) -> int:
    """The page of its thread a post is on."""
    before = Post.objects.filter(thread_id=post.thread_id, number__lt=post.number).count()
    return before // posts_per_page() + 1


def first_unread_page(*, reader, thread: Thread) -> tuple[int, int | None]:
    """The page and number of the first post the reader has not read (last page if none)."""
    state = ReadState.objects.filter(user=reader, thread=thread).first()
    last_read = state.last_read_number if state else 0
    post = Post.objects.filter(thread=thread, number__gt=last_read).order_by("number").first()
    if post is None:
        count = thread.post_count
        return max(1, (count + posts_per_page() - 1) // posts_per_page()), None
    return post_page_number(post=post), post.number


@dataclass
class ThreadPage:
    thread: Thread
    posts: list
    page: int
    pages: int
    last_read_number: int | None = None
    read_state: ReadState | None = None
    draft: Draft | None = None
    tags: list = field(default_factory=list)


def _author_organisations():
    return Prefetch(
        "author__memberships",
        queryset=Membership.objects.filter(
            state=Membership.State.ACTIVE, organisation__in=Organisation.objects.published()
        ).select_related("organisation"),
        to_attr="forum_memberships",
    )


def thread_page(*, reader, thread: Thread, page: int) -> ThreadPage:
    """One page of a thread, with what each post shows, in a constant number of queries."""
    per_page = posts_per_page()
    pages = max(1, (thread.post_count + per_page - 1) // per_page)
    page = min(max(1, page), pages)
    posts = list(
        Post.objects.filter(thread=thread)
        .select_related("author")
        .prefetch_related(_author_organisations())
        .order_by("number")[(page - 1) * per_page : page * per_page]
    )
    ids = [post.pk for post in posts]
    signed_in = access.signed_in(reader)
    summary: dict[int, dict] = {}
    attachments: dict[int, list] = {}
    if ids:
        counts = Reaction.objects.filter(post_id__in=ids).values("post_id", "kind")
        if signed_in:
            counts = counts.annotate(n=Count("id"), mine=Count("id", filter=Q(user=reader)))
        else:
            counts = counts.annotate(n=Count("id"))
        for row in counts:
            summary.setdefault(row["post_id"], {})[row["kind"]] = (row["n"], row.get("mine", 0))
        for attachment in Attachment.objects.filter(post_id__in=ids):
            attachments.setdefault(attachment.post_id, []).append(attachment)
    kinds = Reaction.Kind
    for post in posts:
        post_summary = summary.get(post.pk, {})
        post.reaction_summary = [
            {
                "kind": kind.value,
                "label": kind.label,
                "emoji": Reaction.EMOJI[kind.value],
                "count": post_summary.get(kind.value, (0, 0))[0],
                "mine": bool(post_summary.get(kind.value, (0, 0))[1]),
            }
            for kind in kinds
        ]
        post.attachment_list = attachments.get(post.pk, [])
        post.author_memberships = (
            getattr(post.author, "forum_memberships", []) if post.author else []
        )
    result = ThreadPage(thread=thread, posts=posts, page=page, pages=pages)
    result.tags = list(thread.tags.all())
    if signed_in:
        result.read_state = ReadState.objects.filter(user=reader, thread=thread).first()
        result.last_read_number = result.read_state.last_read_number if result.read_state else 0
        if reader.has_perm(access.REPLY, thread):
            result.draft = Draft.objects.filter(user=reader, thread=thread).first()
    return result


def draft_for(*, user, target) -> Draft | None:
    if not access.signed_in(user):
        return None
    lookup = (
        {"thread": target}
        if isinstance(target, Thread)
        else {"category": target}
        if isinstance(target, Category)
        else {"group": target}
    )
    return Draft.objects.filter(user=user, **lookup).prefetch_related("attachments").first()


def post_revisions(*, post: Post):
    return post.revisions.select_related("editor").order_by("-created_at")


# --- Moderation -------------------------------------------------------------------------------


def moderation_queue(*, reader):
    """Posts waiting for a moderator of the reader's spaces: flagged or auto-hidden."""
    moderated = Thread.objects.filter(access.moderated_spaces_q(reader))
    return (
        Post.objects.filter(thread__in=moderated)
        .filter(
            Q(state=Post.State.AUTO_HIDDEN)
            | Q(flags__resolved_at__isnull=True, flags__isnull=False)
        )
        .distinct()
        .select_related("thread", "author")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(resolved_at__isnull=True).select_related("user"),
                to_attr="open_flags",
            )
        )
        .order_by("-flag_count", "created_at")
    )


# --- The organisation profile section ------------------------------------------------------------


def organisation_public_threads(*, organisation, limit: int = 5):
    """Recent public discussions its active members took part in (one query)."""
    members = Membership.objects.filter(
        organisation=organisation, state=Membership.State.ACTIVE
    ).values("user_id")
    return list(
        Thread.objects.in_public_spaces()
        .filter(
            pk__in=Post.objects.filter(author_id__in=members, state=Post.State.VISIBLE).values(
                "thread_id"
            )
        )
        .select_related("category")
        .order_by("-last_posted_at")[:limit]
    )
