"""The thread page costs a constant number of SQL queries whatever the thread's length
(at most 10 for a visitor, 15 for a member), measured at two sizes so that N+1 shows."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.models import Attachment, Post, Reaction, Thread
from tests.factories import MembershipFactory, OrganisationFactory

from .factories import thread_started

pytestmark = pytest.mark.django_db

VISITOR_MAX = 10
MEMBER_MAX = 15


def _thread_of(size: int, category, author):
    """A thread of ``size`` posts by five members of different organisations, with reactions
    and an attachment on the page (written in bulk: the services are tested elsewhere)."""
    thread = thread_started(category, author, title=f"Fil de {size} messages")
    authors = [MembershipFactory(organisation=OrganisationFactory()).user for _index in range(5)]
    Post.objects.bulk_create(
        Post(
            thread=thread,
            number=number,
            author=authors[number % 5],
            body=f"Réponse {number}",
            html=f"<p>Réponse {number}</p>",
        )
        for number in range(2, size + 1)
    )
    Thread.objects.filter(pk=thread.pk).update(post_count=size, last_number=size)
    posts = list(thread.posts.order_by("number")[:6])
    Reaction.objects.bulk_create(
        Reaction(post=post, user=reactor, kind=kind)
        for post in posts
        for reactor in authors[:3]
        for kind in ("like", "thanks")
    )
    Attachment.objects.create(
        post=posts[1],
        content_type="application/pdf",
        size=10,
        original_name="guide.pdf",
        file="forum/guide.pdf",
    )
    thread.refresh_from_db()
    return thread


def _count(client, thread) -> int:
    url = reverse("forum:thread", args=[thread.pk, thread.slug])
    client.get(url)  # warm: sessions, read state, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert "Réponse 2" in response.content.decode()
    return len(queries)


def test_a_visitor_reads_a_thread_in_the_same_few_queries_at_any_length(
    client, settings, public_category, forum_member, site
):
    settings.FORUM_PAGE_CACHE_SECONDS = 0  # measure the page, not the visitors' cache
    small = _thread_of(10, public_category, forum_member)
    large = _thread_of(1000, public_category, forum_member)
    counts = (_count(client, small), _count(client, large))
    assert counts[0] == counts[1] <= VISITOR_MAX, counts


def test_a_member_reads_a_thread_in_the_same_few_queries_at_any_length(
    client, public_category, forum_member, site
):
    small = _thread_of(10, public_category, forum_member)
    large = _thread_of(100, public_category, forum_member)
    client.force_login(forum_member)
    counts = (_count(client, small), _count(client, large))
    assert counts[0] == counts[1] <= MEMBER_MAX, counts


def test_a_moderator_reads_a_thread_in_the_same_few_queries_at_any_length(
    client, public_category, forum_member, moderator, site
):
    small = _thread_of(10, public_category, forum_member)
    large = _thread_of(100, public_category, forum_member)
    client.force_login(moderator)
    counts = (_count(client, small), _count(client, large))
    assert counts[0] == counts[1] <= MEMBER_MAX, counts
