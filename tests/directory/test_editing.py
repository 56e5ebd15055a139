"""Self-service editing: organisations propose, staff validate, history is kept."""

import re

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory import access
from directory.editing import services as editing
from directory.editing.fields import snapshot
from directory.editing.forms import form_class_for
from directory.editing.review import change_request_review
from directory.models import (
    ChangeRequest,
    Location,
    Membership,
    Organisation,
    Phone,
    PublicationState,
    RecordHistory,
    Service,
    ServiceCategory,
    Territory,
)
from tests.factories import (
    ChangeRequestFactory,
    LocationFactory,
    MembershipFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("french_site")


NEW_MISSION = "Accueillir, accompagner et loger les personnes immigrantes en Estrie."


def approve(*, change_request, reviewer, **kwargs):
    """Approve as a validator does: having just seen the review page of the request."""
    seen = change_request_review(ChangeRequest.objects.get(pk=change_request.pk)).fingerprint
    return editing.change_request_approve(
        change_request=change_request, reviewer=reviewer, seen=seen, **kwargs
    )


def form_data(record, **overrides) -> dict:
    """What the editing form for ``record`` posts when the user changes only ``overrides``."""
    organisation = record if isinstance(record, Organisation) else record.organisation
    form = form_class_for(record)(instance=record, organisation=organisation)
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
    phones = getattr(form, "phones", None)
    if phones is not None:
        management = phones.management_form
        for name in management.fields:
            data[f"phones-{name}"] = management[name].value()
        for index, phone_form in enumerate(phones.forms):
            for name in phone_form.fields:
                value = phone_form[name].value()
                if value is not None:
                    data[f"phones-{index}-{name}"] = value
    data.update(overrides)
    return data


def submit(user, record, **overrides):
    return editing.change_request_submit(
        user=user, target=record, data=form_data(record, **overrides)
    )


# --- Records that are not public: applied at once ---------------------------------------


def test_edit_of_a_draft_organisation_is_applied_at_once(draft_admin, draft_organisation):
    outcome = submit(draft_admin, draft_organisation, mission=NEW_MISSION)

    draft_organisation.refresh_from_db()
    assert outcome.applied
    assert draft_organisation.mission == NEW_MISSION
    assert not ChangeRequest.objects.exists()


def test_direct_edit_of_a_draft_is_recorded_in_the_history(draft_admin, draft_organisation):
    old_mission = draft_organisation.mission
    submit(draft_admin, draft_organisation, mission=NEW_MISSION)

    entry = RecordHistory.objects.get(organisation=draft_organisation)
    assert entry.actor == draft_admin
    assert entry.channel == RecordHistory.Channel.SITE
    assert entry.changes == {"mission": [old_mission, NEW_MISSION]}


def test_location_of_an_unpublished_organisation_is_created_at_once(
    draft_admin, draft_organisation, reference_data
):
    location = Location(organisation=draft_organisation)
    data = form_data(location, kind="physical", name="Point de service", municipality="Magog")

    outcome = editing.change_request_submit(user=draft_admin, target=location, data=data)

    assert outcome.applied
    assert draft_organisation.locations.get().municipality == "Magog"


# --- Public records: a change request, and the public keeps the published version -------


def test_edit_of_a_published_organisation_creates_a_pending_request(
    organisation_admin, organisation
):
    outcome = submit(organisation_admin, organisation, mission=NEW_MISSION)

    change_request = ChangeRequest.objects.get()
    assert outcome.sent_for_validation
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.proposed == {"mission": NEW_MISSION}
    assert change_request.previous["mission"] == organisation.mission
    assert change_request.submitted_by == organisation_admin


def test_public_keeps_seeing_the_published_version_until_approval(
    organisation_admin, organisation, staff, client
):
    old_mission = organisation.mission
    submit(organisation_admin, organisation, mission=NEW_MISSION)

    assert Organisation.objects.published().get(pk=organisation.pk).mission == old_mission
    page = client.get(organisation.get_absolute_url())
    assert old_mission in page.content.decode()
    assert NEW_MISSION not in page.content.decode()

    approve(change_request=ChangeRequest.objects.get(), reviewer=staff)

    assert Organisation.objects.published().get(pk=organisation.pk).mission == NEW_MISSION
    assert NEW_MISSION in client.get(organisation.get_absolute_url()).content.decode()


def test_approval_applies_the_values_and_marks_the_record_verified(
    organisation_admin, organisation, staff
):
    organisation.verified_at = None
    organisation.save()
    submit(organisation_admin, organisation, mission=NEW_MISSION)

    approve(change_request=ChangeRequest.objects.get(), reviewer=staff, comment="Merci !")

    organisation.refresh_from_db()
    change_request = ChangeRequest.objects.get()
    assert organisation.mission == NEW_MISSION
    assert organisation.verified_by == staff
    assert organisation.verified_at is not None
    assert change_request.status == ChangeRequest.Status.APPROVED
    assert change_request.reviewed_by == staff
    assert change_request.review_comment == "Merci !"


def test_approval_is_recorded_in_the_history_with_its_request(
    organisation_admin, organisation, staff
):
    old_mission = organisation.mission
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    change_request = ChangeRequest.objects.get()

    approve(change_request=change_request, reviewer=staff)

    entry = RecordHistory.objects.get(organisation=organisation)
    assert entry.channel == RecordHistory.Channel.CHANGE_REQUEST
    assert entry.change_request == change_request
    assert entry.actor == staff
    assert entry.changes == {"mission": [old_mission, NEW_MISSION]}


def test_many_to_many_and_phone_changes_are_applied_on_approval(
    organisation_admin, organisation, staff, reference_data
):
    sherbrooke = Territory.objects.get(code="sherbrooke")
    data = form_data(
        organisation,
        territories=[str(sherbrooke.pk)],
        **{"phones-0-number": "819 555-0101", "phones-0-kind": "voice"},
    )
    editing.change_request_submit(user=organisation_admin, target=organisation, data=data)
    change_request = ChangeRequest.objects.get()
    assert change_request.proposed["territories"] == ["sherbrooke"]

    approve(change_request=change_request, reviewer=staff)

    assert list(organisation.territories.all()) == [sherbrooke]
    assert Phone.objects.get(organisation=organisation).number == "819 555-0101"


def test_approval_is_refused_when_the_field_changed_since(organisation_admin, organisation, staff):
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    Organisation.objects.filter(pk=organisation.pk).update(mission="Corrigé par l'équipe.")

    with pytest.raises(editing.ChangeRequestConflict):
        approve(change_request=ChangeRequest.objects.get(), reviewer=staff)

    organisation.refresh_from_db()
    assert organisation.mission == "Corrigé par l'équipe."
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING


def test_approval_keeps_changes_made_since_to_other_fields(organisation_admin, organisation, staff):
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    Organisation.objects.filter(pk=organisation.pk).update(website="https://sanc.example.org")

    approve(change_request=ChangeRequest.objects.get(), reviewer=staff)

    organisation.refresh_from_db()
    assert organisation.mission == NEW_MISSION
    assert organisation.website == "https://sanc.example.org"


def test_only_a_pending_request_can_be_approved(organisation_admin, organisation, staff):
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    change_request = ChangeRequest.objects.get()
    approve(change_request=change_request, reviewer=staff)

    with pytest.raises(ValidationError):
        approve(change_request=change_request, reviewer=staff)


# --- Sending back --------------------------------------------------------------------------


def test_send_back_requires_a_comment(organisation_admin, organisation, staff):
    submit(organisation_admin, organisation, mission=NEW_MISSION)

    with pytest.raises(ValidationError) as error:
        editing.change_request_send_back(
            change_request=ChangeRequest.objects.get(), reviewer=staff, comment="  "
        )

    assert "comment" in error.value.message_dict
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING


def test_send_back_keeps_the_proposed_values_and_changes_nothing(
    organisation_admin, organisation, staff
):
    old_mission = organisation.mission
    submit(organisation_admin, organisation, mission=NEW_MISSION)

    editing.change_request_send_back(
        change_request=ChangeRequest.objects.get(), reviewer=staff, comment="Précisez le logement."
    )

    change_request = ChangeRequest.objects.get()
    organisation.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.SENT_BACK
    assert change_request.proposed == {"mission": NEW_MISSION}
    assert change_request.review_comment == "Précisez le logement."
    assert organisation.mission == old_mission


def test_edit_form_reopens_on_a_sent_back_proposal(organisation_admin, organisation, staff, client):
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    editing.change_request_send_back(
        change_request=ChangeRequest.objects.get(), reviewer=staff, comment="Précisez le logement."
    )
    client.force_login(organisation_admin)

    response = client.get(reverse("directory:manage_organisation_edit", args=[organisation.slug]))

    assert response.context["form"]["mission"].value() == NEW_MISSION
    assert "Précisez le logement." in response.content.decode()


def test_sending_back_a_new_service_returns_it_to_draft(organisation_admin, organisation, staff):
    service = Service(organisation=organisation)
    editing.change_request_submit(
        user=organisation_admin, target=service, data=form_data(service, name="Cafés-rencontres")
    )
    editing.change_request_send_back(
        change_request=ChangeRequest.objects.get(), reviewer=staff, comment="Ajoutez l'horaire."
    )

    assert Service.objects.get(name="Cafés-rencontres").state == PublicationState.DRAFT


def test_a_sent_back_new_service_can_be_corrected_and_submitted_again(
    organisation_admin, organisation, staff, client
):
    service = Service(organisation=organisation)
    editing.change_request_submit(
        user=organisation_admin, target=service, data=form_data(service, name="Cafés-rencontres")
    )
    editing.change_request_send_back(
        change_request=ChangeRequest.objects.get(), reviewer=staff, comment="Ajoutez l'horaire."
    )
    service = Service.objects.get(name="Cafés-rencontres")
    client.force_login(organisation_admin)
    slug = organisation.slug

    page = client.get(reverse("directory:manage_service_edit", args=[slug, service.slug]))
    assert "Ajoutez l&#x27;horaire." in page.content.decode()
    client.post(
        reverse("directory:manage_service_edit", args=[slug, service.slug]),
        form_data(service, schedule="Mardis, 13 h à 16 h"),
    )
    client.post(reverse("directory:manage_service_submit", args=[slug, service.slug]))

    service.refresh_from_db()
    assert service.schedule == "Mardis, 13 h à 16 h"
    assert service.state == PublicationState.PENDING
    assert ChangeRequest.objects.pending().get().kind == ChangeRequest.Kind.CREATE


# --- Superseding -------------------------------------------------------------------------


def test_a_newer_request_supersedes_the_pending_one(organisation_admin, organisation):
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    first = ChangeRequest.objects.get()

    submit(organisation_admin, organisation, mission=NEW_MISSION, acronym="SANC-E")

    first.refresh_from_db()
    newer = ChangeRequest.objects.exclude(pk=first.pk).get()
    assert first.status == ChangeRequest.Status.SUPERSEDED
    assert first.superseded_by == newer
    assert newer.proposed == {"mission": NEW_MISSION, "acronym": "SANC-E"}
    assert ChangeRequest.objects.pending().count() == 1


def test_the_same_proposal_twice_keeps_one_request(organisation_admin, organisation):
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    submit(organisation_admin, organisation, mission=NEW_MISSION)

    assert ChangeRequest.objects.count() == 1


def test_bringing_the_form_back_to_the_published_version_withdraws_the_proposal(
    organisation_admin, organisation
):
    submit(organisation_admin, organisation, mission=NEW_MISSION)

    outcome = submit(organisation_admin, organisation)

    assert outcome.withdrawn
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.WITHDRAWN


# --- Bad input ---------------------------------------------------------------------------


def test_bad_input_is_refused_with_errors_and_nothing_changes(organisation_admin, organisation):
    old_name = organisation.name

    with pytest.raises(editing.InvalidEdit) as error:
        submit(organisation_admin, organisation, name="", email="pas-une-adresse")

    assert set(error.value.form.errors) == {"name", "email"}
    assert error.value.form["email"].value() == "pas-une-adresse"
    organisation.refresh_from_db()
    assert organisation.name == old_name
    assert not ChangeRequest.objects.exists()
    assert not RecordHistory.objects.exists()


def test_a_phone_row_without_number_is_refused(organisation_admin, organisation):
    with pytest.raises(editing.InvalidEdit) as error:
        submit(organisation_admin, organisation, **{"phones-0-extension": "12"})

    assert error.value.form.phones.forms[0].errors["number"]


def test_coordinates_out_of_range_are_refused(organisation_admin, organisation):
    location = LocationFactory(organisation=organisation)

    with pytest.raises(editing.InvalidEdit) as error:
        submit(organisation_admin, location, latitude="123")

    assert "latitude" in error.value.form.errors
    assert not ChangeRequest.objects.exists()


# --- Services and locations ----------------------------------------------------------------


def test_a_new_service_is_created_awaiting_verification(
    organisation_admin, organisation, reference_data
):
    category = ServiceCategory.objects.filter(parent__isnull=False).first()
    service = Service(organisation=organisation)
    data = form_data(service, name="Jumelage interculturel", categories=[str(category.pk)])

    outcome = editing.change_request_submit(user=organisation_admin, target=service, data=data)

    created = Service.objects.get(name="Jumelage interculturel")
    assert created.state == PublicationState.PENDING
    assert list(created.categories.all()) == [category]
    assert outcome.change_request.kind == ChangeRequest.Kind.CREATE
    assert created not in Service.objects.published()


def test_approving_a_new_service_publishes_it(organisation_admin, organisation, staff):
    service = Service(organisation=organisation)
    editing.change_request_submit(
        user=organisation_admin, target=service, data=form_data(service, name="Francisation")
    )

    approve(change_request=ChangeRequest.objects.get(), reviewer=staff)

    assert Service.objects.published().get().name == "Francisation"


def test_a_new_location_of_a_published_organisation_waits_for_approval(
    organisation_admin, organisation, staff
):
    location = Location(organisation=organisation)
    data = form_data(location, kind="physical", name="Antenne de Magog", municipality="Magog")

    outcome = editing.change_request_submit(user=organisation_admin, target=location, data=data)

    assert outcome.record is None
    assert not organisation.locations.exists()
    approve(change_request=outcome.change_request, reviewer=staff)
    created = organisation.locations.get()
    assert created.name == "Antenne de Magog"
    assert ChangeRequest.objects.get().location == created


def test_archiving_a_published_service_waits_for_approval(organisation_admin, organisation, staff):
    service = ServiceFactory(organisation=organisation)

    outcome = editing.service_archive(user=organisation_admin, service=service)

    service.refresh_from_db()
    assert service.state == PublicationState.PUBLISHED
    approve(change_request=outcome.change_request, reviewer=staff)
    service.refresh_from_db()
    assert service.state == PublicationState.ARCHIVED


def test_service_edit_with_locations_is_proposed_by_uuid(organisation_admin, organisation, staff):
    service = ServiceFactory(organisation=organisation)
    location = LocationFactory(organisation=organisation)

    submit(organisation_admin, service, locations=[str(location.pk)])

    change_request = ChangeRequest.objects.get()
    assert change_request.proposed == {"locations": [str(location.uuid)]}
    approve(change_request=change_request, reviewer=staff)
    assert list(service.locations.all()) == [location]


def test_a_location_of_another_organisation_cannot_be_attached(organisation_admin, organisation):
    service = ServiceFactory(organisation=organisation)
    elsewhere = LocationFactory()

    with pytest.raises(editing.InvalidEdit):
        submit(organisation_admin, service, locations=[str(elsewhere.pk)])


def test_submitting_a_draft_for_verification_makes_it_pending(draft_admin, draft_organisation):
    change_request = editing.record_submit_for_verification(
        user=draft_admin, record=draft_organisation
    )

    draft_organisation.refresh_from_db()
    assert draft_organisation.state == PublicationState.PENDING
    assert change_request.kind == ChangeRequest.Kind.CREATE
    with pytest.raises(ValidationError):
        editing.record_submit_for_verification(user=draft_admin, record=draft_organisation)


# --- Staff approve exactly what they saw -------------------------------------------------------

SCAM_URL = "https://arnaque.example.com/paiement"


def review_page(client, change_request):
    return client.get(reverse("directory_validation:review", args=[change_request.pk]))


def seen_on(page) -> str:
    return re.search(r'name="seen" value="([0-9a-f]+)"', page.content.decode()).group(1)


@pytest.fixture
def new_service(organisation_admin, organisation):
    """A service the organisation created: awaiting verification, with its creation request."""
    service = Service(organisation=organisation)
    outcome = editing.change_request_submit(
        user=organisation_admin,
        target=service,
        data=form_data(service, name="Francisation", url="https://sanc.example.org/cours"),
    )
    return outcome.record


def test_review_of_a_new_service_shows_its_values_now_and_what_changed(
    organisation_admin, new_service, staff, client
):
    submit(organisation_admin, new_service, url=SCAM_URL)
    client.force_login(staff)

    review = change_request_review(ChangeRequest.objects.get())
    page = review_page(client, ChangeRequest.objects.get()).content.decode()

    assert review.changed_since_submission == ["url"]
    assert SCAM_URL in page
    assert "https://sanc.example.org/cours" in page  # what it was when submitted, beside it


def test_approval_is_refused_when_a_new_service_changed_while_staff_reviewed_it(
    organisation_admin, new_service, staff, client
):
    client.force_login(staff)
    change_request = ChangeRequest.objects.get()
    seen = seen_on(review_page(client, change_request))
    submit(organisation_admin, new_service, url=SCAM_URL)  # while the page is open

    response = client.post(
        reverse("directory_validation:review", args=[change_request.pk]),
        {"action": "approve", "seen": seen},
    )

    new_service.refresh_from_db()
    assert response.status_code == 409
    assert new_service.state == PublicationState.PENDING
    assert ChangeRequest.objects.get().is_pending
    assert SCAM_URL in response.content.decode()  # the page now shows what approval would publish
    assert seen_on(response) != seen


def test_approving_a_new_service_publishes_what_the_reviewer_saw_and_records_it(
    organisation_admin, new_service, staff, client
):
    submit(organisation_admin, new_service, url=SCAM_URL)
    client.force_login(staff)
    change_request = ChangeRequest.objects.get()
    seen = seen_on(review_page(client, change_request))

    client.post(
        reverse("directory_validation:review", args=[change_request.pk]),
        {"action": "approve", "seen": seen},
    )

    change_request.refresh_from_db()
    assert Service.objects.published().get().url == SCAM_URL
    assert change_request.status == ChangeRequest.Status.APPROVED
    assert change_request.proposed["url"] == SCAM_URL  # what was approved, not what was submitted


def test_a_draft_organisation_changed_after_it_was_submitted_is_refused_as_first_seen(
    draft_admin, draft_organisation, staff
):
    change_request = editing.record_submit_for_verification(
        user=draft_admin, record=draft_organisation
    )
    seen = change_request_review(ChangeRequest.objects.get(pk=change_request.pk)).fingerprint
    submit(
        draft_admin,
        draft_organisation,
        **{"phones-0-number": "900 555-0199", "phones-0-kind": "voice"},
    )

    with pytest.raises(editing.ChangeRequestChanged):
        editing.change_request_approve(change_request=change_request, reviewer=staff, seen=seen)

    draft_organisation.refresh_from_db()
    assert draft_organisation.state == PublicationState.PENDING


def test_the_locations_of_a_new_organisation_are_part_of_what_staff_approve(
    draft_admin, draft_organisation, staff, reference_data
):
    location = LocationFactory(organisation=draft_organisation, address="12 rue King")
    change_request = editing.record_submit_for_verification(
        user=draft_admin, record=draft_organisation
    )
    review = change_request_review(ChangeRequest.objects.get(pk=change_request.pk))
    assert [entry.label for entry in review.locations] == [str(location)]
    submit(draft_admin, location, address="1 chemin de l'Arnaque")

    with pytest.raises(editing.ChangeRequestChanged):
        editing.change_request_approve(
            change_request=change_request, reviewer=staff, seen=review.fingerprint
        )


def test_approval_without_the_fingerprint_of_the_review_changes_nothing(
    organisation_admin, organisation, staff
):
    submit(organisation_admin, organisation, mission=NEW_MISSION)

    with pytest.raises(editing.ChangeRequestChanged):
        editing.change_request_approve(
            change_request=ChangeRequest.objects.get(), reviewer=staff, seen=""
        )

    organisation.refresh_from_db()
    assert organisation.mission != NEW_MISSION


def test_withdrawing_a_request_leaves_the_record_unchanged(organisation_admin, organisation):
    submit(organisation_admin, organisation, mission=NEW_MISSION)

    editing.change_request_withdraw(
        change_request=ChangeRequest.objects.get(), user=organisation_admin
    )

    assert ChangeRequest.objects.get().status == ChangeRequest.Status.WITHDRAWN


def test_staff_edit_from_the_site_applies_at_once_and_verifies(staff, organisation):
    organisation.verified_at = None
    organisation.save()

    outcome = submit(staff, organisation, mission=NEW_MISSION)

    organisation.refresh_from_db()
    assert outcome.applied
    assert organisation.mission == NEW_MISSION
    assert organisation.verified_by == staff
    assert RecordHistory.objects.get().channel == RecordHistory.Channel.STAFF_SITE


# --- Permissions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    ["anonymous", "plain_member", "requested_admin", "admin_elsewhere"],
)
def test_only_active_admins_and_staff_may_edit(who, organisation):
    from django.contrib.auth.models import AnonymousUser

    if who == "anonymous":
        user = AnonymousUser()
    elif who == "plain_member":
        user = MembershipFactory(organisation=organisation, role="member").user
    elif who == "requested_admin":
        user = MembershipFactory(
            organisation=organisation, role="admin", state=Membership.State.REQUESTED
        ).user
    else:
        user = MembershipFactory(role="admin").user

    with pytest.raises(PermissionDenied):
        submit(user, organisation, mission=NEW_MISSION)
    assert not ChangeRequest.objects.exists()


