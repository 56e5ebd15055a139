"""Account pages (allauth inside our site), My account, and the membership views."""

import html as html_lib
import re
import time
import uuid

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit

from django.test import Client
from django.urls import reverse
from django.utils import translation

from directory.models import Membership
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _unique_ip() -> str:
    """allauth's rate limits count per IP in the (shared, persistent) Redis cache."""
    raw = uuid.uuid4().bytes
    return f"10.{raw[0]}.{raw[1]}.{raw[2] or 1}"


@pytest.fixture
def visitor():
    """An anonymous browser with its own address, so no other test's attempts count."""
    return Client(REMOTE_ADDR=_unique_ip())


@pytest.fixture
def signed_in(member):
    client = Client(REMOTE_ADDR=_unique_ip())
    client.force_login(member)
    return client


def _client_for(user) -> Client:
    client = Client(REMOTE_ADDR=_unique_ip())
    client.force_login(user)
    return client


def _text(response) -> str:
    """The page as a person reads it: entities decoded (d&#x27;aide → d'aide)."""
    return html_lib.unescape(response.content.decode())


def _h1s(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    ]


# --- allauth pages inside our base.html, in both languages ------------------------------

ANONYMOUS_PAGES = [
    ("account_login", "Se connecter", "Sign in"),
    ("account_signup", "Créer un compte", "Create an account"),
    ("account_reset_password", "Réinitialiser votre mot de passe", "Reset your password"),
    ("account_reset_password_done", "Consultez vos courriels", "Check your e-mail"),
    ("account_email_verification_sent", "Consultez vos courriels", "Check your e-mail"),
    ("account_inactive", "Compte désactivé", "Account inactive"),
    (
        "account_reset_password_from_key_done",
        "Votre mot de passe a été changé",
        "Your password has been changed",
    ),
]


@pytest.mark.parametrize(("url_name", "french", "english"), ANONYMOUS_PAGES)
def test_account_pages_render_inside_the_site_in_both_languages(visitor, url_name, french, english):
    for language, heading, skip_link in (
        ("fr", french, "Aller au contenu principal"),
        ("en", english, "Skip to main content"),
    ):
        with translation.override(language):
            url = reverse(url_name)
        response = visitor.get(url)
        assert response.status_code == 200, url
        html = response.text
        assert f'<html lang="{language}"' in html
        assert skip_link in html  # our base.html, not allauth's bare layout
        assert 'class="account-page"' in html
        assert _h1s(html) == [heading]
        assert f"<title>{heading} · Continuum</title>" in re.sub(r"\s+", " ", html)


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_email", "Adresses courriel"),
        ("account_change_password", "Changer votre mot de passe"),
        ("account_logout", "Se déconnecter"),
    ],
)
def test_account_management_pages_render_inside_the_site(signed_in, url_name, heading):
    with translation.override("fr"):
        response = signed_in.get(reverse(url_name))
    assert response.status_code == 200
    assert "Aller au contenu principal" in _text(response)
    assert _h1s(response.text) == [heading]


def test_a_member_without_password_is_offered_to_set_one(member):
    member.set_unusable_password()
    member.save()
    client = _client_for(member)
    response = client.get("/fr/accounts/password/set/")
    assert response.status_code == 200
    assert _h1s(response.text) == ["Choisissez un mot de passe"]


