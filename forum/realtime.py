"""Live threads: broadcast after commit, replay from the database, one rendering per reader.

The contract is DESIGN.md's ``/ws/forum/threads/<id>/?after=<seq>``. The
database is the record: every change to a thread is a
:class:`~forum.models.ThreadEvent` written in the same transaction as the
change, with the thread's next ``seq``. Redis is only the fast path:

- :func:`thread_event_broadcast` is called by the forum's write services
  inside their transaction, right after the event row is saved; it schedules
  the broadcast with ``transaction.on_commit``. The broadcast renders the
  event once for each kind of reader (:data:`AUDIENCES` × languages) and
  sends it to the thread's group. A Redis outage is logged and swallowed:
  posting never fails because Redis is down, and readers catch up from the
  database (the sockets' hub resumes them when Redis answers again).
- :func:`thread_events_after` replays the stored events after a ``seq``,
  rendered for one reader, or answers :data:`RESYNC` when the reader is
  further behind than what the server keeps (``FORUM_EVENTS_KEEP_DAYS``,
  ``FORUM_EVENTS_KEEP_COUNT``; :func:`thread_events_prune` is the periodic
  job that forgets the rest).

Messages carry ids and HTML rendered and sanitised at save time. They are
rendered from the *current* state of the post they name, so a replay never
shows a post that has been hidden since to a reader who may not see hidden
posts: that reader gets the event's ``seq`` with the post's id and
``"hidden": true`` and nothing else, which keeps its sequence contiguous.

Override points: :func:`_post_html` (a live post is the thread page's own
markup, ``forum.rendering.post_article``), :func:`reader_audience` (who sees
hidden posts).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

#: Kinds of reader a thread event is rendered for: ``moderator`` (of the thread's space)
#: sees hidden posts; so does the post's ``author`` (their own hidden post, without
#: the moderators' controls); a ``reader`` sees a placeholder.
READER = "reader"
MODERATOR = "moderator"
AUTHOR = "author"
AUDIENCES = (READER, MODERATOR, AUTHOR)

#: What a reader further behind than the kept events receives (it reloads the thread).
RESYNC = {"type": "resync"}

#: Event types whose message carries the named post's rendered HTML.
POST_EVENTS = frozenset({"post.created", "post.edited", "post.hidden", "post.restored"})

#: Events replayed per batch (a socket, the HTTP endpoint's page).
REPLAY_BATCH = 200

#: Seconds a broadcast may wait for Redis before giving up (posting goes on).
BROADCAST_TIMEOUT = 3.0


def thread_group(thread_id: int) -> str:
    """The channel-layer group of one thread's readers."""
    return f"forum.thread.{thread_id}"


def user_group(user_id: int) -> str:
    """The channel-layer group of one member's sockets (rights changes, notifications)."""
    return f"forum.user.{user_id}"


@dataclass(frozen=True)
class Reader:
    """Who a message is rendered for: an audience, a language, and the member (if any).

    ``key`` names the variant in a broadcast (``"reader:fr"``). A reader whose
    ``user_id`` wrote a post gets the :data:`AUTHOR` variant for it."""

    audience: str = READER
    language: str = "fr"
    user_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.audience}:{self.language}"

    def key_for(self, author_id: int | None) -> str:
        """The variant this reader takes of an event about a post by ``author_id``."""
        if self.audience == READER and author_id is not None and author_id == self.user_id:
            return f"{AUTHOR}:{self.language}"
        return self.key


def reader_language(language: str | None) -> str:
    """A language the site offers (the default for anything else)."""
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


def reader_audience(user, thread) -> str:
    """:data:`MODERATOR` when ``user`` may see the thread's hidden posts, else :data:`READER`."""
    from forum import access

    if access.signed_in(user) and user.has_perm(access.MODERATE, thread):
        return MODERATOR
    return READER


def all_readers() -> list[Reader]:
    return [
        Reader(audience, language)
        for audience in AUDIENCES
        for language in (code for code, _name in settings.LANGUAGES)
    ]


# --- Rendering -------------------------------------------------------------------


