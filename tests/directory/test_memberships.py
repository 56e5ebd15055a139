"""Membership services: asking to join, answering, leaving, and the e-mails they send."""

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from directory.members import services
from directory.models import Membership, PublicationState
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual_organisation():
    return OrganisationFactory(
        name="Carrefour d'accueil de Sherbrooke", name_en="Sherbrooke Welcome Centre"
    )


def _admin(organisation, **user_fields):
    return MembershipFactory(
        organisation=organisation,
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
        user=UserFactory(**user_fields),
    ).user


def _request(user, organisation, **fields):
    return MembershipFactory(
        user=user, organisation=organisation, state=Membership.State.REQUESTED, **fields
    )


# --- Asking to join ----------------------------------------------------------------


def test_request_creates_a_pending_membership_with_the_message(member, organisation):
    membership = services.membership_request(
        user=member, organisation=organisation, message="  Je coordonne l'accueil.  "
    )
    membership.refresh_from_db()
    assert membership.state == Membership.State.REQUESTED
    assert membership.role == Membership.Role.MEMBER
    assert membership.message == "Je coordonne l'accueil."


def test_request_mails_each_admin_in_their_own_language_after_commit(
    member, bilingual_organisation, mailoutbox, django_capture_on_commit_callbacks
):
    french_admin = _admin(bilingual_organisation, preferred_language="fr")
    english_admin = _admin(bilingual_organisation, preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request(
            user=member, organisation=bilingual_organisation, message="Bonjour!"
        )

    by_recipient = {tuple(mail.to): mail for mail in mailoutbox}
    assert set(by_recipient) == {(french_admin.email,), (english_admin.email,)}
    french, english = by_recipient[(french_admin.email,)], by_recipient[(english_admin.email,)]
    assert french.subject == (
        "[Continuum] Nouvelle demande d'adhésion à Carrefour d'accueil de Sherbrooke"
    )
    assert "/fr/directory/account/" in french.body
    assert "Ana Rodríguez demande à se joindre à Carrefour d'accueil de Sherbrooke" in french.body
    assert english.subject == "[Continuum] New request to join Sherbrooke Welcome Centre"
    assert "/en/directory/account/" in english.body
    assert "Ana Rodríguez asks to join Sherbrooke Welcome Centre" in english.body
    assert "Bonjour!" in english.body


def test_request_mail_never_reveals_the_requesters_address(
    member, organisation, organisation_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request(user=member, organisation=organisation)
    assert len(mailoutbox) == 1
    assert member.email not in mailoutbox[0].body
    assert mailoutbox[0].to == [organisation_admin.email]


def test_request_mail_waits_for_the_commit(
    member, organisation, organisation_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.membership_request(user=member, organisation=organisation)
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_request_to_an_organisation_without_admin_is_mailed_to_staff(
    member, organisation, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request(user=member, organisation=organisation)
    assert [mail.to for mail in mailoutbox] == [[staff.email]]


def test_asking_twice_is_refused_with_a_clear_error(member, organisation):
    _request(member, organisation)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.membership_request(user=member, organisation=organisation)
    assert error.value.messages == [
        f"You have already asked to join {organisation.name}. "
        "Its administrators will answer you by e-mail."
    ]
    assert Membership.objects.filter(user=member).count() == 1


def test_asking_twice_is_refused_in_french_on_the_french_site(member, organisation):
    _request(member, organisation)
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.membership_request(user=member, organisation=organisation)
    assert error.value.messages == [
        f"Vous avez déjà demandé à vous joindre à {organisation.name}. "
        "Ses administrateurs et administratrices vous répondront par courriel."
    ]


def test_an_active_member_cannot_ask_again(member, organisation):
    MembershipFactory(user=member, organisation=organisation, state=Membership.State.ACTIVE)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.membership_request(user=member, organisation=organisation)
    assert error.value.messages == [f"You are already a member of {organisation.name}."]


def test_asking_again_after_a_refusal_reopens_the_same_membership(member, organisation, staff):
    refused = MembershipFactory(
        user=member,
        organisation=organisation,
        state=Membership.State.REFUSED,
        message="Première demande",
        decision_note="Nous ne vous connaissons pas.",
        decided_by=staff,
    )
    again = services.membership_request(
        user=member, organisation=organisation, message="Je travaille au CIUSSS."
    )
    assert again.pk == refused.pk
    refused.refresh_from_db()
    assert refused.state == Membership.State.REQUESTED
    assert refused.message == "Je travaille au CIUSSS."
    assert refused.decision_note == ""
    assert refused.decided_by is None
    assert refused.decided_at is None


def test_a_former_admin_who_asks_again_comes_back_as_a_plain_member(member, organisation):
    left = MembershipFactory(
        user=member,
        organisation=organisation,
        role=Membership.Role.ADMIN,
        state=Membership.State.LEFT,
    )
    services.membership_request(user=member, organisation=organisation)
    left.refresh_from_db()
    assert (left.state, left.role) == (Membership.State.REQUESTED, Membership.Role.MEMBER)


@pytest.mark.parametrize(
    "state", [PublicationState.DRAFT, PublicationState.PENDING, PublicationState.ARCHIVED]
)
def test_an_unpublished_organisation_cannot_be_asked(member, state):
    organisation = OrganisationFactory(state=state)
    with pytest.raises(ValidationError):
        services.membership_request(user=member, organisation=organisation)
    assert not Membership.objects.filter(user=member).exists()


# --- Answering -------------------------------------------------------------------------


def test_admin_accepts_and_the_member_is_told_in_their_language(
    bilingual_organisation, mailoutbox, django_capture_on_commit_callbacks
):
    admin = _admin(bilingual_organisation, preferred_language="fr")
    requester = UserFactory(display_name="Sam Lee", preferred_language="en")
    membership = _request(requester, bilingual_organisation)

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_accept(
            membership=membership, decided_by=admin, note="Bienvenue dans l'équipe."
        )

    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    assert membership.decided_by == admin
    assert membership.decided_at is not None
    assert membership.decision_note == "Bienvenue dans l'équipe."
    [mail] = mailoutbox
    assert mail.to == [requester.email]
    assert mail.subject == "[Continuum] You are now a member of Sherbrooke Welcome Centre"
    assert "Bienvenue dans l'équipe." in mail.body
    assert "/en/directory/account/" in mail.body
    assert admin.email not in mail.body


def test_admin_refuses_with_a_note_and_the_member_is_told_in_french(
    member, organisation, organisation_admin, mailoutbox, django_capture_on_commit_callbacks
):
    membership = _request(member, organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_refuse(
            membership=membership, decided_by=organisation_admin, note="Réservé au personnel."
        )
    membership.refresh_from_db()
    assert membership.state == Membership.State.REFUSED
    [mail] = mailoutbox
    assert mail.subject == f"[Continuum] Votre demande d'adhésion à {organisation.name}"
    assert "Réservé au personnel." in mail.body
    assert "/fr/directory/account/" in mail.body


def test_staff_may_answer_any_organisations_requests(member, organisation, staff):
    membership = _request(member, organisation)
    services.membership_accept(membership=membership, decided_by=staff)
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE


@pytest.mark.parametrize("who", ["plain member", "admin of another organisation", "requester"])
def test_only_the_organisations_admins_may_answer(
    who, member, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    membership = _request(member, organisation)
    if who == "plain member":
        decider = MembershipFactory(organisation=organisation).user
    elif who == "admin of another organisation":
        decider = _admin(OrganisationFactory())
    else:
        decider = member
    with django_capture_on_commit_callbacks(execute=True):
        for decide in (services.membership_accept, services.membership_refuse):
            with pytest.raises(PermissionDenied):
                decide(membership=membership, decided_by=decider)
    membership.refresh_from_db()
    assert membership.state == Membership.State.REQUESTED
    assert mailoutbox == []


def test_a_request_cannot_be_answered_twice(member, organisation, organisation_admin):
    membership = _request(member, organisation)
    services.membership_refuse(membership=membership, decided_by=organisation_admin)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.membership_accept(membership=membership, decided_by=organisation_admin)
    assert error.value.messages == ["This request has already been answered (Refused)."]
    membership.refresh_from_db()
    assert membership.state == Membership.State.REFUSED


# --- Leaving ---------------------------------------------------------------------------


def test_a_member_leaves_an_organisation(member, organisation):
    membership = MembershipFactory(user=member, organisation=organisation)
    services.membership_leave(membership=membership)
    membership.refresh_from_db()
    assert membership.state == Membership.State.LEFT


def test_a_member_withdraws_a_pending_request(member, organisation):
    membership = _request(member, organisation)
    services.membership_leave(membership=membership)
    membership.refresh_from_db()
    assert membership.state == Membership.State.LEFT


def test_the_last_admin_cannot_leave(organisation, organisation_admin):
    MembershipFactory(organisation=organisation)  # a plain member does not count
    membership = Membership.objects.get(user=organisation_admin)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.membership_leave(membership=membership)
    assert error.value.messages == [
        f"You are the last administrator of {organisation.name}. Make another member an "
        "administrator before you leave."
    ]
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE


def test_an_admin_may_leave_when_another_admin_remains(organisation, organisation_admin):
    _admin(organisation)
    membership = Membership.objects.get(user=organisation_admin)
    services.membership_leave(membership=membership)
    membership.refresh_from_db()
    assert membership.state == Membership.State.LEFT


def test_a_left_membership_cannot_be_left_again(member, organisation):
    membership = MembershipFactory(
        user=member, organisation=organisation, state=Membership.State.LEFT
    )
    with pytest.raises(ValidationError):
        services.membership_leave(membership=membership)


# --- Profile ---------------------------------------------------------------------------


def test_profile_update_saves_what_the_member_tells_others(member):
    services.member_profile_update(
        user=member,
        display_name="  Ana R.  ",
        preferred_language="en",
        job_title="Agente d'intégration",
        bio="J'accompagne les familles.",
    )
    member.refresh_from_db()
    assert member.display_name == "Ana R."
    assert member.preferred_language == "en"
    assert member.job_title == "Agente d'intégration"
    assert member.bio == "J'accompagne les familles."


def test_profile_update_refuses_an_unknown_language_and_changes_nothing(member):
    with pytest.raises(ValidationError):
        services.member_profile_update(user=member, display_name="X", preferred_language="es")
    member.refresh_from_db()
    assert (member.display_name, member.preferred_language) == ("Ana Rodríguez", "fr")
