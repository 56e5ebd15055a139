"""Archiving locations from the site: the validation rule, every public surface, restore."""

import re

import pytest

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from directory.editing import services as editing
from directory.models import ChangeRequest, Location, RecordHistory
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    PhoneFactory,
    ServiceFactory,
)

from .test_editing import approve, form_data
from .test_hsds_export import Package

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("french_site")]


@pytest.fixture
def service(organisation):
    return ServiceFactory(organisation=organisation, name="Accueil et installation")


@pytest.fixture
def location(organisation, service):
    """A public place, the only one where the service is given."""
    location = LocationFactory(
        organisation=organisation,
        name="Bibliothèque Frontenac",
        address="450, rue Marquette",
        municipality="Sherbrooke",
    )
    service.locations.add(location)
    return location


def locations_url(organisation) -> str:
    return reverse("directory:manage_locations", args=[organisation.slug])


def archive_url(location) -> str:
    return reverse(
        "directory:manage_location_archive", args=[location.organisation.slug, location.uuid]
    )


def restore_url(location) -> str:
    return reverse(
        "directory:manage_location_restore", args=[location.organisation.slug, location.uuid]
    )


# --- The validation rule ----------------------------------------------------------------------


def test_a_validators_archive_applies_at_once_and_is_recorded(staff, organisation, location):
    outcome = editing.location_archive(user=staff, location=location)

    location.refresh_from_db()
    assert outcome.applied
    assert location.is_archived
    assert location.archived_by == staff
    assert not ChangeRequest.objects.exists()
    entry = RecordHistory.objects.get(location=location)
    assert entry.action == RecordHistory.Action.ARCHIVED
    assert entry.channel == RecordHistory.Channel.STAFF_SITE
    assert entry.actor == staff
    assert entry.changes["archived_at"][0] is None
    assert entry.changes["archived_at"][1]


def test_an_admins_archive_of_a_public_location_waits_and_it_stays_public(
    organisation_admin, organisation, location, service, staff, client
):
    outcome = editing.location_archive(user=organisation_admin, location=location)

    location.refresh_from_db()
    assert outcome.sent_for_validation
    assert outcome.change_request.kind == ChangeRequest.Kind.ARCHIVE
    assert outcome.change_request.location == location
    assert not location.is_archived
    assert "Bibliothèque Frontenac" in client.get(organisation.get_absolute_url()).content.decode()
    assert "Bibliothèque Frontenac" in client.get(service.get_absolute_url()).content.decode()

    approve(change_request=outcome.change_request, reviewer=staff)

    location.refresh_from_db()
    assert location.is_archived
    entry = RecordHistory.objects.get(location=location)
    assert (entry.action, entry.channel, entry.change_request) == (
        RecordHistory.Action.ARCHIVED,
        RecordHistory.Channel.CHANGE_REQUEST,
        outcome.change_request,
    )
    assert (
        "Bibliothèque Frontenac" not in client.get(organisation.get_absolute_url()).content.decode()
    )


def test_asking_twice_keeps_one_request(organisation_admin, location):
    first = editing.location_archive(user=organisation_admin, location=location)
    second = editing.location_archive(user=organisation_admin, location=location)

    assert second.change_request == first.change_request
    assert ChangeRequest.objects.pending().count() == 1


def test_an_admin_archives_at_once_when_the_organisation_is_not_public(draft_organisation):
    admin = MembershipFactory(organisation=draft_organisation, role="admin").user
    location = LocationFactory(organisation=draft_organisation)

    outcome = editing.location_archive(user=admin, location=location)

    location.refresh_from_db()
    assert outcome.applied
    assert location.is_archived
    entry = RecordHistory.objects.get(location=location)
    assert entry.channel == RecordHistory.Channel.SITE


def test_an_edit_sent_while_archiving_awaits_validation_leaves_the_archive_request(
    organisation_admin, location
):
    archive = editing.location_archive(user=organisation_admin, location=location).change_request

    edit = editing.change_request_submit(
        user=organisation_admin, target=location, data=form_data(location, name="Autre nom")
    ).change_request

    # Two decisions for staff: neither replaces the other.
    assert set(ChangeRequest.objects.pending()) == {archive, edit}


def test_the_locations_page_says_archiving_awaits_validation_beside_a_pending_edit(
    organisation, organisation_admin, location, client
):
    editing.location_archive(user=organisation_admin, location=location)
    editing.change_request_submit(
        user=organisation_admin, target=location, data=form_data(location, name="Autre nom")
    )
    client.force_login(organisation_admin)

    page = client.get(locations_url(organisation)).content.decode()

    assert "Archivage en attente de validation" in page
    assert archive_url(location) not in page


