"""An organisation's admins manage its members on the site: roles, invitations; and every
member chooses which e-mail notices they receive."""

import re

import pytest
from allauth.account.models import EmailAddress

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory import access
from directory.members import admins, invitations, notices, services
from directory.models import ChangeRequest, Invitation, Membership, PublicationState
from directory.models.invitations import INVITATION_VALIDITY
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _members_url(organisation) -> str:
    return reverse("directory:organisation_members", args=[organisation.slug])


def _link_token(mail) -> str:
    return re.search(r"/invitations/([\w-]+)/", mail.body).group(1)


# --- Roles -------------------------------------------------------------------------------


def test_an_admin_makes_a_member_an_administrator(organisation, organisation_admin):
    colleague = MembershipFactory(organisation=organisation)

    response = _client(organisation_admin).post(
        reverse("directory:membership_role_change", args=[organisation.slug, colleague.pk]),
        {"role": "admin"},
    )

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.ADMIN
    assert colleague.user.has_perm(access.MANAGE_MEMBERS, organisation)


def test_the_last_administrator_cannot_lose_the_role(organisation, organisation_admin):
    own = Membership.objects.get(user=organisation_admin, organisation=organisation)

    with pytest.raises(ValidationError, match="dernier administrateur"):
        admins.membership_role_change(
            membership=own, role=Membership.Role.MEMBER, changed_by=organisation_admin
        )
    own.refresh_from_db()
    assert own.role == Membership.Role.ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(organisation, organisation_admin):
    MembershipFactory(organisation=organisation, role="admin")
    own = Membership.objects.get(user=organisation_admin, organisation=organisation)

    admins.membership_role_change(
        membership=own, role=Membership.Role.MEMBER, changed_by=organisation_admin
    )

    own.refresh_from_db()
    assert own.role == Membership.Role.MEMBER


def test_a_plain_member_and_another_organisations_admin_cannot_change_roles(organisation):
    colleague = MembershipFactory(organisation=organisation)
    for outsider in (
        MembershipFactory(organisation=organisation).user,
        MembershipFactory(role="admin").user,
    ):
        response = _client(outsider).post(
            reverse("directory:membership_role_change", args=[organisation.slug, colleague.pk]),
            {"role": "admin"},
        )
        assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.MEMBER


def test_a_role_cannot_be_given_to_a_pending_request(organisation, organisation_admin):
    request = MembershipFactory(organisation=organisation, state="requested")

    response = _client(organisation_admin).post(
        reverse("directory:membership_role_change", args=[organisation.slug, request.pk]),
        {"role": "admin"},
    )

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.role == Membership.Role.MEMBER


def test_an_unknown_role_is_refused_with_a_message(organisation, organisation_admin):
    colleague = MembershipFactory(organisation=organisation)

    response = _client(organisation_admin).post(
        reverse("directory:membership_role_change", args=[organisation.slug, colleague.pk]),
        {"role": "owner"},
        follow=True,
    )

    assert "Choisissez un rôle" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.MEMBER


# --- Invitations ---------------------------------------------------------------------------


def _invite(client, organisation, **fields):
    data = {
        "invite-email": "collegue@example.org",
        "invite-role": "member",
        "invite-language": "fr",
        "invite-message": "",
    }
    data.update({f"invite-{key}": value for key, value in fields.items()})
    return client.post(reverse("directory:invitation_create", args=[organisation.slug]), data)


def test_an_invitation_is_mailed_after_commit_in_the_chosen_language(
    organisation, organisation_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            _client(organisation_admin), organisation, language="en", message="Welcome aboard!"
        )

    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == ["collegue@example.org"]
    assert "Invitation to join" in mail.subject
    assert "Welcome aboard!" in mail.body
    assert "/en/directory/invitations/" in mail.body
    invitation = Invitation.objects.get()
    # Only a digest of the link's secret is stored.
    assert _link_token(mail) not in invitation.token_hash


