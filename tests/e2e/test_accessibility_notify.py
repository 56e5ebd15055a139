"""WCAG 2.0/2.1 A and AA on the members, notifications and poll pages, in French and English."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from django.utils import translation

from directory import mail as directory_mail
from directory.models import ServiceCategory, Territory
from forum.models import Poll
from forum.notifications import services as notification_services
from forum.peers import services as peer_services
from forum.polls import services as poll_services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.forum.factories import CategoryFactory, reply_posted, thread_started

from .conftest import axe_violations, format_violations, sign_in_with_a_session

pytestmark = pytest.mark.e2e


def _unsubscribe_path(user, language) -> str:
    with translation.override(language):
        return urlsplit(directory_mail.unsubscribe_url(user, "forum.mention")).path


def _assert_accessible(page, language, url):
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page)
    assert violations == [], f"{url}\n" + format_violations(violations)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_members_notifications_and_poll_pages_have_no_wcag_aa_violations(
    page, live_server, reference_data, language
):
    organisation = OrganisationFactory(name="Ville de Magog", slug="ville-de-magog")
    area = ServiceCategory.objects.filter(parent__isnull=False).first()
    me = MembershipFactory(
        organisation=organisation,
        user=UserFactory(display_name="Nadia Benali", job_title="Agente d'accueil"),
    ).user
    peer = MembershipFactory(
        organisation=organisation,
        user=UserFactory(display_name="Marie Tremblay", handle="marie-t", job_title="Conseillère"),
    ).user
    for person in (me, peer):
        person.expertise.set([area])
        person.territories.set(Territory.objects.order_by("position")[:1])
    category = CategoryFactory(name="Rencontres", slug="rencontres", public=False)
    thread = thread_started(category, me, title="Prochaine rencontre", body="Quelle date ?")
    reply_posted(thread, peer, body="Bonne idée, @nadia-benali.")
    poll = poll_services.poll_create(
        thread=thread,
        by=me,
        question="Quelle date ?",
        options=["Mardi 8 décembre", "Jeudi 10 décembre"],
        results=Poll.Results.AFTER_VOTE,
    )
    poll_services.poll_vote(poll=poll, voter=me, option_ids=[poll.options.first().pk])
    notification_services.watch_set(user=me, category=category, level=3)
    peer_services.peer_question_send(
        sender=peer, recipient=me, subject="Bonjour", body="Une question"
    )
    sign_in_with_a_session(page, live_server, me)

    urls = [
        f"/{language}/forum/members/?expertise={area.code}",
        f"/{language}/forum/members/marie-t/",
        f"/{language}/forum/members/marie-t/ask/",
        f"/{language}/forum/notifications/",
        f"/{language}/forum/notifications/settings/",
        f"/{language}/forum/welcome/",
        f"/{language}/forum/threads/{thread.pk}/{thread.slug}/",
        f"/{language}/forum/threads/{thread.pk}/polls/new/",
        _unsubscribe_path(me, language),
    ]
    for url in urls:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _assert_accessible(page, language, url)

    # A form with errors: the summary and the fields stay accessible.
    page.goto(f"/{language}/forum/members/marie-t/ask/")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _assert_accessible(page, language, "ask with errors")