def _posts_by_id(events: Iterable) -> dict:
    """The posts the events name, with what the post fragment shows (as the thread page
    prepares them in ``forum.selectors.thread_page``), in a constant number of queries."""
    from django.db.models import Count

    from forum.models import Attachment, Post, Reaction
    from forum.selectors import _author_organisations

    ids = {event.payload.get("post") for event in events if event.type in POST_EVENTS}
    ids.discard(None)
    if not ids:
        return {}
    posts = {
        post.pk: post
        for post in Post.objects.filter(pk__in=ids)
        .select_related("author", "thread")
        .prefetch_related(_author_organisations())
    }
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Reaction.objects.filter(post_id__in=ids).values("post_id", "kind").annotate(n=Count("id"))
    ):
        counts.setdefault(row["post_id"], {})[row["kind"]] = row["n"]
    attachments: dict[int, list] = {}
    for attachment in Attachment.objects.filter(post_id__in=ids):
        attachments.setdefault(attachment.post_id, []).append(attachment)
    for post in posts.values():
        post.reaction_summary = [
            {
                "kind": kind.value,
                "label": kind.label,
                "emoji": Reaction.EMOJI[kind.value],
                "count": counts.get(post.pk, {}).get(kind.value, 0),
                "mine": False,
            }
            for kind in Reaction.Kind
        ]
        post.attachment_list = attachments.get(post.pk, [])
        post.author_memberships = (
            getattr(post.author, "forum_memberships", []) if post.author else []
        )
        post.is_solution = post.thread.solution_id == post.pk
    return posts


def _post_html(post, reader: Reader) -> str:
    """The thread page's own post markup (``forum/rendering.py``), for an audience rather
    than one member: the text the audience may read, the moderators' controls for
    moderators, none of a member's own buttons (the page shows them after a reload).
    Forms carry no CSRF field: the page's script lends them the page's."""
    from forum import rendering

    post.may_read_text = True
    post.may_edit = post.may_flag = post.may_react = False
    with translation.override(reader.language):
        # The URLs the markup links to, in the reader's language (forum.views does the same).
        post.url = reverse("forum:post", args=[post.pk])
        for membership in post.author_memberships:
            membership.organisation_url = reverse(
                "directory:organisation_detail", args=[membership.organisation.slug]
            )
        for attachment in post.attachment_list:
            attachment.url = reverse("forum:attachment", args=[attachment.pk])
        context = rendering.PageContext(
            csrf_input="",
            may_reply=False,
            may_accept=False,
            may_moderate=reader.audience == MODERATOR,
            page=1,
        )
        return str(rendering.post_article(post, context))


def _sees_hidden(reader: Reader, post) -> bool:
    if reader.audience in (MODERATOR, AUTHOR):
        return True
    return reader.user_id is not None and post.author_id == reader.user_id


def event_message(event, reader: Reader, posts: dict) -> dict:
    """The JSON message of one stored event as ``reader`` sees it."""
    message = {**event.payload, "type": event.type, "seq": event.seq, "thread": event.thread_id}
    post_id = event.payload.get("post")
    if post_id is None or (event.type not in POST_EVENTS and event.type != "reaction.changed"):
        return message
    post = posts.get(post_id)
    if event.type == "reaction.changed":
        if post is not None and post.is_hidden and not _sees_hidden(reader, post):
            return _redacted(event, post_id)
        return message
    if post is None:
        # Deleted since: the event keeps its place in the sequence and says nothing.
        return {**_redacted(event, post_id), "deleted": True}
    if post.is_hidden and not _sees_hidden(reader, post):
        return _redacted(event, post_id)
    message["html"] = _post_html(post, reader)
    message["number"] = post.number
    message["author"] = post.author_id
    message["hidden"] = bool(post.is_hidden)
    return message


def _redacted(event, post_id: int) -> dict:
    message = {
        "type": event.type,
        "seq": event.seq,
        "thread": event.thread_id,
        "post": post_id,
        "hidden": True,
    }
    if "number" in event.payload:
        message["number"] = event.payload["number"]
    return message


def events_render(events: list, readers: Iterable[Reader]) -> list[dict[str, dict]]:
    """Each event's message for each of ``readers``: ``[{reader.key: message}]``."""
    posts = _posts_by_id(events)
    readers = list(readers)
    return [
        {reader.key: event_message(event, reader, posts) for reader in readers} for event in events
    ]


# --- Replay ----------------------------------------------------------------------


