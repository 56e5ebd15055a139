"""The event pages: list, month grid, event page, registration forms, "my events", management,
the organisation's profile section; who sees what, and the meeting link nowhere public."""

from datetime import timedelta

import pytest

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import ServiceCategory, Territory
from events import services
from events.models import EventAudience, EventKind, EventState, Registration, RegistrationState
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import local

pytestmark = pytest.mark.django_db

MEETING_LINK = "https://meet.example.org/j/continuum-7731"


def url(name, *args, language="fr", **kwargs):
    with translation.override(language):
        return reverse(name, args=args or None, kwargs=kwargs or None)


def get_html(client, path, status=200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


@pytest.fixture
def online_meeting(event_make):
    return event_make(
        kind=EventKind.MEETING,
        title="Rencontre de la communauté de pratique",
        mode="hybrid",
        online_url=MEETING_LINK,
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=3",
        start=timezone.now() + timedelta(days=3),
    )


# --- List and month ---------------------------------------------------------------------------


def test_the_list_shows_upcoming_events_in_order_with_a_cancelled_one_marked(
    client, event_make, animator
):
    later = event_make(title="Webinaire sur le logement", start=timezone.now() + timedelta(days=9))
    sooner = event_make(title="Atelier interculturel", start=timezone.now() + timedelta(days=2))
    event_make(title="Atelier passé", start=timezone.now() - timedelta(days=2))
    event_make(title="Brouillon secret", state=EventState.DRAFT)
    services.occurrence_cancel(occurrence=later.occurrences.get(), by=animator)

    body = get_html(client, url("events:list"))
    assert body.index(sooner.title) < body.index(later.title)
    assert "Atelier passé" not in body and "Brouillon secret" not in body
    assert "event-item--cancelled" in body


def test_the_list_filters_by_kind_organisation_territory_and_category(
    client, event_make, reference_data, host
):
    other = OrganisationFactory(name="Carrefour jeunesse-emploi", slug="cje")
    housing = ServiceCategory.objects.filter(parent__isnull=True).first()
    sherbrooke = Territory.objects.get(code="sherbrooke")
    matching = event_make(title="Webinaire logement", kind=EventKind.WEBINAR,
                          territories=[sherbrooke], categories=[housing])  # fmt: skip
    event_make(title="Atelier emploi", organisations=[other])

    query = f"?kind=webinar&organisation={host.slug}&territory=sherbrooke&category={housing.code}"
    body = get_html(client, url("events:list") + query)
    assert matching.title in body and "Atelier emploi" not in body
    body = get_html(client, url("events:list") + "?organisation=cje")
    assert "Atelier emploi" in body and matching.title not in body


def test_unknown_filter_values_are_ignored(client, event_make):
    event_make(title="Atelier ouvert")
    body = get_html(client, url("events:list") + "?kind=%00zz&territory=nowhere&page=abc")
    assert "Atelier ouvert" in body


def test_the_month_grid_puts_an_occurrence_on_its_local_day(client, event_make):
    # 23:30 in Sherbrooke on Tuesday 15 June is 03:30 UTC on the 16th.
    event_make(title="Soirée tardive", start=local(2027, 6, 15, 23, 30),
               end=local(2027, 6, 15, 23, 59))  # fmt: skip
    june = get_html(client, url("events:month", 2027, 6))
    assert june.index("mardi 15 juin") < june.index("Soirée tardive")
    assert june.index("Soirée tardive") < june.index("mercredi 16 juin")
    assert "<caption" in june and 'scope="col"' in june


def test_a_month_out_of_range_is_a_404(client):
    assert client.get(url("events:month", 2027, 13)).status_code == 404


# --- The meeting link --------------------------------------------------------------------------


def _public_paths(meeting, host):
    occurrence = meeting.occurrences.order_by("start").first()
    start = timezone.localtime(occurrence.start)
    paths = []
    for language in ("fr", "en"):
        paths += [
            url("events:list", language=language),
            url("events:month", start.year, start.month, language=language),
            url("events:event", meeting.slug, language=language),
            url("events:occurrence", meeting.slug, occurrence.pk, language=language),
            url("directory:organisation_detail", host.slug, language=language),
        ]
    return paths


def test_the_meeting_link_is_on_no_public_page(client, online_meeting, host):
    for path in _public_paths(online_meeting, host):
        assert MEETING_LINK not in get_html(client, path), path


def test_the_meeting_link_is_hidden_from_members_not_registered_and_from_the_waitlist(
    client, event_make, host, member
):
    event = event_make(capacity=1, mode="online", online_url=MEETING_LINK)
    occurrence = event.occurrences.get()
    services.registration_create(occurrence=occurrence, user=UserFactory())
    services.registration_create(occurrence=occurrence, user=member)  # waitlisted
    client.force_login(member)
    for path in _public_paths(event, host):
        assert MEETING_LINK not in get_html(client, path), path


def test_a_confirmed_registrant_sees_the_meeting_link_on_the_occurrence_page(
    client, online_meeting, member
):
    occurrence = online_meeting.occurrences.order_by("start").first()
    services.registration_create(occurrence=occurrence, user=member)
    client.force_login(member)
    body = get_html(client, url("events:occurrence", online_meeting.slug, occurrence.pk))
    assert MEETING_LINK in body
    # Only for the occurrence they registered for.
    other = online_meeting.occurrences.order_by("start")[1]
    assert MEETING_LINK not in get_html(
        client, url("events:occurrence", online_meeting.slug, other.pk)
    )


# --- Audience and drafts ---------------------------------------------------------------------


def test_a_members_event_is_hidden_from_the_public_and_shown_to_community_members(
    client, event_make, community_member, member
):
    event = event_make(title="Rencontre réservée", audience=EventAudience.MEMBERS)
    assert "Rencontre réservée" not in get_html(client, url("events:list"))
    get_html(client, url("events:event", event.slug), status=404)
    client.force_login(member)  # an account, but in no organisation
    get_html(client, url("events:event", event.slug), status=404)
    client.force_login(community_member)
    assert "Rencontre réservée" in get_html(client, url("events:list"))
    get_html(client, url("events:event", event.slug))


def test_a_draft_is_seen_by_its_managers_only(client, event_make, host_admin, animator, member):
    event = event_make(state=EventState.DRAFT)
    path = url("events:event", event.slug)
    get_html(client, path, status=404)
    client.force_login(member)
    get_html(client, path, status=404)
    for manager in (host_admin, animator):
        client.force_login(manager)
        get_html(client, path)


# --- Who manages ---------------------------------------------------------------------------------


def test_animation_and_the_hosts_admins_manage_an_event_and_other_admins_do_not(
    client, event_make, animator, host_admin, member
):
    event = event_make()
    path = url("events:manage_event", event.slug)
    for manager in (animator, host_admin):
        client.force_login(manager)
        get_html(client, path)
    other_admin = MembershipFactory(role="admin", state="active").user
    for outsider in (other_admin, member):
        client.force_login(outsider)
        get_html(client, path, status=403)
    client.force_login(member)
    get_html(client, url("events:manage"), status=403)


def test_an_organisation_admin_creates_events_for_their_own_organisation_only(host_admin, host):
    start = timezone.now() + timedelta(days=5)
    fields = {"kind": "workshop", "title": "Atelier", "start": start,
              "end": start + timedelta(hours=1)}  # fmt: skip
    event = services.event_create(by=host_admin, organisations=[host], **fields)
    assert list(event.organisations.all()) == [host]
    with pytest.raises(PermissionDenied):
        services.event_create(by=host_admin, organisations=[OrganisationFactory()], **fields)


def test_the_management_form_creates_a_series(client, animator, host):
    client.force_login(animator)
    response = client.post(
        url("events:manage_create"),
        {
            "kind": "meeting",
            "title": "Communauté de pratique",
            "organisations": [host.pk],
            "start": "2027-01-12T19:00",
            "end": "2027-01-12T21:00",
            "rrule": "FREQ=MONTHLY;BYDAY=2TU;COUNT=5",
            "mode": "in_person",
            "audience": "public",
            "language": "fr",
            "registration_enabled": "on",
        },
    )
    assert response.status_code == 302
    event = host.events.get()
    assert event.occurrences.count() == 5 and event.state == EventState.DRAFT


def test_the_management_form_explains_a_bad_rule_and_saves_nothing(client, animator, host):
    client.force_login(animator)
    response = client.post(
        url("events:manage_create"),
        {"kind": "meeting", "title": "X", "organisations": [host.pk], "start": "2027-01-12T19:00",
         "end": "2027-01-12T21:00", "rrule": "FREQ=HOURLY", "mode": "online",
         "audience": "public", "language": "fr"},
    )  # fmt: skip
    assert response.status_code == 200
    assert 'id="form-errors"' in response.content.decode()
    assert not host.events.exists()


# --- Registration through the pages ------------------------------------------------------------


def test_a_member_registers_and_cancels_from_the_event_page(client, event_make, member):
    event = event_make()
    occurrence = event.occurrences.get()
    client.force_login(member)
    response = client.post(url("events:register", event.slug, occurrence.pk))
    assert response.status_code == 302
    assert Registration.objects.get().state == RegistrationState.CONFIRMED
    assert event.title in get_html(client, url("events:my_events"))
    client.post(url("events:member_cancel", event.slug, occurrence.pk))
    assert Registration.objects.get().state == RegistrationState.CANCELLED


def test_the_public_form_keeps_what_was_typed_and_says_what_is_missing(client, event_make):
    event = event_make()
    occurrence = event.occurrences.get()
    response = client.post(
        url("events:register", event.slug, occurrence.pk), {"name": "Aïcha Diallo", "email": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Aïcha Diallo"' in body and 'id="form-errors"' in body
    assert not Registration.objects.exists()


def test_opening_the_confirmation_link_confirms_nothing_until_the_button(client, event_make):
    event = event_make()
    occurrence = event.occurrences.get()
    client.post(
        url("events:register", event.slug, occurrence.pk),
        {"name": "Aïcha Diallo", "email": "aicha@example.org"},
    )
    registration = Registration.objects.get()
    assert registration.state == RegistrationState.PENDING
    path = url("events:registration_confirm", token=registration.token)
    get_html(client, path)
    registration.refresh_from_db()
    assert registration.state == RegistrationState.PENDING
    assert client.post(path).status_code == 302
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CONFIRMED


# --- The organisation's profile ----------------------------------------------------------------


def test_the_organisation_page_lists_its_upcoming_public_events_only(client, event_make, host):
    event_make(title="Atelier public")
    event_make(title="Rencontre réservée", audience=EventAudience.MEMBERS)
    event_make(title="Brouillon", state=EventState.DRAFT)
    body = get_html(client, url("directory:organisation_detail", host.slug))
    assert "Atelier public" in body
    assert "Rencontre réservée" not in body and "Brouillon" not in body


def test_the_profile_section_costs_the_same_queries_at_two_sizes(
    client, event_make, host, django_assert_num_queries
):
    event_make()
    path = url("directory:organisation_detail", host.slug)
    with CaptureQueriesContext(connection) as small:
        get_html(client, path)
    queries = len(small.captured_queries)
    for _ in range(4):
        event_make(organisations=[host, OrganisationFactory()])
    with django_assert_num_queries(queries):
        get_html(client, path)


@pytest.mark.parametrize("name", ["events:list", "events:month_current"])
def test_the_list_and_the_month_cost_the_same_queries_at_two_sizes(
    client, event_make, name, django_assert_num_queries
):
    soon = timezone.now() + timedelta(days=1)
    event_make(start=soon)
    path = url(name)
    with CaptureQueriesContext(connection) as small:
        get_html(client, path)
    queries = len(small.captured_queries)
    for days in range(2, 8):
        event_make(start=soon + timedelta(hours=days), organisations=[OrganisationFactory()])
    with django_assert_num_queries(queries):
        get_html(client, path)


def test_a_manager_attaches_the_agenda_which_the_event_page_links(client, event_make, animator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    event = event_make()
    client.force_login(animator)
    response = client.post(
        url("events:manage_event", event.slug),
        {
            "action": "attach",
            "kind": "agenda",
            "title": "Ordre du jour",
            "file": SimpleUploadedFile("ordre-du-jour.pdf", b"%PDF-1.4 ordre du jour"),
        },
    )
    assert response.status_code == 302
    attachment = event.attachments.get()
    assert attachment.document.title == "Ordre du jour"
    client.logout()
    assert attachment.document.url in get_html(client, url("events:event", event.slug))


def test_a_file_of_another_kind_is_refused_and_nothing_is_attached(client, event_make, animator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    event = event_make()
    client.force_login(animator)
    response = client.post(
        url("events:manage_event", event.slug),
        {"action": "attach", "kind": "slides", "title": "Script",
         "file": SimpleUploadedFile("script.exe", b"MZ")},
    )  # fmt: skip
    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()
    assert not event.attachments.exists()


def test_staff_with_the_animation_role_find_the_events_in_the_admin_menu(client, staff, roles):
    client.force_login(staff)
    manage = url("events:manage")
    assert manage not in get_html(client, "/admin/")  # the directory team alone: no
    staff.groups.add(roles["animation"])
    assert manage in get_html(client, "/admin/")


def test_cancelling_never_redirects_to_another_site(client, event_make, member):
    event = event_make()
    occurrence = event.occurrences.get()
    services.registration_create(occurrence=occurrence, user=member)
    client.force_login(member)
    response = client.post(
        url("events:member_cancel", event.slug, occurrence.pk), {"next": "https://evil.example/"}
    )
    assert response["Location"] == occurrence.get_absolute_url()