def test_an_edit_sent_while_a_service_archive_awaits_validation_leaves_it(
    organisation_admin, service
):
    archive = editing.service_archive(user=organisation_admin, service=service).change_request

    editing.change_request_submit(
        user=organisation_admin, target=service, data=form_data(service, fees="Gratuit")
    )

    archive.refresh_from_db()
    assert archive.status == ChangeRequest.Status.PENDING


def test_archiving_at_once_withdraws_the_pending_edit(organisation_admin, location, staff):
    editing.change_request_submit(
        user=organisation_admin, target=location, data=form_data(location, name="Autre nom")
    )

    outcome = editing.location_archive(user=staff, location=location)

    assert [r.status for r in outcome.withdrawn] == [ChangeRequest.Status.PENDING]
    assert not ChangeRequest.objects.pending().exists()


def test_a_member_who_is_not_admin_may_not_archive(organisation, location, client):
    member = MembershipFactory(organisation=organisation, role="member").user

    with pytest.raises(PermissionDenied):
        editing.location_archive(user=member, location=location)
    client.force_login(member)
    assert client.post(archive_url(location)).status_code == 403
    location.refresh_from_db()
    assert not location.is_archived


# --- Restore ------------------------------------------------------------------------------------


def test_a_validator_restores_at_once_and_the_location_is_back_with_its_services(
    staff, location, service, client
):
    editing.location_archive(user=staff, location=location)

    outcome = editing.location_restore(user=staff, location=location)

    location.refresh_from_db()
    assert outcome.applied
    assert not location.is_archived
    assert location.archived_by is None
    assert [e.action for e in RecordHistory.objects.filter(location=location)] == [
        RecordHistory.Action.RESTORED,
        RecordHistory.Action.ARCHIVED,
    ]
    assert "Bibliothèque Frontenac" in client.get(service.get_absolute_url()).content.decode()


def test_an_admins_restore_of_a_public_location_waits_for_validation(
    organisation_admin, location, staff, client
):
    editing.location_archive(user=staff, location=location)

    outcome = editing.location_restore(user=organisation_admin, location=location)

    location.refresh_from_db()
    assert outcome.change_request.kind == ChangeRequest.Kind.RESTORE
    assert location.is_archived
    assert (
        "Bibliothèque Frontenac"
        not in client.get(location.organisation.get_absolute_url()).content.decode()
    )

    approve(change_request=outcome.change_request, reviewer=staff)

    location.refresh_from_db()
    assert not location.is_archived
    assert RecordHistory.objects.filter(
        location=location, action=RecordHistory.Action.RESTORED, change_request__isnull=False
    ).exists()


def test_restoring_a_location_that_is_not_archived_does_nothing(staff, location):
    outcome = editing.location_restore(user=staff, location=location)

    assert not outcome.applied
    assert not RecordHistory.objects.exists()


# --- Every public surface ---------------------------------------------------------------------


def _export_locations(client) -> set[str]:
    package = Package(client.get("/api/hsds/export.zip").content)
    return {row["id"] for row in package.rows("location")} | {
        row["location_id"] for row in package.rows("service_at_location")
    }


def _public_surfaces(client, organisation, service) -> dict[str, str]:
    """What the public gets from every surface that shows locations, as text."""
    organisation_api = client.get(f"/api/hsds/organizations/{organisation.uuid}").json()
    service_api = client.get(f"/api/hsds/services/{service.uuid}").json()
    return {
        "organisation page": client.get(organisation.get_absolute_url()).content.decode(),
        "service page": client.get(service.get_absolute_url()).content.decode(),
        "search by the place's name": " ".join(
            s.name
            for s in client.get(reverse("directory:search"), {"q": "Frontenac"})
            .context["result"]
            .page.object_list
        ),
        "map list": client.get(reverse("directory:map")).content.decode(),
        "map data": client.get(reverse("directory:map_data"), {"zoom": 16}).content.decode(),
        "HSDS organisation": str([loc["id"] for loc in organisation_api["locations"]]),
        "HSDS service": str([link["location_id"] for link in service_api["service_at_locations"]]),
        "export": str(sorted(_export_locations(client))),
    }


def test_the_public_never_sees_an_archived_location_on_any_surface(
    client, reference_data, organisation, location, service, staff
):
    other = LocationFactory(organisation=organisation, name="Point de service Magog")
    service.locations.add(other)
    markers = {
        "organisation page": "Bibliothèque Frontenac",
        "service page": "Bibliothèque Frontenac",
        "search by the place's name": service.name,
        "map list": "Bibliothèque Frontenac",
        "map data": str(location.uuid),
        "HSDS organisation": str(location.uuid),
        "HSDS service": str(location.uuid),
        "export": str(location.uuid),
    }
    before = _public_surfaces(client, organisation, service)
    assert {name: markers[name] in text for name, text in before.items()} == dict.fromkeys(
        markers, True
    )

    editing.location_archive(user=staff, location=location)

    after = _public_surfaces(client, organisation, service)
    assert {name: markers[name] in text for name, text in after.items()} == dict.fromkeys(
        markers, False
    )
    assert "Point de service Magog" in after["organisation page"]
    assert str(other.uuid) in after["HSDS service"]