def thread_events_after(thread_id: int, after: int, reader: Reader, *, limit: int = REPLAY_BATCH):
    """The messages after ``after`` for ``reader``, oldest first, at most ``limit``.

    Returns ``[RESYNC]`` when ``after`` is older than the oldest kept event
    (or newer than the newest: a client from another database). The caller
    has checked the reader's right to read the thread.
    """
    from forum.models import ThreadEvent

    bounds = ThreadEvent.objects.filter(thread_id=thread_id).aggregate(
        first=Min("seq"), last=Max("seq")
    )
    first, last = bounds["first"], bounds["last"]
    if last is None:
        return [] if after == 0 else [RESYNC]
    if after < first - 1 or after > last:
        return [RESYNC]
    events = list(
        ThreadEvent.objects.filter(thread_id=thread_id, seq__gt=after).order_by("seq")[:limit]
    )
    return [variants[reader.key] for variants in events_render(events, [reader])]


def thread_last_seq(thread_id: int) -> int:
    """The newest stored ``seq`` of a thread (0 before its first event): what a page embeds."""
    from forum.models import ThreadEvent

    return ThreadEvent.objects.filter(thread_id=thread_id).aggregate(last=Max("seq"))["last"] or 0


# --- Broadcast -------------------------------------------------------------------


def thread_event_broadcast(event) -> None:
    """Send ``event`` to the thread's readers once the transaction that wrote it commits.

    Call it right after saving the event row, inside the write's transaction.
    Nothing is sent if the transaction rolls back.
    """
    transaction.on_commit(partial(_thread_event_send, event.pk), robust=True)


def _thread_event_send(event_id: int) -> None:
    from forum.models import ThreadEvent

    event = ThreadEvent.objects.filter(pk=event_id).first()
    if event is None:
        return
    posts = _posts_by_id([event])
    post = posts.get(event.payload.get("post"))
    variants = {}
    for reader in all_readers():
        if reader.audience == AUTHOR and (post is None or not post.is_hidden):
            continue  # the author of a visible post reads what every reader reads
        variants[reader.key] = event_message(event, reader, posts)
    for reader in all_readers():
        variants.setdefault(reader.key, variants[Reader(READER, reader.language).key])
    layer_send(
        thread_group(event.thread_id),
        {
            "type": "thread.event",
            "thread": event.thread_id,
            "seq": event.seq,
            "author": post.author_id if post is not None else None,
            "variants": variants,
        },
    )


def rights_changed_broadcast(user_id: int) -> None:
    """Tell the member's open sockets to check their rights again (after commit)."""
    transaction.on_commit(
        partial(layer_send, user_group(user_id), {"type": "rights.changed", "user": user_id}),
        robust=True,
    )


def layer_send(group: str, message: dict) -> bool:
    """``group_send`` from synchronous code; False (logged) when the layer does not answer."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(_group_send)(layer, group, {**message, "group": group})
    except Exception as error:  # Redis down or slow: the database already holds the event
        logger.warning("forum real-time: broadcast to %s failed: %r", group, error)
        return False
    return True


async def _group_send(layer, group: str, message: dict) -> None:
    await asyncio.wait_for(layer.group_send(group, message), timeout=BROADCAST_TIMEOUT)


# --- Keeping ---------------------------------------------------------------------


def thread_events_prune(*, now=None) -> int:
    """Forget events older than the keeping time or beyond the kept count of their thread.

    The newest event of every thread stays, so that a page rendered long ago
    is still told to resync rather than believed up to date.
    """
    from forum.models import ThreadEvent

    now = now or timezone.now()
    newest = Subquery(
        ThreadEvent.objects.filter(thread_id=OuterRef("thread_id"))
        .order_by("-seq")
        .values("seq")[:1]
    )
    cutoff = now - timedelta(days=settings.FORUM_EVENTS_KEEP_DAYS)
    deleted, _ = (
        ThreadEvent.objects.annotate(newest=newest)
        .filter(seq__lt=newest)
        .filter(Q(created_at__lt=cutoff) | Q(seq__lte=newest - settings.FORUM_EVENTS_KEEP_COUNT))
        .delete()
    )
    return deleted


# --- Rights changes --------------------------------------------------------------


def _membership_changed(sender, *, user, **kwargs) -> None:
    rights_changed_broadcast(user.pk)


def _logged_out(sender, *, user=None, **kwargs) -> None:
    if user is not None:
        rights_changed_broadcast(user.pk)


def receivers_connect() -> None:
    """A member who leaves or is removed from a group, or signs out, is checked again by
    each of their open sockets, on every process (closed with 4403 when it may no longer
    read its thread)."""
    from django.contrib.auth.signals import user_logged_out

    from forum.signals import group_membership_changed

    group_membership_changed.connect(_membership_changed, dispatch_uid="forum.realtime")
    user_logged_out.connect(_logged_out, dispatch_uid="forum.realtime")
