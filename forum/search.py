"""Forum search: PostgreSQL full text in French, accent- and case-insensitive.

Each post carries a ``search_vector`` (``french_unaccent``, the directory's
configuration from directory 0004): the thread's title weighs more (A) on
its opening post, the text (B) on every post. :func:`post_vectors_refresh`
is its only writer, called by the services that change a post's text or a
thread's title.

Every search starts from ``Post.objects.visible_to(reader)``: it never
returns what the reader may not read. Excerpts come from ``ts_headline``
with control characters as markers, then are escaped and the markers
turned into ``<mark>``: a post's text is never trusted as HTML.

On SQLite (``make run``) there is no vector: the same filters with an
accent- and case-insensitive substring match (``continuum_fold``, registered
by the directory on every SQLite connection) and a plain excerpt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.lookups import Contains
from django.utils.html import escape
from django.utils.safestring import mark_safe

from directory.search.text import (
    SEARCH_CONFIG,
    Fold,
    fold,
    query_clean,
    search_query,
    uses_full_text_search,
)

START, STOP = "\x02", "\x03"
EXCERPT_LENGTH = 240


def _refresh_sql(where: str) -> str:
    return f"""
        UPDATE forum_post AS p
        SET search_vector =
            setweight(to_tsvector('{SEARCH_CONFIG}',
                CASE WHEN p.number = 1 THEN t.title ELSE '' END), 'A')
            || setweight(to_tsvector('{SEARCH_CONFIG}', p.body), 'B')
        FROM forum_thread AS t
        WHERE t.id = p.thread_id AND {where}
    """  # noqa: S608 - constant SQL; ids are parameters


def post_vectors_refresh(*, post_ids=None, thread_ids=None) -> None:
    """Rebuild the documents of these posts, or of every post of these threads."""
    if not uses_full_text_search():
        return
    with connection.cursor() as cursor:
        if post_ids:
            cursor.execute(_refresh_sql("p.id = ANY(%s)"), [list(post_ids)])
        if thread_ids:
            cursor.execute(_refresh_sql("p.thread_id = ANY(%s)"), [list(thread_ids)])


@dataclass
class Filters:
    text: str = ""
    category: object | None = None
    group: object | None = None
    tag: object | None = None
    author: object | None = None
    since: date | None = None
    until: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.text or self.category or self.group or self.tag or self.author)


def _excerpt(post) -> str:
    """Safe HTML: the headline escaped, its markers turned into ``<mark>``."""
    headline = getattr(post, "headline", None)
    if headline is None:
        text = " ".join(post.body.split())
        if len(text) > EXCERPT_LENGTH:
            text = text[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + "…"
        return escape(text)
    text = escape(" ".join(headline.split()))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


def posts_search(*, reader, filters: Filters):
    """Posts matching the filters that ``reader`` may read, best first, with ``excerpt``.

    Returns a queryset; iterate it through :func:`with_excerpts`.
    """
    from forum.models import Post

    posts = (
        Post.objects.visible_to(reader)
        .filter(state=Post.State.VISIBLE)
        .select_related("thread", "thread__category", "thread__group", "author")
    )
    if filters.category is not None:
        posts = posts.filter(thread__category=filters.category)
    if filters.group is not None:
        posts = posts.filter(thread__group=filters.group)
    if filters.tag is not None:
        posts = posts.filter(thread__tags=filters.tag)
    if filters.author is not None:
        posts = posts.filter(author=filters.author)
    if filters.since:
        posts = posts.filter(created_at__date__gte=filters.since)
    if filters.until:
        posts = posts.filter(created_at__date__lte=filters.until)
    text = query_clean(filters.text)
    if not text:
        return posts.order_by("-created_at")
    if uses_full_text_search():
        query = search_query(text)
        return (
            posts.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                headline=SearchHeadline(
                    "body",
                    query,
                    config=SEARCH_CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=40,
                    min_words=15,
                ),
            )
            .order_by("-rank", "-created_at")
        )
    condition = Q()
    for word in fold(text).split():
        condition &= Q(Contains(Fold(F("body")), Value(word))) | Q(
            Contains(Fold(F("thread__title")), Value(word))
        )
    return posts.filter(condition).order_by("-created_at")


def with_excerpts(posts) -> list:
    rows = list(posts)
    for post in rows:
        post.excerpt = _excerpt(post)
    return rows