def test_staff_do_not_see_an_archived_location_on_public_pages_either(
    client, staff, organisation, location
):
    editing.location_archive(user=staff, location=location)
    client.force_login(staff)

    html = client.get(organisation.get_absolute_url()).content.decode()

    assert "Bibliothèque Frontenac" not in html


def test_organisation_page_queries_do_not_grow_with_archived_locations(
    client, reference_data, organisation, staff
):
    def grow(size):
        for _ in range(size):
            service = ServiceFactory(organisation=organisation)
            for archived in (False, True):
                location = LocationFactory(organisation=organisation)
                PhoneFactory(organisation=None, location=location)
                service.locations.add(location)
                if archived:
                    editing.location_archive(user=staff, location=location)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(organisation.get_absolute_url()).status_code == 200
        return len(queries)

    grow(2)
    small = count()
    grow(10)
    large = count()

    assert large == small


# --- Site pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_confirmation_page_says_what_archiving_does_in_each_language(
    organisation_admin, location, client, language
):
    client.force_login(organisation_admin)
    with translation.override(language):
        url = archive_url(location)
        expected = translation.gettext("Services given at this location")
        button = translation.gettext("Ask to archive")

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in html
    assert expected in html
    assert "Accueil et installation" in html
    assert button in html
    location.refresh_from_db()
    assert not location.is_archived  # GET changes nothing


def test_confirming_sends_the_archive_for_validation_and_shows_the_request(
    organisation_admin, location, client
):
    client.force_login(organisation_admin)

    response = client.post(archive_url(location), follow=True)

    change_request = ChangeRequest.objects.get()
    assert response.redirect_chain[-1][0] == change_request.get_manage_url()
    assert change_request.kind == ChangeRequest.Kind.ARCHIVE


def test_archived_locations_are_listed_apart_with_a_restore_button(
    organisation_admin, organisation, location, staff, client
):
    LocationFactory(organisation=organisation, name="Point de service Magog")
    editing.location_archive(user=staff, location=location)
    client.force_login(organisation_admin)

    response = client.get(locations_url(organisation))

    assert [str(loc) for loc in response.context["locations"]] == ["Point de service Magog"]
    assert response.context["archived_locations"] == [location]
    assert restore_url(location) in response.content.decode()


def test_restoring_from_the_list_applies_for_a_validator(staff, location, client):
    editing.location_archive(user=staff, location=location)
    client.force_login(staff)

    response = client.post(restore_url(location))

    assert response.status_code == 302
    location.refresh_from_db()
    assert not location.is_archived


def test_an_archived_location_is_not_edited_until_restored(
    organisation_admin, location, staff, client
):
    editing.location_archive(user=staff, location=location)
    client.force_login(organisation_admin)
    edit_url = reverse(
        "directory:manage_location_edit", args=[location.organisation.slug, location.uuid]
    )

    assert client.get(edit_url)["Location"] == locations_url(location.organisation)
    with pytest.raises(editing.InvalidEdit):
        editing.change_request_submit(
            user=staff, target=location, data=form_data(location, name="Nouveau nom")
        )
    location.refresh_from_db()
    assert location.name == "Bibliothèque Frontenac"


def test_editing_a_service_keeps_its_link_to_an_archived_location(
    organisation_admin, location, service, staff
):
    editing.location_archive(user=staff, location=location)

    outcome = editing.change_request_submit(
        user=organisation_admin,
        target=service,
        data=form_data(service, description="Une nouvelle description."),
    )

    assert "locations" not in outcome.change_request.proposed
    assert list(service.locations.all()) == [location]


def test_history_on_the_manage_page_says_the_location_was_archived(
    organisation_admin, organisation, location, staff, client
):
    editing.location_archive(user=staff, location=location)
    client.force_login(organisation_admin)

    html = client.get(
        reverse("directory:manage_organisation", args=[organisation.slug])
    ).content.decode()

    assert "archivé" in html.lower()
    assert "Archivé le" in html


def test_the_review_page_shows_the_archive_request_and_the_services_there(
    organisation_admin, location, staff, client
):
    outcome = editing.location_archive(user=organisation_admin, location=location)
    client.force_login(staff)

    response = client.get(reverse("directory_validation:review", args=[outcome.change_request.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "450, rue Marquette" in html
    assert "Accueil et installation" in html
    assert 'value="approve"' in html
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', html).group(1)
    response = client.post(
        reverse("directory_validation:review", args=[outcome.change_request.pk]),
        {"action": "approve", "seen": seen},
    )
    assert response.status_code == 302
    assert Location.objects.archived().get() == location
