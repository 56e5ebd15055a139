"""Two admins edit one public record at the same time: nothing either of them wrote is lost.

A public record has one pending proposal at a time, and a newer one replaces
it. Before, two admins who opened the form before either sent it each sent
one field; the second proposal replaced the first, and the first admin's
change vanished without anyone being told. The form now says which proposal
it showed (``seen_proposal``), and a proposal sent meanwhile is merged, or,
when both changed the same field, the second admin is told and decides.
"""

import re

import pytest

from django.urls import reverse

from directory.editing import services as editing
from directory.models import ChangeRequest, Membership
from tests.directory.test_editing import form_data
from tests.factories import MembershipFactory, ServiceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("french_site")]

SCHEDULE = "Mardis et jeudis, 13 h à 16 h"
FEES = "Gratuit pour les résidents permanents"


@pytest.fixture
def service(organisation):
    return ServiceFactory(organisation=organisation, name="Cafés-rencontres", schedule="Lundis")


@pytest.fixture
def second_admin(organisation):
    user = UserFactory(display_name="Amina Diallo")
    MembershipFactory(
        organisation=organisation, user=user, role=Membership.Role.ADMIN, state="active"
    )
    return user


def send(user, service, *, seen, replace=None, **changes):
    """Post the service form as it was when opened (``seen``: the proposal it showed)."""
    return editing.change_request_submit(
        user=user,
        target=service,
        data=form_data(service, **changes),
        seen_proposal=seen,
        replace_proposal=replace,
    )


def test_two_admins_changing_different_fields_at_once_both_reach_staff(
    service, organisation_admin, second_admin
):
    # Both opened the form on the published values, before either sent it.
    send(organisation_admin, service, seen="", schedule=SCHEDULE)
    send(second_admin, service, seen="", fees=FEES)

    pending = ChangeRequest.objects.pending().get()
    assert pending.proposed == {"schedule": SCHEDULE, "fees": FEES}
    assert pending.submitted_by == second_admin
    first = ChangeRequest.objects.exclude(pk=pending.pk).get()
    assert first.status == ChangeRequest.Status.SUPERSEDED


def test_the_same_field_changed_by_both_is_refused_with_the_other_persons_name(
    service, organisation_admin, second_admin
):
    send(organisation_admin, service, seen="", schedule=SCHEDULE, fees=FEES)
    first = ChangeRequest.objects.get()

    with pytest.raises(editing.ProposalConflict) as refused:
        send(second_admin, service, seen="", schedule="Vendredis")

    [message] = refused.value.form.non_field_errors()
    assert "Amina" not in message  # the other person is named, not oneself
    assert organisation_admin.public_name in message
    assert "Horaire" in message or "horaire" in message.lower()
    assert refused.value.proposal == first
    first.refresh_from_db()
    assert first.status == ChangeRequest.Status.PENDING  # nothing changed
    assert ChangeRequest.objects.count() == 1


def test_sending_again_after_the_warning_overrides_only_the_fields_both_changed(
    service, organisation_admin, second_admin
):
    send(organisation_admin, service, seen="", schedule=SCHEDULE, fees=FEES)
    first = ChangeRequest.objects.get()

    send(second_admin, service, seen="", replace=str(first.uuid), schedule="Vendredis")

    pending = ChangeRequest.objects.pending().get()
    assert pending.proposed == {"schedule": "Vendredis", "fees": FEES}


def test_a_warning_about_one_proposal_does_not_override_a_newer_one(
    service, organisation_admin, second_admin
):
    send(organisation_admin, service, seen="", schedule=SCHEDULE)
    first = ChangeRequest.objects.get()
    # The first admin sends again (from the form showing their proposal) meanwhile.
    send(organisation_admin, service, seen=str(first.uuid), schedule="Samedis")

    with pytest.raises(editing.ProposalConflict):
        send(second_admin, service, seen="", replace=str(first.uuid), schedule="Vendredis")
    assert ChangeRequest.objects.pending().get().proposed == {"schedule": "Samedis"}


def test_a_form_opened_on_the_pending_proposal_still_replaces_it(service, organisation_admin):
    send(organisation_admin, service, seen="", schedule=SCHEDULE, fees=FEES)
    first = ChangeRequest.objects.get()

    # The form showed that proposal; the admin put the fees back as published.
    send(organisation_admin, service, seen=str(first.uuid), schedule=SCHEDULE)

    assert ChangeRequest.objects.pending().get().proposed == {"schedule": SCHEDULE}


def test_a_seen_proposal_that_is_not_a_uuid_counts_as_none(
    service, organisation_admin, second_admin
):
    send(organisation_admin, service, seen="", schedule=SCHEDULE)

    send(second_admin, service, seen="pas-un-uuid' OR 1=1", fees=FEES)

    assert ChangeRequest.objects.pending().get().proposed == {"schedule": SCHEDULE, "fees": FEES}


def test_the_page_carries_the_proposal_it_shows_and_the_warning_in_french(
    client, organisation, service, organisation_admin, second_admin
):
    url = reverse("directory:manage_service_edit", args=[organisation.slug, service.slug])
    client.force_login(second_admin)
    opened = client.get(url).content.decode()
    assert re.search(r'name="seen_proposal" value=""', opened)

    send(organisation_admin, service, seen="", schedule=SCHEDULE)
    first = ChangeRequest.objects.get()

    refused = client.post(url, {**form_data(service, schedule="Vendredis"), "seen_proposal": ""})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Pendant que vous modifiiez" in page
    assert f'name="replace_proposal" value="{first.uuid}"' in page
    assert "Vendredis" in page  # what was typed is still there

    sent = client.post(
        url,
        {
            **form_data(service, schedule="Vendredis"),
            "seen_proposal": "",
            "replace_proposal": str(first.uuid),
        },
    )
    assert sent.status_code == 302
    assert ChangeRequest.objects.pending().get().proposed == {"schedule": "Vendredis"}

    # Opening the form again shows the pending proposal and says so.
    reopened = client.get(url).content.decode()
    pending = ChangeRequest.objects.pending().get()
    assert f'name="seen_proposal" value="{pending.uuid}"' in reopened
