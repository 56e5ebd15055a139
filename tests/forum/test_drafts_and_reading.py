"""Drafts survive a change of device; unread tracking; the first unread post; reactions."""

import pytest

from django.test import Client
from django.urls import reverse

from forum.models import Draft, ReadState
from tests.factories import PASSWORD

from .factories import reply_posted, thread_started

pytestmark = pytest.mark.django_db


def test_a_draft_typed_on_one_device_is_restored_after_login_on_another(
    forum_member, other_member, public_category, site
):
    thread = thread_started(public_category, other_member)
    laptop = Client()
    laptop.force_login(forum_member)
    response = laptop.post(
        reverse("forum:draft_save"),
        {"thread": thread.pk, "body": "Ma réponse à moitié écrite sur les logements"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["saved"] is True

    phone = Client()
    login = phone.post(
        reverse("account_login"), {"login": forum_member.email, "password": PASSWORD}
    )
    assert login.status_code == 302
    page = phone.get(reverse("forum:thread", args=[thread.pk, thread.slug]))
    assert "Ma réponse à moitié écrite sur les logements" in page.content.decode()


def test_the_no_script_save_button_keeps_a_new_threads_draft(
    client, forum_member, public_category, site
):
    client.force_login(forum_member)
    url = reverse("forum:thread_new_in_category", args=[public_category.slug])
    client.post(url, {"title": "Francisation à Granby", "body": "Brouillon", "save_draft": "1"})
    draft = Draft.objects.get(user=forum_member, category=public_category)
    assert (draft.title, draft.body) == ("Francisation à Granby", "Brouillon")
    assert "Francisation à Granby" in client.get(url).content.decode()
    client.post(url, {"title": "Francisation à Granby", "body": "Le texte final"})
    assert not Draft.objects.filter(user=forum_member).exists()  # published: draft gone


def test_posting_the_reply_discards_its_draft(client, forum_member, other_member, public_category):
    thread = thread_started(public_category, other_member)
    client.force_login(forum_member)
    client.post(reverse("forum:draft_save"), {"thread": thread.pk, "body": "Presque fini"})
    client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Fini!"})
    assert not Draft.objects.filter(user=forum_member).exists()


def test_new_posts_are_marked_since_the_last_visit_and_unread_jumps_to_the_first(
    client, settings, forum_member, other_member, public_category, site
):
    settings.FORUM_POSTS_PER_PAGE = 3
    thread = thread_started(public_category, other_member)
    client.force_login(forum_member)
    client.get(reverse("forum:thread", args=[thread.pk, thread.slug]))
    assert ReadState.objects.get(user=forum_member, thread=thread).last_read_number == 1
    for number in range(5):
        reply_posted(thread, other_member, f"Nouvelle réponse {number}")
    response = client.get(reverse("forum:thread_unread", args=[thread.pk]))
    assert response["Location"].endswith("#post-2")
    page = client.get(response["Location"])
    content = page.content.decode()
    assert 'id="unread"' in content
    assert content.index('id="unread"') < content.index('id="post-2"')


def test_a_reaction_toggles_without_javascript(client, forum_member, other_member, public_category):
    post = thread_started(public_category, other_member).posts.get()
    client.force_login(forum_member)
    url = reverse("forum:react", args=[post.pk])
    client.post(url, {"kind": "thanks"})
    assert post.reactions.filter(user=forum_member, kind="thanks").count() == 1
    response = client.post(url, {"kind": "thanks"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"added": False, "count": 0, "kind": "thanks"}


def test_a_resent_form_posts_once(client, forum_member, other_member, public_category):
    thread = thread_started(public_category, other_member)
    client.force_login(forum_member)
    for _attempt in range(2):
        client.post(
            reverse("forum:reply", args=[thread.pk]), {"body": "Une fois", "client_id": "abc123"}
        )
    assert thread.posts.filter(author=forum_member).count() == 1


def test_edit_history_is_visible_to_readers(client, forum_member, public_category, site):
    from forum import services

    post = thread_started(public_category, forum_member, body="Version un").posts.get()
    services.post_edit(post=post, editor=forum_member, body="Version deux")
    response = client.get(reverse("forum:post_history", args=[post.pk]))
    content = response.content.decode()
    assert "Version un" in content and "Version deux" in content


def test_a_visitors_cached_page_shows_a_new_post_at_once(
    client, forum_member, other_member, public_category, site
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    thread = thread_started(public_category, other_member, body="Première version du fil.")
    url = reverse("forum:thread", args=[thread.pk, thread.slug])
    assert "Première version du fil." in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 1  # served from the cache: only the reading rule's query
    reply_posted(thread, forum_member, "Une réponse toute neuve")
    assert "Une réponse toute neuve" in client.get(url).content.decode()
