"""The event pages in Chromium: WCAG 2.1 AA (axe-core) on the list, the month grid and the
event page, in French and English; on a phone the first events come before the filters."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from events import services
from events.models import EventKind
from tests.events.conftest import animator, event_make, host  # noqa: F401  (fixtures)
from tests.factories import UserFactory

from .conftest import axe_violations, format_violations, sign_in_with_a_session

pytestmark = pytest.mark.e2e

LANGUAGES = ["fr", "en"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def calendar(event_make, animator):  # noqa: F811
    soon = timezone.localtime() + timedelta(days=3)
    series = event_make(
        kind=EventKind.MEETING,
        title="Rencontre de la communauté de pratique",
        title_en="Community of practice meeting",
        description="Chaque 2e mardi : tour de table, sujet de fond, situations à débloquer.",
        accessibility_notes="Salle accessible en fauteuil roulant.",
        mode="hybrid",
        online_url="https://meet.example.org/cdp",
        rrule="FREQ=WEEKLY;COUNT=4",
        start=soon.replace(hour=13, minute=30, second=0),
        end=soon.replace(hour=15, minute=30, second=0),
        capacity=2,
    )
    occurrences = list(series.occurrences.order_by("start"))
    services.occurrence_cancel(occurrence=occurrences[2], by=animator, note="Relâche.")
    services.registration_create(occurrence=occurrences[0], user=UserFactory())
    event_make(title="Webinaire : se loger en région", kind=EventKind.WEBINAR, mode="online")
    return series


def assert_no_violations(page, language):
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_upcoming_list_has_no_wcag_violations(new_page, calendar, language):
    page = new_page(locale=f"{language}-CA")
    page.goto(f"/{language}/events/")
    expect(page.locator(".event-list > li")).to_have_count(5)
    assert_no_violations(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_month_grid_has_no_wcag_violations(new_page, calendar, language):
    start = timezone.localtime(calendar.start)
    page = new_page(locale=f"{language}-CA")
    page.goto(f"/{language}/events/month/{start.year}/{start.month}/")
    expect(page.locator("table.month-grid")).to_be_visible()
    assert_no_violations(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_event_page_with_its_registration_form_has_no_wcag_violations(
    new_page, calendar, language
):
    occurrence = calendar.occurrences.order_by("start").first()
    page = new_page(locale=f"{language}-CA")
    page.goto(f"/{language}/events/{calendar.slug}/{occurrence.pk}/")
    expect(page.locator(".registration-box form")).to_be_visible()
    assert_no_violations(page, language)
    # With the form's errors shown too.
    page.locator(".registration-box button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_no_violations(page, language)


def test_on_a_phone_the_count_and_first_event_come_before_the_filters(new_page, calendar):
    page = new_page(viewport=PHONE)
    page.goto("/fr/events/")
    expect(page.locator(".event-filters")).not_to_have_attribute("open", "")
    expect(page.locator("#filter-kind")).to_be_hidden()
    expect(page.locator(".events__count")).to_be_in_viewport(ratio=1)
    first = page.locator(".event-list > li").first
    expect(first.get_by_role("heading", level=3)).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_management_pages_have_no_wcag_violations(
    new_page,
    live_server,
    calendar,
    animator,  # noqa: F811
    language,
):
    page = new_page(locale=f"{language}-CA")
    sign_in_with_a_session(page, live_server, animator)
    page.goto(f"/{language}/events/manage/{calendar.slug}/")
    expect(page.locator("#id_rrule")).to_have_value("FREQ=WEEKLY;COUNT=4")
    assert_no_violations(page, language)
    occurrence = calendar.occurrences.order_by("start").first()
    page.goto(f"/{language}/events/manage/{calendar.slug}/{occurrence.pk}/")
    expect(page.locator("table")).to_be_visible()
    assert_no_violations(page, language)