def test_accepting_with_the_invited_address_makes_a_member(
    organisation, organisation_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(_client(organisation_admin), organisation, role="admin")
    token = _link_token(mailoutbox[0])
    colleague = UserFactory(email="collegue@example.org")

    response = _client(colleague).post(reverse("directory:invitation_accept", args=[token]))

    assert response.status_code == 302
    membership = Membership.objects.get(user=colleague, organisation=organisation)
    assert (membership.state, membership.role) == ("active", "admin")
    assert membership.decided_by == organisation_admin
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
    # The link works once.
    again = _client(colleague).get(reverse("directory:invitation_accept", args=[token]))
    assert again.status_code == 410


def test_a_forwarded_link_does_not_let_another_account_in(organisation, organisation_admin):
    invitation = invitations.invitation_create(
        organisation=organisation, email="collegue@example.org", invited_by=organisation_admin
    )
    token = invitation.new_token()
    invitation.save()
    stranger = UserFactory(email="quelquun@example.org")

    response = _client(stranger).post(reverse("directory:invitation_accept", args=[token]))

    assert response.status_code == 400
    assert "collegue@example.org" in response.content.decode()
    assert not Membership.objects.filter(user=stranger).exists()


def test_an_unverified_address_does_not_accept(organisation, organisation_admin):
    invitation = invitations.invitation_create(
        organisation=organisation, email="collegue@example.org", invited_by=organisation_admin
    )
    token = invitation.new_token()
    invitation.save()
    colleague = UserFactory(email="collegue@example.org")
    EmailAddress.objects.filter(user=colleague).update(verified=False)

    with pytest.raises(ValidationError):
        invitations.invitation_accept(token=token, user=colleague)


def test_a_visitor_is_offered_to_sign_in_or_sign_up_and_come_back(organisation, organisation_admin):
    invitation = invitations.invitation_create(
        organisation=organisation, email="collegue@example.org", invited_by=organisation_admin
    )
    token = invitation.new_token()
    invitation.save()
    url = reverse("directory:invitation_accept", args=[token])

    response = _client().get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert organisation.name in page.replace("&#x27;", "'")
    assert f"/fr/accounts/signup/?next={url}" in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_an_unpublished_organisation_can_invite(organisation_admin):
    draft = OrganisationFactory(state=PublicationState.DRAFT)
    MembershipFactory(user=organisation_admin, organisation=draft, role="admin")
    colleague = UserFactory(email="collegue@example.org")
    invitation = invitations.invitation_create(
        organisation=draft, email=colleague.email, invited_by=organisation_admin
    )
    token = invitation.new_token()
    invitation.save()

    membership = invitations.invitation_accept(token=token, user=colleague)

    assert membership.organisation == draft
    assert membership.state == Membership.State.ACTIVE


def test_inviting_again_renews_the_link_and_the_old_one_stops_working(
    organisation, organisation_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client = _client(organisation_admin)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            _invite(client, organisation)

    old, new = (_link_token(mail) for mail in mailoutbox)
    assert Invitation.objects.count() == 1
    colleague = UserFactory(email="collegue@example.org")
    with pytest.raises(ValidationError):
        invitations.invitation_accept(token=old, user=colleague)
    invitations.invitation_accept(token=new, user=colleague)


def test_a_withdrawn_invitation_no_longer_opens(organisation, organisation_admin):
    invitation = invitations.invitation_create(
        organisation=organisation, email="collegue@example.org", invited_by=organisation_admin
    )
    token = invitation.new_token()
    invitation.save()

    _client(organisation_admin).post(
        reverse("directory:invitation_revoke", args=[organisation.slug, invitation.pk])
    )

    assert _client().get(reverse("directory:invitation_accept", args=[token])).status_code == 410


def test_inviting_a_current_member_says_so_and_sends_nothing(
    organisation, organisation_admin, member, mailoutbox
):
    MembershipFactory(user=member, organisation=organisation)

    response = _invite(_client(organisation_admin), organisation, email=member.email.upper())

    assert response.status_code == 400
    assert "déjà membre" in response.content.decode()
    assert mailoutbox == []
    assert not Invitation.objects.exists()


def test_a_bad_address_keeps_what_was_typed(organisation, organisation_admin):
    response = _invite(
        _client(organisation_admin), organisation, email="pas une adresse", message="Salut"
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="pas une adresse"' in page
    assert "Salut" in page
    assert not Invitation.objects.exists()


def test_only_those_who_manage_members_may_invite(organisation, member):
    MembershipFactory(user=member, organisation=organisation)

    response = _invite(_client(member), organisation)

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    with pytest.raises(PermissionDenied):
        invitations.invitation_create(
            organisation=organisation, email="x@example.org", invited_by=member
        )


def test_an_organisation_sends_a_bounded_number_of_invitations_a_day(
    organisation, organisation_admin
):
    for number in range(invitations.DAILY_LIMIT):
        Invitation.objects.create(
            organisation=organisation,
            email=f"personne{number}@example.org",
            token_hash=f"{number:064d}",
            expires_at=timezone.now() + INVITATION_VALIDITY,
        )

    with pytest.raises(ValidationError, match="50"):
        invitations.invitation_create(
            organisation=organisation,
            email="une-de-plus@example.org",
            invited_by=organisation_admin,
        )


# --- Notices ---------------------------------------------------------------------------------


def test_a_member_turns_off_the_answers_to_their_requests(member, organisation, mailoutbox):
    client = _client(member)
    page = client.get(reverse("directory:my_account")).content.decode()
    # A member is offered the notices that concern them, not the validators'.
    assert "Réponses à mes demandes d’adhésion" in page
    assert "en attente de validation" not in page

    response = client.post(reverse("directory:notices_update"), {})

    assert response.status_code == 302
    member.refresh_from_db()
    assert notices.MEMBERSHIP_DECISIONS.key in member.notices_off
    membership = MembershipFactory(user=member, organisation=organisation, state="requested")
    admin = MembershipFactory(organisation=organisation, role="admin").user

    services.membership_accept(membership=membership, decided_by=admin)
    assert [mail for mail in mailoutbox if member.email in mail.to] == []


def test_validators_who_turned_off_change_notices_are_not_told(
    organisation, organisation_admin, roles, mailoutbox, django_capture_on_commit_callbacks
):
    from directory.editing import services as editing
    from tests.directory.test_editing import form_data

    team = roles[access.DIRECTORY_TEAM.key]
    keen = UserFactory(email="keen@example.org")
    quiet = UserFactory(email="quiet@example.org")
    for validator in (keen, quiet):
        validator.groups.add(team)
    services.member_notices_update(
        user=quiet,
        receive=[k.key for k in notices.kinds_for(quiet) if k != notices.CHANGES_TO_VALIDATE],
    )

    with django_capture_on_commit_callbacks(execute=True):
        editing.change_request_submit(
            user=organisation_admin,
            target=organisation,
            data=form_data(organisation, mission="Une mission à valider."),
        )

    assert ChangeRequest.objects.count() == 1
    assert {address for mail in mailoutbox for address in mail.to} == {"keen@example.org"}


def test_notices_not_offered_keep_their_setting(member):
    member.notices_off = [notices.CHANGES_TO_VALIDATE.key]
    member.save()

    services.member_notices_update(user=member, receive=[])

    member.refresh_from_db()
    assert notices.CHANGES_TO_VALIDATE.key in member.notices_off
    assert notices.MEMBERSHIP_DECISIONS.key in member.notices_off


def test_an_unknown_kind_of_notice_is_refused(member):
    with pytest.raises(ValidationError):
        services.member_notices_update(user=member, receive=["forum.everything"])
