"""The forum in Chromium: posting, quoting and reacting, and drafts saved as one types;
axe-core finds no WCAG 2.1 AA violation on the forum's pages, in French and in English."""

# The forum's fixtures are imported from tests/forum/conftest.py, then named as arguments.
# ruff: noqa: F811

import re

import pytest
from playwright.sync_api import expect

from forum.models import Draft, Reaction
from tests.forum.conftest import (  # noqa: F401 - fixtures
    forum_member,
    members_category,
    moderator,
    other_member,
    public_category,
)
from tests.forum.factories import TagFactory, reply_posted, thread_started

from .conftest import axe_violations, format_violations, sign_in_with_a_session

pytestmark = pytest.mark.e2e

LANGUAGES = ["fr", "en"]


@pytest.fixture
def thread(public_category, other_member, forum_member):
    thread = thread_started(
        public_category,
        other_member,
        title="Cours de français pour des travailleurs à Granby",
        body="Qui offre des cours **le soir** près de Granby?",
    )
    thread.tags.add(TagFactory(name="francisation"))
    reply_posted(thread, forum_member, "Le cégep en offre, je crois.")
    return thread


def _thread_url(language, thread):
    return f"/{language}/forum/threads/{thread.pk}/{thread.slug}/"


def test_a_member_posts_a_reply_that_appears_in_the_thread(
    page,
    live_server,
    thread,
    forum_member,
):
    sign_in_with_a_session(page, live_server, forum_member)
    page.goto(_thread_url("fr", thread))
    page.locator("#reply textarea[name=body]").fill("Merci, j'appelle **le cégep** demain.")
    page.locator("#reply button[type=submit]:not([name])").click()
    article = page.locator("article#post-3")
    expect(article).to_contain_text("Merci, j'appelle le cégep demain.")
    expect(article.locator(".forum-post__body strong")).to_have_text("le cégep")


def test_quoting_puts_the_attributed_post_in_the_reply_box_without_reloading(
    page,
    live_server,
    thread,
    forum_member,
    other_member,
):
    sign_in_with_a_session(page, live_server, forum_member)
    page.goto(_thread_url("fr", thread))
    page.evaluate("window.notReloaded = true")
    page.locator("article#post-1 a[data-quote]").click()
    box = page.locator("#reply textarea[name=body]")
    expect(box).to_have_value(re.compile(rf"^> @{other_member.handle} — \[#\d+\]"))
    expect(box).to_have_value(re.compile(r"> Qui offre des cours \*\*le soir\*\*"))
    assert page.evaluate("window.notReloaded") is True
    box.press("End")
    box.type("Le cégep de Granby aussi.")
    page.locator("#reply button[type=submit]:not([name])").click()
    quoted = page.locator("article#post-3 blockquote")
    expect(quoted).to_contain_text("Qui offre des cours")


def test_reacting_toggles_the_reaction_in_place(
    page,
    live_server,
    thread,
    other_member,
):
    sign_in_with_a_session(page, live_server, other_member)
    page.goto(_thread_url("fr", thread))
    button = page.locator("article#post-2 form[data-reaction]").nth(1).locator("button")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator("[data-count]")).to_have_text("1")
    assert Reaction.objects.filter(user=other_member, kind="thanks").count() == 1
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator("[data-count]")).to_have_text("0")


def test_a_draft_is_saved_as_one_types(page, live_server, thread, forum_member):
    sign_in_with_a_session(page, live_server, forum_member)
    page.goto(_thread_url("fr", thread))
    page.locator("#reply textarea[name=body]").type("Une réponse que je finirai au bureau")
    expect(page.locator("[data-draft-status]")).not_to_be_empty()
    draft = Draft.objects.get(user=forum_member, thread=thread)
    assert draft.body == "Une réponse que je finirai au bureau"


def _assert_no_violations(page, language):
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_forum_pages_have_no_wcag_violations_for_a_member(
    new_page,
    live_server,
    thread,
    members_category,
    forum_member,
    language,
):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    sign_in_with_a_session(page, live_server, forum_member)
    for path in (
        f"/{language}/forum/",
        f"/{language}/forum/categories/{thread.category.slug}/",
        _thread_url(language, thread),
        f"/{language}/forum/search/?q=cours",
        f"/{language}/forum/categories/{thread.category.slug}/new/",
        f"/{language}/forum/posts/{thread.posts.first().pk}/flag/",
    ):
        page.goto(path)
        _assert_no_violations(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_forum_pages_have_no_wcag_violations_for_a_visitor_and_a_moderator(
    new_page,
    live_server,
    thread,
    moderator,
    language,
):
    visitor = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    visitor.goto(_thread_url(language, thread))
    _assert_no_violations(visitor, language)
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    sign_in_with_a_session(page, live_server, moderator)
    for path in (
        _thread_url(language, thread),
        f"/{language}/forum/threads/{thread.pk}/moderate/",
        f"/{language}/forum/moderation/",
        f"/{language}/forum/moderation/log/",
    ):
        page.goto(path)
        _assert_no_violations(page, language)


def test_the_thread_page_fits_a_phone(new_page, live_server, thread, forum_member):
    page = new_page(viewport={"width": 390, "height": 844})
    sign_in_with_a_session(page, live_server, forum_member)
    page.goto(_thread_url("fr", thread))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
