"""Forum search: French, accent-insensitive, filtered, with safe highlighted excerpts."""

import datetime

import pytest

from django.urls import reverse

from forum.models import Post

from .factories import CategoryFactory, TagFactory, reply_posted, thread_started

pytestmark = pytest.mark.django_db


def _search(client, **params):
    """The results list of the search page (the query also appears in the page's links)."""
    content = client.get(reverse("forum:search"), params).content.decode()
    return content.split('<ol class="forum-results">')[1].split("</ol>")[0]


def test_a_word_typed_without_accents_finds_the_accented_one(client, forum_member, public_category):
    thread_started(public_category, forum_member, title="Intégration des familles", body="Bonjour")
    assert "Intégration des familles" in _search(client, q="integration")


def test_french_stemming_finds_other_forms(client, forum_member, public_category):
    thread_started(public_category, forum_member, body="Nous cherchons des logements abordables.")
    assert "Accueillir une famille réfugiée" in _search(client, q="logement")


def test_excerpts_highlight_the_words_and_escape_the_post(client, forum_member, public_category):
    thread_started(
        public_category, forum_member, body="Le logement <b>manque</b> & les loyers montent."
    )
    excerpt = _search(client, q="logement").split('class="forum-result__excerpt">')[1]
    excerpt = excerpt.split("</p>")[0]
    assert "<mark>logement</mark>" in excerpt
    assert "manque" in excerpt and "&amp; les loyers" in excerpt
    assert "<b>" not in excerpt  # the member's markup is text (or dropped), never markup


def test_filters_narrow_by_category_tag_author_and_date(
    client, forum_member, other_member, public_category
):
    other_category = CategoryFactory(public=True)
    tag = TagFactory(slug="penurie", name="pénurie")
    tagged = thread_started(public_category, forum_member, title="Logement à Magog", body="loyer")
    tagged.tags.add(tag)
    thread_started(other_category, other_member, title="Logement à Granby", body="loyer")
    assert "Logement à Granby" not in _search(client, q="loyer", category=public_category.slug)
    assert "Logement à Granby" not in _search(client, q="loyer", tag="penurie")
    by_author = _search(client, q="loyer", author=f"@{other_member.handle}")
    assert "Logement à Granby" in by_author and "Logement à Magog" not in by_author
    old = reply_posted(tagged, other_member, "un vieux loyer")
    Post.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2025, 1, 5, tzinfo=datetime.UTC)
    )
    assert "<mark>vieux</mark>" not in _search(client, q="vieux", since="2026-01-01")
    assert "<mark>vieux</mark>" in _search(client, q="vieux", until="2025-12-31")


def test_hidden_posts_are_not_found(client, forum_member, moderator, public_category):
    from forum import moderation

    thread = thread_started(public_category, forum_member, title="Premier message")
    post = reply_posted(thread, forum_member, "Un message zanzibar à masquer")
    moderation.post_hide(post=post, moderator=moderator)
    assert "zanzibar" not in _search(client, q="zanzibar")
