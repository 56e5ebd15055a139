"""What the Markdown pipeline makes of mentions, quotes, cards, headings and images."""

import pytest

from forum import services

from .factories import thread_started

pytestmark = pytest.mark.django_db


def test_a_member_mention_becomes_a_link_and_is_reported(forum_member):
    rendered = services.body_render(f"Bonjour @{forum_member.handle} !")
    assert 'class="mention mention--member"' in rendered.html
    assert f">@{forum_member.handle}</a>" in rendered.html
    assert rendered.member_ids == {forum_member.pk}


def test_an_organisation_mention_links_to_its_directory_page(organisation):
    rendered = services.body_render(f"Merci @{organisation.slug}.")
    assert f'href="/directory/organisations/{organisation.slug}/"' in rendered.html
    assert rendered.organisation_ids == {organisation.pk}


def test_an_unknown_name_and_an_email_address_stay_text():
    rendered = services.body_render("Écrivez à info@example.org ou à @personne-inconnue.")
    assert "mention" not in rendered.html
    assert rendered.member_ids == set()


def test_a_mention_inside_a_quote_is_linked_but_not_reported(forum_member):
    rendered = services.body_render(f"> @{forum_member.handle} a écrit ceci")
    assert "mention--member" in rendered.html
    assert rendered.member_ids == set()


def test_a_link_to_a_post_inside_a_quote_records_the_quoted_post():
    rendered = services.body_render("> @ana — [#42](/forum/posts/42/)\n>\n> Bonjour\n\nMerci!")
    assert rendered.quoted_post_ids == [42]


def test_a_directory_link_alone_on_its_line_becomes_a_card(organisation):
    rendered = services.body_render(
        f"Voyez ceci :\n\nhttp://testserver/fr/directory/organisations/{organisation.slug}/\n\nVoilà"
    )
    assert 'class="forum-card"' in rendered.html
    assert organisation.name.replace("'", "&#x27;") in rendered.html


def test_an_unpublished_organisation_gets_no_card(organisation):
    organisation.state = "draft"
    organisation.save()
    rendered = services.body_render(
        f"http://testserver/fr/directory/organisations/{organisation.slug}/"
    )
    assert "forum-card" not in rendered.html


def test_headings_move_down_and_images_become_links():
    rendered = services.body_render("# Titre\n\n![plan](https://example.org/plan.png)")
    assert "<h3>Titre</h3>" in rendered.html
    assert "<img" not in rendered.html
    assert 'href="https://example.org/plan.png"' in rendered.html


def test_the_quote_button_prefills_an_attributed_quote(
    client, forum_member, other_member, public_category, site
):
    thread = thread_started(public_category, other_member, body="Le logement manque à Sherbrooke.")
    post = thread.posts.get()
    client.force_login(forum_member)
    response = client.get(f"/fr/forum/threads/{thread.pk}/{thread.slug}/?quote={post.pk}")
    content = response.content.decode()
    assert f"&gt; @{other_member.handle} — [#{post.pk}](/forum/posts/{post.pk}/)" in content
    assert "&gt; Le logement manque à Sherbrooke." in content
