"""Partner calendars imported and kept in sync by UID; bad files change nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from django.utils import timezone

from events.ics.parse import FeedError, feed_parse
from events.importing import services
from events.importing.fetch import FetchError, feed_fetch, url_normalise
from events.importing.models import CalendarSubscription
from events.models import Event

pytestmark = pytest.mark.django_db
TORONTO = ZoneInfo("America/Toronto")
YEAR = timezone.now().year + 1


def feed(*vevents: str, header: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{v.strip()}\r\nEND:VEVENT\r\n" for v in vevents)
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Partenaire//FR\r\n"
        f"{header}{body}END:VCALENDAR\r\n"
    )
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def vevent(uid: str, summary: str, start: str, end: str, extra: str = "") -> str:
    lines = [f"UID:{uid}", f"SUMMARY:{summary}", f"DTSTART{start}", f"DTEND{end}"]
    return "\n".join(lines + ([extra] if extra else []))


@pytest.fixture
def subscription(organisation, animator):
    return services.subscription_create(
        organisation=organisation, name="Calendrier du SANC", by=animator
    )


def first_feed() -> bytes:
    return feed(
        vevent(
            "souper@sanc.example",
            "Souper interculturel\\, édition d'hiver",
            f";TZID=America/Toronto:{YEAR}0212T180000",
            f";TZID=America/Toronto:{YEAR}0212T210000",
            "LOCATION:Centre communautaire\\, Sherbrooke",
        ),
        vevent(
            "portes@sanc.example",
            "Portes ouvertes",
            f";VALUE=DATE:{YEAR}0605",
            f";VALUE=DATE:{YEAR}0606",
        ),
    )


def test_a_partner_feed_becomes_partner_events_hosted_by_the_organisation(
    subscription, organisation, animator
):
    report = services.subscription_sync(subscription=subscription, data=first_feed(), by=animator)
    assert report == {"created": 2, "updated": 0, "unchanged": 0, "removed": 0}
    souper = Event.objects.get(external_uid="souper@sanc.example")
    assert souper.kind == "partner" and souper.state == "published"
    assert souper.title == "Souper interculturel, édition d'hiver"
    assert souper.venue == "Centre communautaire, Sherbrooke"
    assert souper.start == datetime(YEAR, 2, 12, 18, tzinfo=TORONTO)
    assert list(souper.organisations.all()) == [organisation]
    portes = Event.objects.get(external_uid="portes@sanc.example")
    assert portes.all_day and portes.occurrences.count() == 1


def test_a_new_import_applies_changes_drops_removed_events_and_keeps_unchanged_ones(
    subscription, animator
):
    services.subscription_sync(subscription=subscription, data=first_feed(), by=animator)
    souper = Event.objects.get(external_uid="souper@sanc.example")
    second = feed(
        vevent(
            "souper@sanc.example",
            "Souper interculturel (déplacé)",
            f";TZID=America/Toronto:{YEAR}0213T180000",
            f";TZID=America/Toronto:{YEAR}0213T210000",
        ),
    )
    report = services.subscription_sync(subscription=subscription, data=second, by=animator)
    assert report == {"created": 0, "updated": 1, "unchanged": 0, "removed": 1}
    moved = Event.objects.get(pk=souper.pk)
    assert moved.uid == souper.uid  # same calendar UID in our feeds: clients update it
    assert moved.title == "Souper interculturel (déplacé)"
    assert moved.sequence == souper.sequence + 1
    assert moved.occurrences.get().start == datetime(YEAR, 2, 13, 18, tzinfo=TORONTO)
    assert not Event.objects.filter(external_uid="portes@sanc.example").exists()
    again = services.subscription_sync(subscription=subscription, data=second, by=animator)
    assert again == {"created": 0, "updated": 0, "unchanged": 1, "removed": 0}
    assert Event.objects.get(pk=souper.pk).sequence == moved.sequence


def test_a_malformed_feed_is_refused_with_its_reasons_and_changes_nothing(subscription, animator):
    services.subscription_sync(subscription=subscription, data=first_feed(), by=animator)
    before = list(Event.objects.order_by("pk").values_list("pk", "title", "sequence"))
    broken = feed(
        vevent("souper@sanc.example", "Souper annulé", ":2026BAD", ":20260101T100000"),
        "SUMMARY:Sans identifiant\nDTSTART:20260101T100000",
    )
    with pytest.raises(FeedError) as raised:
        services.subscription_sync(subscription=subscription, data=broken, by=animator)
    message = str(raised.value)
    assert "Souper annulé" in message and "DTSTART" in message
    assert "UID" in message
    assert list(Event.objects.order_by("pk").values_list("pk", "title", "sequence")) == before
    subscription.refresh_from_db()
    assert "DTSTART" in subscription.last_error


@pytest.mark.parametrize(
    "data",
    [b"", b"<html>Not found</html>", "BEGIN:VCALENDAR\r\nÉ".encode("latin-1")],
)
def test_files_that_are_not_calendars_are_refused_in_french(data):
    with pytest.raises(FeedError) as raised:
        feed_parse(data)
    assert "iCalendar" in str(raised.value) or "UTF-8" in str(raised.value)
    assert "Le fichier" in str(raised.value)


def test_google_feeds_with_x_wr_timezone_are_read_in_that_zone():
    data = feed(
        vevent(
            "hebdo@google.com",
            "Halte-garderie",
            f":{YEAR}0106T150000Z",
            f":{YEAR}0106T160000Z",
            "RRULE:FREQ=WEEKLY;COUNT=20",
        ),
        vevent(
            "flottant@google.com", "Café-rencontre", f":{YEAR}0701T100000", f":{YEAR}0701T113000"
        ),
        header="X-WR-CALNAME:Partenaire\r\nX-WR-TIMEZONE:America/Toronto\r\n",
    )
    parsed = {event.uid: event for event in feed_parse(data).events}
    weekly = parsed["hebdo@google.com"]
    # A UTC series of a Montréal calendar is at 10:00 local, winter and summer alike.
    assert weekly.start == datetime(YEAR, 1, 6, 10, tzinfo=TORONTO)
    assert weekly.start.tzinfo == TORONTO
    assert parsed["flottant@google.com"].start == datetime(YEAR, 7, 1, 10, tzinfo=TORONTO)


def test_a_series_with_a_moved_and_a_cancelled_occurrence_is_imported_with_both(
    subscription, animator
):
    data = feed(
        vevent(
            "cdp@partenaire.example",
            "Rencontre mensuelle",
            f";TZID=America/Toronto:{YEAR}0105T190000",
            f";TZID=America/Toronto:{YEAR}0105T210000",
            "RRULE:FREQ=WEEKLY;COUNT=6",
        ),
        vevent(
            "cdp@partenaire.example",
            "Rencontre mensuelle",
            f";TZID=America/Toronto:{YEAR}0120T190000",
            f";TZID=America/Toronto:{YEAR}0120T210000",
            f"RECURRENCE-ID;TZID=America/Toronto:{YEAR}0119T190000",
        ),
        vevent(
            "cdp@partenaire.example",
            "Rencontre mensuelle",
            f";TZID=America/Toronto:{YEAR}0202T190000",
            f";TZID=America/Toronto:{YEAR}0202T210000",
            f"RECURRENCE-ID;TZID=America/Toronto:{YEAR}0202T190000\nSTATUS:CANCELLED",
        ),
    )
    services.subscription_sync(subscription=subscription, data=data, by=animator)
    event = Event.objects.get(external_uid="cdp@partenaire.example")
    occurrences = {o.recurrence_id: o for o in event.occurrences.all()}
    assert len(occurrences) == 6
    moved = occurrences[datetime(YEAR, 1, 19, 19, tzinfo=TORONTO)]
    assert moved.modified and moved.start == datetime(YEAR, 1, 20, 19, tzinfo=TORONTO)
    assert occurrences[datetime(YEAR, 2, 2, 19, tzinfo=TORONTO)].cancelled


def test_only_those_who_manage_events_import(organisation, member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.subscription_create(organisation=organisation, name="X", by=member)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.ics",
        "http://localhost/feed.ics",
        "http://10.0.0.5/feed.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed.ics",
        "ftp://example.org/feed.ics",
        "file:///etc/passwd",
        "http://example.org:6379/",
        "http://user:secret@example.org/feed.ics",
    ],
)
def test_fetching_refuses_internal_addresses_and_other_schemes(url):
    with pytest.raises(FetchError):
        feed_fetch(url)


def test_webcal_addresses_are_fetched_over_https():
    assert url_normalise("webcal://calendar.example.org/a.ics") == (
        "https://calendar.example.org/a.ics"
    )


def test_the_hourly_job_syncs_calendars_with_an_address(subscription, monkeypatch, animator):
    from events.importing import tasks

    CalendarSubscription.objects.filter(pk=subscription.pk).update(
        url="https://calendar.example.org/sanc.ics"
    )
    monkeypatch.setattr(
        "events.importing.services.feed_fetch", lambda url: first_feed(), raising=True
    )
    assert tasks.subscriptions_sync.call() == 1
    assert Event.objects.filter(external_uid="souper@sanc.example").exists()


def test_imported_events_are_in_the_public_feed_and_an_import_rebuilds_it(
    client, subscription, animator, django_capture_on_commit_callbacks
):
    assert b"Souper" not in client.get("/events/feed.ics").content
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_sync(subscription=subscription, data=first_feed(), by=animator)
    data = client.get("/events/feed.ics").content
    assert b"Souper interculturel" in data


def test_staff_of_animation_add_a_calendar_by_file_in_the_admin(client, animator, organisation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    animator.is_staff = True
    animator.save()
    client.force_login(animator)
    response = client.get("/admin/events/calendars/")
    assert response.status_code == 200
    upload = SimpleUploadedFile("sanc.ics", first_feed(), content_type="text/calendar")
    response = client.post(
        "/admin/events/calendars/",
        {
            "organisation": organisation.pk,
            "name": "SANC",
            "url": "",
            "file": upload,
            "audience": "public",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Event.objects.filter(kind="partner").count() == 2


def test_the_admin_pages_refuse_who_does_not_manage_events(client, staff):
    client.force_login(staff)
    response = client.get("/admin/events/calendars/")
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard.
    assert response.status_code in (302, 403)
    assert response.get("Location", "") != "/admin/events/calendars/"