def test_an_invalid_confirmation_link_says_so_and_offers_a_new_one(visitor):
    response = visitor.get("/fr/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "Ce lien de confirmation est expiré ou n'est pas valide." in _text(response)


def test_an_invalid_password_reset_link_says_so(visitor):
    response = visitor.get("/en/accounts/password/reset/key/1-not-a-token/", follow=True)
    assert response.status_code == 200
    assert _h1s(response.text) == ["This link no longer works"]


def test_login_page_links_to_password_reset_and_signup(visitor):
    html = visitor.get("/fr/accounts/login/").text
    assert '<a href="/fr/accounts/password/reset/">Mot de passe oublié?</a>' in html
    assert 'href="/fr/accounts/signup/"' in html
    assert "Créez un compte" in html


# --- Sign-up ---------------------------------------------------------------------------


def test_signup_with_errors_keeps_what_was_typed_and_explains_in_french(visitor):
    response = visitor.post(
        "/fr/accounts/signup/",
        {"display_name": "Nadia Benali", "email": "pas-une-adresse", "password1": "x"},
    )
    assert response.status_code == 200
    html = response.text
    assert 'value="Nadia Benali"' in html
    assert 'value="pas-une-adresse"' in html
    assert "Veuillez corriger ce qui suit" in html
    assert "Saisissez une adresse e-mail valide." in html  # Django's own French
    assert "Ce mot de passe est trop court." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_password2_error"' in html
    assert not Membership.objects.exists()


def test_signup_with_errors_explains_in_english_on_the_english_site(visitor):
    response = visitor.post("/en/accounts/signup/", {"display_name": "", "email": ""})
    assert "This field is required." in _text(response)
    assert "Champ requis." not in _text(response)


def test_signup_asks_the_name_first_and_sends_a_french_confirmation_email(
    visitor, mailoutbox, django_capture_on_commit_callbacks
):
    address = f"nadia-{uuid.uuid4().hex[:8]}@example.org"
    form = visitor.get("/fr/accounts/signup/").text
    assert form.index('name="display_name"') < form.index('name="email"')

    with django_capture_on_commit_callbacks(execute=True):  # e-mails leave after commit
        response = visitor.post(
            "/fr/accounts/signup/",
            {
                "display_name": "Nadia Benali",
                "email": address,
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/confirm-email/"
    [mail] = mailoutbox
    assert mail.to == [address]
    assert mail.subject == (
        "[Continuum] Confirmez votre adresse courriel pour terminer la création de votre compte"
    )
    assert "Bonjour Nadia Benali," in mail.body
    assert re.search(r"http://testserver/fr/accounts/confirm-email/\S+/", mail.body)
    user = UserFactory._meta.model.objects.get(email=address)
    assert (user.display_name, user.preferred_language) == ("Nadia Benali", "fr")


def test_signup_on_the_english_site_writes_in_english(
    visitor, mailoutbox, django_capture_on_commit_callbacks
):
    address = f"sam-{uuid.uuid4().hex[:8]}@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(
            "/en/accounts/signup/",
            {"display_name": "Sam", "email": address, "password1": PASSWORD, "password2": PASSWORD},
        )
    [mail] = mailoutbox
    assert mail.subject == (
        "[Continuum] Confirm your e-mail address to finish creating your account"
    )
    assert "/en/accounts/confirm-email/" in mail.body


def test_signing_up_again_with_a_known_address_says_so_by_email_only(
    visitor, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(
            "/fr/accounts/signup/",
            {
                "display_name": "Quelqu'un",
                "email": member.email,
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    # The page does not reveal that the address is taken; its owner is told by e-mail.
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/confirm-email/"
    [mail] = mailoutbox
    assert mail.subject == "[Continuum] Vous avez déjà un compte"
    assert "/fr/accounts/password/reset/" in mail.body


def test_password_reset_mail_is_in_the_members_language(
    visitor, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post("/fr/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.subject == "[Continuum] Reset your password"
    assert "/accounts/password/reset/key/" in mail.body


# --- Failed sign-ins: the rate limit ------------------------------------------------------


def _sign_in(client, email, password, language="fr", next_url=""):
    data = {"login": email, "password": password}
    url = f"/{language}/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


TOO_MANY_FR = (
    "Trop de tentatives de connexion ont échoué. Pour votre sécurité, la connexion est "
    "bloquée pendant quelques minutes, même avec le bon mot de passe."
)


def test_after_five_failed_sign_ins_even_the_right_password_is_refused_in_french(visitor):
    member = UserFactory(email=f"bloquee-{uuid.uuid4().hex[:8]}@example.org")
    for _attempt in range(5):
        response = _sign_in(visitor, member.email, "wrong password")
        assert response.status_code == 200
        assert TOO_MANY_FR not in _text(response)

    response = _sign_in(visitor, member.email, PASSWORD)

    assert response.status_code == 200
    assert TOO_MANY_FR in _text(response)
    assert 'role="alert"' in _text(response)
    assert "_auth_user_id" not in visitor.session


def test_the_block_lifts_once_the_window_has_passed(visitor, monkeypatch):
    member = UserFactory(email=f"patiente-{uuid.uuid4().hex[:8]}@example.org")
    for _attempt in range(6):
        _sign_in(visitor, member.email, "wrong password")

    # Five minutes and a second later, as allauth's clock sees it.
    later = time.time() + 5 * 60 + 1

    class Clock:
        monotonic = staticmethod(time.monotonic)
        sleep = staticmethod(time.sleep)

        @staticmethod
        def time():
            return later

    monkeypatch.setattr(allauth_ratelimit, "time", Clock)
    response = _sign_in(visitor, member.email, PASSWORD)
    assert response.status_code == 302
    assert visitor.session["_auth_user_id"] == str(member.pk)


def test_the_rate_limit_message_is_in_english_on_the_english_site(visitor):
    member = UserFactory(email=f"blocked-{uuid.uuid4().hex[:8]}@example.org")
    for _attempt in range(5):
        _sign_in(visitor, member.email, "wrong password", language="en")
    response = _sign_in(visitor, member.email, PASSWORD, language="en")
    assert "Too many failed sign-in attempts." in _text(response)
    assert "even with the right password" in _text(response)


def test_too_many_password_reset_requests_get_the_bilingual_429_page(visitor):
    address = f"inconnu-{uuid.uuid4().hex[:8]}@example.org"
    for _attempt in range(5):
        visitor.post("/fr/accounts/password/reset/", {"email": address})
    response = visitor.post("/fr/accounts/password/reset/", {"email": address})
    assert response.status_code == 429
    assert _h1s(response.text) == ["Trop de tentatives"]
    assert "Aller au contenu principal" in _text(response)


# --- The Wagtail admin signs in through allauth -----------------------------------------


def test_admin_login_redirects_to_the_sites_sign_in_keeping_next(visitor):
    response = visitor.get("/admin/login/?next=/admin/pages/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/?next=/admin/pages/"


def test_admin_asks_anonymous_visitors_to_sign_in_through_allauth(visitor):
    response = visitor.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=/admin/")


def test_credentials_posted_to_the_admin_login_do_not_sign_in(visitor, staff):
    response = visitor.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in visitor.session


def test_wagtails_own_password_reset_is_off(visitor):
    response = visitor.get("/admin/password_reset/", follow=True)
    assert response.status_code == 404
    assert "password_reset" not in response.get("Location", "")


def test_staff_signing_in_for_the_admin_is_rate_limited_too(visitor, staff):
    staff.email = f"staff-{uuid.uuid4().hex[:8]}@example.org"
    staff.save()
    staff.emailaddress_set.update(email=staff.email)
    for _attempt in range(5):
        _sign_in(visitor, staff.email, "wrong password", next_url="/admin/")
    response = _sign_in(visitor, staff.email, PASSWORD, next_url="/admin/")
    assert TOO_MANY_FR in _text(response)
    assert "_auth_user_id" not in visitor.session


def test_staff_signing_in_lands_on_the_admin(visitor, staff):
    response = _sign_in(visitor, staff.email, PASSWORD, next_url="/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# --- My account --------------------------------------------------------------------------


def test_my_account_asks_anonymous_visitors_to_sign_in(visitor):
    response = visitor.get("/fr/directory/account/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/?next=/fr/directory/account/"


def test_my_account_lists_memberships_with_their_state(signed_in, member):
    MembershipFactory(
        user=member, organisation=OrganisationFactory(name="Actif Estrie"), role="admin"
    )
    MembershipFactory(
        user=member, organisation=OrganisationFactory(name="Attente Magog"), state="requested"
    )
    MembershipFactory(
        user=member,
        organisation=OrganisationFactory(name="Refus Coaticook"),
        state="refused",
        decision_note="Réservé aux employés.",
    )
    html = signed_in.get("/fr/directory/account/").text
    rows = {
        name: re.search(rf"{name}.*?</tr>", html, re.S).group(0)
        for name in ("Actif Estrie", "Attente Magog", "Refus Coaticook")
    }
    assert "Administrateur·trice" in rows["Actif Estrie"]
    assert "Actif" in rows["Actif Estrie"] and "Quitter" in rows["Actif Estrie"]
    assert "En attente de réponse" in rows["Attente Magog"]
    assert "Retirer ma demande" in rows["Attente Magog"]
    assert "Refusée" in rows["Refus Coaticook"]
    assert "Réservé aux employés." in rows["Refus Coaticook"]


def test_join_form_offers_only_published_organisations_not_yet_joined(signed_in, member):
    joined = MembershipFactory(user=member).organisation
    open_ = OrganisationFactory(name="Ouvert Sherbrooke")
    draft = OrganisationFactory(name="Brouillon Granby", state="draft")
    html = signed_in.get("/fr/directory/account/").text
    options = re.search(r'<select name="join-organisation".*?</select>', html, re.S).group(0)
    assert f'value="{open_.slug}"' in options
    assert f'value="{joined.slug}"' not in options
    assert f'value="{draft.slug}"' not in options


def test_profile_form_saves_and_says_so(signed_in, member):
    response = signed_in.post(
        "/fr/directory/account/profile/",
        {
            "profile-display_name": "Ana R.",
            "profile-preferred_language": "en",
            "profile-job_title": "Conseillère",
            "profile-bio": "",
        },
        follow=True,
    )
    assert "Votre profil a été enregistré." in _text(response)
    member.refresh_from_db()
    assert (member.display_name, member.preferred_language) == ("Ana R.", "en")


# "Champ requis." is Wagtail admin's French for Django's "This field is required.":
# its catalogue comes first in INSTALLED_APPS, so it is what French members read.
@pytest.mark.parametrize(
    ("language", "required"),
    [("fr", "Champ requis."), ("en", "This field is required.")],
)
def test_profile_form_with_errors_keeps_the_input_and_explains_in_the_page_language(
    signed_in, member, language, required
):
    response = signed_in.post(
        f"/{language}/directory/account/profile/",
        {
            "profile-display_name": "",
            "profile-preferred_language": "fr",
            "profile-job_title": "Agente de liaison",
            "profile-bio": "Ce que j'ai tapé",
        },
    )
    assert response.status_code == 200
    assert required in _text(response)
    assert 'value="Agente de liaison"' in _text(response)
    assert "Ce que j'ai tapé" in _text(response)
    member.refresh_from_db()
    assert member.job_title == ""
    assert "Ana Rodríguez" in _text(response)  # the header still shows the saved name


def test_asking_to_join_through_the_page(signed_in, member, organisation):
    response = signed_in.post(
        "/fr/directory/account/memberships/",
        {"join-organisation": organisation.slug, "join-message": "Je coordonne l'accueil."},
        follow=True,
    )
    assert (
        f"Votre demande d'adhésion à {organisation.name} a été envoyée à son équipe "
        "d'administration." in _text(response)
    )
    membership = Membership.objects.get(user=member, organisation=organisation)
    assert (membership.state, membership.message) == ("requested", "Je coordonne l'accueil.")


def test_asking_twice_from_a_stale_page_gets_the_clear_error_and_keeps_the_message(
    signed_in, member, organisation
):
    MembershipFactory(user=member, organisation=organisation, state="requested")
    response = signed_in.post(
        "/fr/directory/account/memberships/",
        {"join-organisation": organisation.slug, "join-message": "Deuxième essai"},
    )
    assert response.status_code == 200
    assert f"Vous avez déjà demandé à vous joindre à {organisation.name}." in _text(response)
    assert "Deuxième essai" in _text(response)


def test_asking_without_choosing_an_organisation_keeps_the_message(signed_in):
    response = signed_in.post(
        "/en/directory/account/memberships/",
        {"join-organisation": "", "join-message": "Hello there"},
    )
    assert "This field is required." in _text(response)
    assert "Hello there" in _text(response)
    assert not Membership.objects.exists()


def test_an_unpublished_organisation_cannot_be_asked_through_the_page(signed_in, member):
    draft = OrganisationFactory(state="draft")
    response = signed_in.post(
        "/fr/directory/account/memberships/", {"join-organisation": draft.slug}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide." in _text(response)
    assert not Membership.objects.filter(user=member).exists()


# --- Answering requests ----------------------------------------------------------------


def _decide(client, membership, decision, note="", language="fr", **extra):
    return client.post(
        f"/{language}/directory/account/memberships/{membership.pk}/decide/",
        {
            f"decision-{membership.pk}-decision": decision,
            f"decision-{membership.pk}-note": note,
            **extra,
        },
    )


def test_admin_sees_pending_requests_without_the_members_address(
    organisation, organisation_admin, member
):
    member.job_title = "Intervenante"
    member.save()
    MembershipFactory(user=member, organisation=organisation, state="requested", message="Allô")
    html = _client_for(organisation_admin).get("/fr/directory/account/").text
    assert "Demandes en attente de votre réponse" in html
    assert "Ana Rodríguez demande à se joindre à" in html
    assert "Intervenante" in html and "Allô" in html
    assert member.email not in html
    assert reverse("directory:manage_organisation", args=[organisation.slug]) in html


def test_staff_see_every_pending_request_but_only_their_own_organisations(staff, member):
    elsewhere = OrganisationFactory(name="Loin de chez moi")
    MembershipFactory(user=member, organisation=elsewhere, state="requested")
    html = _text(_client_for(staff).get("/fr/directory/account/"))
    assert "Ana Rodríguez demande à se joindre à" in html
    assert "Loin de chez moi" in html
    assert "Organisations que vous administrez" not in html


def test_admin_accepts_a_request(organisation, organisation_admin, member):
    membership = MembershipFactory(user=member, organisation=organisation, state="requested")
    response = _decide(_client_for(organisation_admin), membership, "accept")
    assert response.status_code == 302
    assert response["Location"] == "/fr/directory/account/#requests"
    membership.refresh_from_db()
    assert membership.state == "active"
    assert membership.decided_by == organisation_admin


def test_admin_refuses_a_request_with_a_note(organisation, organisation_admin, member):
    membership = MembershipFactory(user=member, organisation=organisation, state="requested")
    _decide(_client_for(organisation_admin), membership, "refuse", note="Personnel seulement")
    membership.refresh_from_db()
    assert (membership.state, membership.decision_note) == ("refused", "Personnel seulement")


@pytest.mark.parametrize("who", ["plain member", "admin elsewhere", "requester"])
def test_non_admins_get_403_and_nothing_changes(who, organisation, member):
    membership = MembershipFactory(user=member, organisation=organisation, state="requested")
    if who == "plain member":
        user = MembershipFactory(organisation=organisation).user
    elif who == "admin elsewhere":
        user = MembershipFactory(role="admin").user
    else:
        user = member
    response = _decide(_client_for(user), membership, "accept")
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.state == "requested"


def test_a_too_long_note_keeps_the_text_and_explains(organisation, organisation_admin, member):
    membership = MembershipFactory(user=member, organisation=organisation, state="requested")
    note = "Trop long. " * 200
    response = _decide(_client_for(organisation_admin), membership, "refuse", note=note)
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 2000 caractères" in _text(response)
    assert "Trop long. Trop long." in _text(response)
    membership.refresh_from_db()
    assert membership.state == "requested"


def test_answering_twice_says_it_was_already_answered(organisation, organisation_admin, member):
    membership = MembershipFactory(user=member, organisation=organisation, state="refused")
    response = _decide(_client_for(organisation_admin), membership, "accept")
    assert response.status_code == 302
    page = _client_for(organisation_admin).get(response["Location"])
    assert page.status_code == 200
    membership.refresh_from_db()
    assert membership.state == "refused"


def test_deciding_from_the_members_page_returns_there(organisation, organisation_admin, member):
    membership = MembershipFactory(user=member, organisation=organisation, state="requested")
    members_url = f"/fr/directory/account/organisations/{organisation.slug}/members/"
    response = _decide(_client_for(organisation_admin), membership, "accept", next=members_url)
    assert response["Location"] == members_url


def test_deciding_never_redirects_off_site(organisation, organisation_admin, member):
    membership = MembershipFactory(user=member, organisation=organisation, state="requested")
    response = _decide(
        _client_for(organisation_admin), membership, "accept", next="https://evil.example/"
    )
    assert response["Location"] == "/fr/directory/account/#requests"


# --- Leaving ----------------------------------------------------------------------------


def test_leaving_asks_for_confirmation_then_leaves(signed_in, member, organisation):
    membership = MembershipFactory(user=member, organisation=organisation)
    url = f"/fr/directory/account/memberships/{membership.pk}/leave/"
    confirmation = signed_in.get(url)
    assert _h1s(confirmation.text) == ["Quitter une organisation"]
    membership.refresh_from_db()
    assert membership.state == "active"

    response = signed_in.post(url, follow=True)
    assert f"Vous avez quitté {organisation.name}." in _text(response)
    membership.refresh_from_db()
    assert membership.state == "left"


def test_the_last_admin_is_told_why_they_cannot_leave(organisation, organisation_admin):
    membership = Membership.objects.get(user=organisation_admin)
    response = _client_for(organisation_admin).post(
        f"/fr/directory/account/memberships/{membership.pk}/leave/"
    )
    assert response.status_code == 200
    assert f"Vous êtes la dernière personne à administrer {organisation.name}." in _text(response)
    membership.refresh_from_db()
    assert membership.state == "active"


def test_nobody_can_leave_on_someone_elses_behalf(signed_in, organisation):
    other = MembershipFactory(organisation=organisation)
    response = signed_in.post(f"/fr/directory/account/memberships/{other.pk}/leave/")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == "active"


# --- Organisation members page ------------------------------------------------------------


def test_admins_see_their_organisations_members_without_addresses(
    organisation, organisation_admin, member
):
    MembershipFactory(user=member, organisation=organisation)
    html = (
        _client_for(organisation_admin)
        .get(f"/fr/directory/account/organisations/{organisation.slug}/members/")
        .text
    )
    assert "Ana Rodríguez" in html
    assert member.email not in html
    assert organisation_admin.email not in html


def test_members_page_is_403_for_non_admins(signed_in, member, organisation):
    MembershipFactory(user=member, organisation=organisation)
    response = signed_in.get(f"/fr/directory/account/organisations/{organisation.slug}/members/")
    assert response.status_code == 403


def test_members_page_of_an_unpublished_organisation_is_404_for_outsiders(signed_in):
    draft = OrganisationFactory(state="draft")
    response = signed_in.get(f"/fr/directory/account/organisations/{draft.slug}/members/")
    assert response.status_code == 404


# --- Query counts ------------------------------------------------------------------------


def _populate(admin, organisation, size):
    for _ in range(size):
        MembershipFactory(user=admin, organisation=OrganisationFactory())
        MembershipFactory(organisation=organisation, state="requested")
        OrganisationFactory()


def test_my_account_query_count_does_not_grow_with_memberships_and_requests(
    organisation, organisation_admin, django_assert_num_queries
):
    client = _client_for(organisation_admin)
    _populate(organisation_admin, organisation, 1)
    # Session, user, the member's permissions (user's and groups', read once for
    # the page: may open the admin, may answer every request), whether they
    # administer an organisation (the notices they are offered), then the page's reads;
    # the profile form's areas of expertise and territories: chosen (2) and offered (2).
    # (The header's count of unread notifications comes from the cache: no query.)
    with django_assert_num_queries(14) as small:
        client.get("/fr/directory/account/")
    _populate(organisation_admin, organisation, 8)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/fr/directory/account/")
    assert response.text.count('class="card request"') == 9
