"""Two members read one thread in two Chromium windows: one replies, the other sees it live.

The pages are served by a real daphne process (``python -m cms.serve``, as in
``make run``) sharing the test database and Redis: pytest-django's live server
speaks no WebSocket.
"""

import pytest

from django.conf import settings
from django.test import Client
from django.utils import timezone

from forum.models import Category, Thread
from tests.factories import MembershipFactory, UserFactory
from tests.forum.realtime.servers import Daphne

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def daphne():
    server = Daphne(redis_url=settings.REDIS_URL, name="e2e").wait()
    yield server
    server.stop()


def member(name: str):
    return MembershipFactory(state="active", user=UserFactory(display_name=name)).user


def window(browser, server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=server.url, locale="fr-CA")
    context.set_default_timeout(20_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server.url,
            }
        ]
    )
    return context, context.new_page()


def test_a_reply_in_one_window_appears_live_in_the_other(browser, daphne):
    category = Category.objects.create(slug="francisation", name="Francisation", public=True)
    thread = Thread.objects.create(
        category=category,
        title="Cours de français pour travailleurs",
        slug="cours-de-francais",
        last_posted_at=timezone.now(),
    )
    writer, reader = member("Ana Rodríguez"), member("Luc Gagnon")
    url = f"/fr/forum/threads/{thread.pk}/{thread.slug}/"
    writer_context, writer_page = window(browser, daphne, writer)
    reader_context, reader_page = window(browser, daphne, reader)
    try:
        reader_page.goto(url)
        writer_page.goto(url)
        # Both sockets are open once the presence line counts two members.
        reader_page.wait_for_function(
            "() => document.querySelector('[data-live-presence]').textContent.includes('2')"
        )
        writer_page.fill(
            "#reply textarea[name=body]", "Le Cégep de Sherbrooke offre des cours du soir."
        )
        writer_page.click("#reply button[type=submit]:not([name])")
        # Sent by the script (the field empties), not by a plain form post and redirect.
        writer_page.wait_for_function(
            "() => document.querySelector('#reply textarea[name=body]').value === ''"
        )

        article = reader_page.locator(
            "article", has_text="Le Cégep de Sherbrooke offre des cours du soir."
        )
        new_posts = reader_page.locator("[data-live-new]")
        # Either appended (reading at the end) or held behind "1 new post" (reading higher up).
        reader_page.wait_for_function(
            """() => [...document.querySelectorAll('article')]
                .some(a => a.textContent.includes('Cégep'))
                || !document.querySelector('[data-live-new]').hidden"""
        )
        if not new_posts.is_hidden():
            new_posts.click()
        article.wait_for()
        assert article.count() == 1
        announced = reader_page.locator("[data-live-announce]").text_content()
        assert announced
        # The writer's own page shows the reply once, not twice (socket and answer).
        writer_page.wait_for_selector("article:has-text('Cégep de Sherbrooke')")
        assert writer_page.locator("article", has_text="Cégep de Sherbrooke").count() == 1
    finally:
        writer_context.close()
        reader_context.close()