def test_reviewing_is_for_staff_only(organisation_admin, organisation):
    change_request = ChangeRequestFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        approve(change_request=change_request, reviewer=organisation_admin)
    with pytest.raises(PermissionDenied):
        editing.change_request_send_back(
            change_request=change_request, reviewer=organisation_admin, comment="Non."
        )


def test_an_admin_of_another_organisation_cannot_withdraw(organisation):
    change_request = ChangeRequestFactory(organisation=organisation)
    outsider = MembershipFactory(role="admin").user

    with pytest.raises(PermissionDenied):
        editing.change_request_withdraw(change_request=change_request, user=outsider)


# --- E-mails -----------------------------------------------------------------------------


def test_validators_are_told_of_a_new_request_after_commit_in_their_language(
    organisation_admin, organisation, mailoutbox, django_capture_on_commit_callbacks, roles
):
    team = roles[access.DIRECTORY_TEAM.key]
    UserFactory(preferred_language="en", email="staff-en@example.org").groups.add(team)
    UserFactory(preferred_language="fr", email="staff-fr@example.org").groups.add(team)
    # Opening the admin is not validating: staff without the role are not told.
    UserFactory(is_staff=True, email="webmestre@example.org")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(organisation_admin, organisation, website="https://sanc.example.org")
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):  # each message is its own task
        for callback in callbacks:
            callback()

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {"staff-en@example.org", "staff-fr@example.org"}
    assert "Website" in by_recipient["staff-en@example.org"].body
    assert "Site Web" in by_recipient["staff-fr@example.org"].body
    review_url = reverse("directory_validation:review", args=[ChangeRequest.objects.get().pk])
    assert review_url in by_recipient["staff-fr@example.org"].body


