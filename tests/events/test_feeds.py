"""The iCalendar feeds as calendar clients fetch them: content, bytes, caching, privacy."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import quote

import icalendar
import pytest
import recurring_ical_events
import vobject
from dateutil.relativedelta import SU, TU, relativedelta

from django.conf import settings
from django.utils import timezone

from events.feeds import services, snapshots
from events.feeds.models import CalendarToken, FeedSnapshot
from events.models import Registration

from .feed_helpers import (
    TORONTO,
    event_create,
    occurrence_cancel,
    occurrence_move,
)

pytestmark = pytest.mark.django_db

MEETING_LINK = "https://meet.example.org/salle-secrete-42"


def second_tuesday_after(moment: datetime) -> datetime:
    first = (moment.astimezone(TORONTO) + relativedelta(months=1)).replace(
        day=1, hour=19, minute=0, second=0, microsecond=0
    )
    return first + relativedelta(weekday=TU(2))


def dst_changes(after: datetime) -> tuple[date, date]:
    """The first spring change (2nd Sunday of March) after ``after``, and the autumn one
    (1st Sunday of November) after it."""
    year = after.year if after.date() < date(after.year, 3, 1) else after.year + 1
    spring = (datetime(year, 3, 1) + relativedelta(weekday=SU(2))).date()
    autumn = (datetime(year, 11, 1) + relativedelta(weekday=SU(1))).date()
    return spring, autumn


@pytest.fixture
def series(organisation):
    """A monthly meeting (2nd Tuesday, 19:00) for 12 months: it crosses both changes of
    time; the first meeting after spring's change is moved, the first after autumn's
    cancelled, and the one in between skipped (EXDATE)."""
    start = second_tuesday_after(timezone.now())
    event = event_create(
        title="Communauté de pratique ; accueil, intégration « Estrie » 🎉",
        start=start,
        end=start + timedelta(hours=2),
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=12",
        online_url=MEETING_LINK,
        mode="hybrid",
        organisations=[organisation],
    )
    spring, autumn = dst_changes(start)
    occurrences = list(event.occurrences.order_by("recurrence_id"))
    after_spring = next(o for o in occurrences if o.recurrence_id.date() > spring)
    occurrence_move(
        after_spring,
        after_spring.start + timedelta(days=1, hours=-1),
        after_spring.end + timedelta(days=1, hours=-1),
    )
    skipped = next(o for o in occurrences if o.recurrence_id.date() > after_spring.start.date())
    event.exdates = [skipped.recurrence_id.isoformat()]
    event.sequence += 1
    event.save()
    skipped.delete()
    after_autumn = next(o for o in occurrences if o.recurrence_id.date() > autumn)
    occurrence_cancel(after_autumn)
    return event


def status(vevent) -> str:
    """STATUS, CONFIRMED when absent (the feeds leave the default out)."""
    return str(vevent.get("STATUS", "CONFIRMED"))


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code in (200, 304), response.status_code
    return response


def test_public_feed_expanded_like_a_client_gives_the_sites_own_occurrences(client, series):
    data = fetch(client, "/events/feed.ics").content
    calendar = icalendar.Calendar.from_ical(data)
    expanded = recurring_ical_events.of(calendar).between(
        timezone.now() - timedelta(days=30), timezone.now() + timedelta(days=400)
    )
    from_feed = sorted((e["DTSTART"].dt, e["DTEND"].dt, status(e) == "CANCELLED") for e in expanded)
    from_site = sorted(
        (o.start, o.end, o.cancelled) for o in series.occurrences.order_by("recurrence_id")
    )
    assert len(from_site) == 11
    assert from_feed == from_site
    # 19:00 local all year: the UTC hour moves with daylight-saving time.
    rule_made = [s for s, _e, _c in from_feed if s.astimezone(TORONTO).hour == 19]
    assert {s.astimezone(TORONTO).hour for s in rule_made} == {19}
    assert len({s.utcoffset() for s in rule_made}) == 2


def test_public_feed_parses_strictly_with_icalendar_and_vobject(client, series):
    data = fetch(client, "/events/feed.ics").content
    for component in icalendar.Calendar.from_ical(data).walk():
        assert component.errors == []
    parsed = vobject.readOne(data.decode("utf-8"), validate=True)
    uids = {vevent.uid.value for vevent in parsed.vevent_list}
    assert uids == {series.ical_uid}
    assert len(parsed.vevent_list) == 3  # the series, the moved and the cancelled occurrences


def test_feed_bytes_use_crlf_lines_of_at_most_75_octets_in_utf8(client, series):
    response = fetch(client, "/events/feed.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    data = response.content
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    for line in data[:-2].split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    assert "SUMMARY:Communauté de pratique \\; accueil\\, intégration".encode() in data
    assert b"VTIMEZONE" in data and b"RDATE" not in data


def test_two_requests_give_identical_bytes_and_conditional_requests_get_304(client, series):
    first = fetch(client, "/events/feed.ics")
    second = fetch(client, "/events/feed.ics")
    assert first.content == second.content
    assert first["ETag"] == second["ETag"] and first["ETag"].startswith('"')
    assert first["Cache-Control"].startswith("public, max-age=")
    by_etag = fetch(client, "/events/feed.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304 and by_etag.content == b""
    by_date = fetch(client, "/events/feed.ics", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304
    other = fetch(client, "/events/feed.ics", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_dtstamp_is_the_events_last_change_not_the_request_time(client, series):
    data = fetch(client, "/events/feed.ics").content
    master = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert master["DTSTAMP"].dt == series.updated_at.replace(microsecond=0)


def test_a_change_is_in_the_next_request_with_a_new_etag(
    client, series, django_capture_on_commit_callbacks
):
    before = fetch(client, "/events/feed.ics")
    with django_capture_on_commit_callbacks(execute=True):
        series.title = "Communauté de pratique (nouveau lieu)"
        series.sequence += 1
        series.save()
    assert FeedSnapshot.objects.get(key="all").stale is False  # rebuilt by the task
    after = fetch(client, "/events/feed.ics", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert b"(nouveau lieu)" in after.content


def test_feeds_are_built_when_events_change_not_on_each_request(
    client, series, django_assert_max_num_queries
):
    fetch(client, "/events/feed.ics")
    with django_assert_max_num_queries(2):  # the snapshot's row, then its bytes
        fetch(client, "/events/feed.ics")


def test_a_process_serves_a_fresh_feed_from_memory_and_forgets_it_on_a_change(
    client, series, settings, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    settings.EVENTS_FEED_MEMO_SECONDS = 60
    snapshots._fresh.clear()
    first = fetch(client, "/events/feed.ics")
    with django_assert_max_num_queries(0):
        again = fetch(client, "/events/feed.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        series.title = "Communauté de pratique (reportée)"
        series.sequence += 1
        series.save()
    assert "(reportée)".encode() in fetch(client, "/events/feed.ics").content
    snapshots._fresh.clear()


def test_the_meeting_link_is_absent_from_every_public_feed(client, series, organisation):
    for url in (
        "/events/feed.ics",
        "/events/feed/meeting.ics",
        f"/directory/organisations/{organisation.slug}/events.ics",
        f"/events/{series.pk}/event.ics",
    ):
        response = fetch(client, url)
        assert response.status_code == 200, url
        assert series.ical_uid.encode() in response.content, url
        assert b"salle-secrete" not in response.content, url


def test_kind_and_organisation_feeds_hold_only_their_events(client, series, organisation):
    workshop = event_create(kind="workshop", title="Atelier de formation")
    workshops = fetch(client, "/events/feed/workshop.ics").content
    assert workshop.ical_uid.encode() in workshops and series.ical_uid.encode() not in workshops
    hosted = fetch(client, f"/directory/organisations/{organisation.slug}/events.ics").content
    assert workshop.ical_uid.encode() not in hosted
    assert client.get("/events/feed/unknown.ics").status_code == 404
    assert client.get("/directory/organisations/nobody/events.ics").status_code == 404


def test_drafts_and_members_only_events_stay_out_of_public_feeds(client):
    draft = event_create(state="draft")
    private = event_create(audience="members")
    data = fetch(client, "/events/feed.ics").content
    assert draft.ical_uid.encode() not in data and private.ical_uid.encode() not in data
    assert client.get(f"/events/{draft.pk}/event.ics").status_code == 404
    assert client.get(f"/events/{private.pk}/event.ics").status_code == 404


def test_events_outside_the_window_are_left_out(client):
    old = event_create(
        start=timezone.now() - timedelta(days=40),
        end=timezone.now() - timedelta(days=40) + timedelta(hours=1),
    )
    far = event_create(
        start=timezone.now() + timedelta(days=400),
        end=timezone.now() + timedelta(days=400, hours=1),
    )
    recent = event_create(
        start=timezone.now() - timedelta(days=20),
        end=timezone.now() - timedelta(days=20) + timedelta(hours=1),
    )
    data = fetch(client, "/events/feed.ics").content
    assert old.ical_uid.encode() not in data and far.ical_uid.encode() not in data
    assert recent.ical_uid.encode() in data


def test_a_cancelled_occurrence_stays_cancelled_for_14_days_then_becomes_an_exdate(client, series):
    cancelled = series.occurrences.get(cancelled=True)
    data = fetch(client, f"/events/{series.pk}/event.ics").content
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert [status(e) for e in events if "RECURRENCE-ID" in e].count("CANCELLED") == 1
    occurrence_cancel(cancelled, when=timezone.now() - timedelta(days=15))
    snapshots.snapshots_mark_stale(event_ids=[series.pk])
    data = fetch(client, f"/events/{series.pk}/event.ics").content
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert [status(e) for e in events if "RECURRENCE-ID" in e] == ["CONFIRMED"]
    exdate = events[0]["EXDATE"]
    values = exdate if isinstance(exdate, list) else [exdate]
    exdates = {moment.dt for value in values for moment in value.dts}
    assert cancelled.recurrence_id in exdates


def test_member_feed_has_the_link_only_for_confirmed_registrations(client, series, member):
    confirmed_occurrence, waiting_occurrence = list(
        series.occurrences.filter(cancelled=False).order_by("start")[:2]
    )
    Registration.objects.create(occurrence=confirmed_occurrence, user=member, state="confirmed")
    Registration.objects.create(occurrence=waiting_occurrence, user=member, state="waitlisted")
    token = services.calendar_token_ensure(user=member)
    response = fetch(client, f"/events/my/{token.token}.ics")
    assert response["Cache-Control"].startswith("private")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    by_status = {status(e): e for e in events}
    assert set(by_status) == {"CONFIRMED", "TENTATIVE"}
    assert MEETING_LINK in str(by_status["CONFIRMED"]["DESCRIPTION"])
    assert MEETING_LINK not in str(by_status["TENTATIVE"].get("DESCRIPTION", ""))
    assert response.content.count(b"salle-secrete") >= 1


def test_another_members_feed_never_has_the_link(client, series, member):
    from tests.factories import UserFactory

    occurrence = series.occurrences.filter(cancelled=False).first()
    Registration.objects.create(occurrence=occurrence, user=member, state="confirmed")
    other = UserFactory()
    token = services.calendar_token_ensure(user=other)
    data = fetch(client, f"/events/my/{token.token}.ics").content
    assert b"salle-secrete" not in data and b"BEGIN:VEVENT" not in data


def test_revoked_and_rotated_tokens_stop_working(client, member):
    token = services.calendar_token_ensure(user=member).token
    assert client.get(f"/events/my/{token}.ics").status_code == 200
    rotated = services.calendar_token_rotate(user=member).token
    assert rotated != token
    assert client.get(f"/events/my/{token}.ics").status_code == 404
    assert client.get(f"/events/my/{rotated}.ics").status_code == 200
    services.calendar_token_revoke(user=member)
    assert client.get(f"/events/my/{rotated}.ics").status_code == 404


def test_feeds_have_no_language_prefix(client, series):
    assert client.get("/events/feed.ics").status_code == 200
    assert client.get("/events/feed/nothing-here.ics").status_code == 404


def test_listing_pages_advertise_their_feed_and_offer_subscribe_links(client, series, organisation):
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    host = base.split("://", 1)[1]
    page = client.get("/fr/events/").content.decode()
    head = page.split("</head>")[0]
    assert re.search(
        r'<link rel="alternate" type="text/calendar" title="[^"]+" '
        rf'href="{re.escape(base)}/events/feed.ics">',
        head,
    )
    assert f'href="webcal://{host}/events/feed.ics"' in page
    assert f"https://calendar.google.com/calendar/r?cid=webcal://{host}/events/feed.ics" in page
    outlook = "https://outlook.live.com/calendar/0/addfromweb?url=" + quote(
        f"{base}/events/feed.ics", safe=""
    )
    assert outlook in page
    assert 'id="calendar-subscribe-heading"' in page
    workshops = client.get("/fr/events/?kind=workshop").content.decode()
    assert "/events/feed/workshop.ics" in workshops
    hosted = client.get(f"/fr/events/?organisation={organisation.slug}").content.decode()
    assert f"/directory/organisations/{organisation.slug}/events.ics" in hosted
    month = client.get("/fr/events/month/").content.decode()
    assert 'type="text/calendar"' in month
    event_page = client.get(series.get_absolute_url()).content.decode()
    assert f"/events/{series.pk}/event.ics" in event_page


def test_no_page_shows_the_meeting_link_to_the_public(client, series):
    for url in ("/fr/events/", "/fr/events/month/", series.get_absolute_url()):
        assert "salle-secrete" not in client.get(url).content.decode(), url


def test_a_member_creates_replaces_and_stops_their_private_address_from_my_events(client, member):
    client.force_login(member)
    page = client.get("/fr/events/my/").content.decode()
    assert 'name="action" value="create"' in page
    client.post("/fr/events/my/calendar/", {"action": "create"})
    token = member.calendar_token.token
    page = client.get("/fr/events/my/").content.decode()
    assert f"/events/my/{token}.ics" in page
    client.post("/fr/events/my/calendar/", {"action": "rotate"})
    member.refresh_from_db()
    assert member.calendar_token.token != token
    assert client.get(f"/events/my/{token}.ics").status_code == 404
    client.post("/fr/events/my/calendar/", {"action": "revoke"})
    assert not CalendarToken.objects.filter(user=member).exists()


def test_building_a_feed_takes_the_same_queries_for_2_and_for_8_events():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.feeds.definitions import feed_build

    def build_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            feed_build("all")
        return len(captured)

    for _number in range(2):
        series = event_create(rrule="FREQ=WEEKLY;COUNT=5")
        occurrence_cancel(series.occurrences.order_by("start")[1])
    small = build_queries()
    for _number in range(6):
        series = event_create(rrule="FREQ=WEEKLY;COUNT=5")
        occurrence_cancel(series.occurrences.order_by("start")[1])
    assert build_queries() == small


def test_the_demos_public_feed_is_never_empty_and_reads_in_both_parsers(client, reference_data):
    from cms.demo import demo_seed

    demo_seed()
    data = fetch(client, "/events/feed.ics").content
    calendar = icalendar.Calendar.from_ical(data)
    assert len(calendar.walk("VEVENT")) >= 5
    assert all(component.errors == [] for component in calendar.walk())
    assert len(vobject.readOne(data.decode("utf-8")).vevent_list) >= 5