def test_submitter_is_told_of_the_send_back_with_the_comment_in_their_language(
    organisation, staff, mailoutbox, django_capture_on_commit_callbacks
):
    submitter = MembershipFactory(
        organisation=organisation, role="admin", user__preferred_language="en"
    ).user
    submit(submitter, organisation, mission=NEW_MISSION)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        editing.change_request_send_back(
            change_request=ChangeRequest.objects.get(), reviewer=staff, comment="Précisez."
        )

    (message,) = mailoutbox
    assert message.to == [submitter.email]
    assert "Précisez." in message.body
    assert "/en/directory/manage/" in message.body


def test_submitter_is_told_of_the_approval(
    organisation_admin, organisation, staff, mailoutbox, django_capture_on_commit_callbacks
):
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        approve(change_request=ChangeRequest.objects.get(), reviewer=staff)

    (message,) = mailoutbox
    assert message.to == [organisation_admin.email]
    assert "/fr/directory/manage/" in message.body


def test_no_mail_leaves_when_the_edit_is_refused(
    organisation_admin, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(editing.InvalidEdit):
        submit(organisation_admin, organisation, email="pas-une-adresse", mission=NEW_MISSION)

    assert mailoutbox == []


# --- Site pages ----------------------------------------------------------------------------


def test_manage_page_shows_state_pending_requests_and_history(
    organisation_admin, organisation, client
):
    submit(organisation_admin, organisation, mission=NEW_MISSION)
    client.force_login(organisation_admin)

    response = client.get(reverse("directory:manage_organisation", args=[organisation.slug]))

    assert response.status_code == 200
    assert response.context["pending_requests"] == [ChangeRequest.objects.get()]


@pytest.mark.parametrize("who", ["plain_member", "admin_elsewhere"])
def test_manage_pages_are_forbidden_to_other_members(who, organisation, client):
    if who == "plain_member":
        user = MembershipFactory(organisation=organisation, role="member").user
    else:
        user = MembershipFactory(role="admin").user
    client.force_login(user)

    for name in ("manage_organisation", "manage_organisation_edit", "manage_services"):
        assert client.get(reverse(f"directory:{name}", args=[organisation.slug])).status_code == 403


def test_manage_page_sends_anonymous_visitors_to_sign_in(organisation, client):
    response = client.get(reverse("directory:manage_organisation", args=[organisation.slug]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_posting_an_edit_shows_sent_for_validation_with_the_diff(
    organisation_admin, organisation, client
):
    client.force_login(organisation_admin)
    url = reverse("directory:manage_organisation_edit", args=[organisation.slug])

    response = client.post(url, form_data(organisation, mission=NEW_MISSION), follow=True)

    change_request = ChangeRequest.objects.get()
    assert response.redirect_chain[-1][0] == change_request.get_manage_url()
    rows = response.context["rows"]
    assert [(row.name, row.before, row.after) for row in rows] == [
        ("mission", organisation.mission, NEW_MISSION)
    ]
    assert NEW_MISSION in response.content.decode()


def test_an_invalid_post_keeps_what_was_typed(organisation_admin, organisation, client):
    client.force_login(organisation_admin)
    url = reverse("directory:manage_organisation_edit", args=[organisation.slug])

    response = client.post(url, form_data(organisation, email="pas-une-adresse", mission="Texte"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="pas-une-adresse"' in html
    assert 'id="form-errors"' in html
    assert not ChangeRequest.objects.exists()


def test_error_messages_follow_the_page_language(organisation_admin, organisation, client):
    client.force_login(organisation_admin)
    data = form_data(organisation, name="")

    french = client.post(
        reverse("directory:manage_organisation_edit", args=[organisation.slug]), data
    )
    with_english = client.post(
        f"/en/directory/manage/{organisation.slug}/profile/", data, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert 'id="id_name_error"' in french.content.decode()
    assert "This field is required." not in french.content.decode()
    assert "This field is required." in with_english.content.decode()


def test_service_list_and_forms_render_for_an_admin(organisation_admin, organisation, client):
    service = ServiceFactory(organisation=organisation)
    location = LocationFactory(organisation=organisation)
    client.force_login(organisation_admin)
    slug = organisation.slug

    pages = [
        reverse("directory:manage_services", args=[slug]),
        reverse("directory:manage_service_create", args=[slug]),
        reverse("directory:manage_service_edit", args=[slug, service.slug]),
        reverse("directory:manage_service_archive", args=[slug, service.slug]),
        reverse("directory:manage_locations", args=[slug]),
        reverse("directory:manage_location_create", args=[slug]),
        reverse("directory:manage_location_edit", args=[slug, location.uuid]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_service_form_groups_categories_under_their_top_level(
    organisation_admin, organisation, client, reference_data
):
    client.force_login(organisation_admin)

    response = client.get(reverse("directory:manage_service_create", args=[organisation.slug]))

    groups = response.context["form"].category_groups()
    top_levels = ServiceCategory.objects.filter(parent__isnull=True)
    assert [legend for legend, _ in groups] == [c.label for c in top_levels]


def test_a_service_of_another_organisation_is_not_found(organisation_admin, organisation, client):
    other_service = ServiceFactory()
    client.force_login(organisation_admin)

    url = reverse("directory:manage_service_edit", args=[organisation.slug, other_service.slug])
    assert client.get(url).status_code == 404


def test_manage_page_queries_do_not_grow_with_the_history(
    organisation_admin, organisation, staff, client, reference_data
):
    client.force_login(organisation_admin)
    territories = list(Territory.objects.all()[:3])
    url = reverse("directory:manage_organisation", args=[organisation.slug])

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add_requests_and_history(numbers):
        for index in numbers:
            submit(organisation_admin, organisation, mission=f"{NEW_MISSION} ({index})")
            before = {**snapshot(organisation), "territories": []}
            organisation.territories.set(territories[: 1 + index % 3])
            editing.record_history_log_admin_edit(record=organisation, before=before, actor=staff)

    add_requests_and_history(range(2))
    small = count_queries()
    add_requests_and_history(range(2, 12))
    large = count_queries()

    assert large == small
