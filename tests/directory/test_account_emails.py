"""allauth's e-mails: the text and its links in one language.

The member's preferred language when the e-mail is about a known member,
else the language of the page the request came from. A French e-mail must
not send its reader to the English site, nor the reverse.
"""

import re
import uuid

import pytest

from django.test import Client, TestCase

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/(fr|en)/accounts/\S+)")
SUBJECTS = {
    "password_reset": {"fr": "Réinitialiser votre mot de passe", "en": "Reset your password"},
    "confirmation": {"fr": "Confirmez votre adresse", "en": "Confirm your e-mail address"},
    "already_exists": {"fr": "Vous avez déjà un compte", "en": "You already have an account"},
    "unknown": {"fr": "Aucun compte", "en": "No account with this e-mail address"},
}


def _visitor() -> Client:
    raw = uuid.uuid4().bytes
    return Client(REMOTE_ADDR=f"10.{raw[0]}.{raw[1]}.{raw[2] or 1}")


def _post(client: Client, path: str, data: dict):
    """POST as a browser would, then run what the request left for after its commit:
    e-mails are tasks enqueued once the transaction commits (``directory/mail.py``)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(path, data)


def _address() -> str:
    return f"courriel-{uuid.uuid4().hex[:8]}@example.org"


def _language_of(mail, kind: str) -> str:
    [language] = [code for code, subject in SUBJECTS[kind].items() if subject in mail.subject]
    return language


def _links(mail) -> list[tuple[str, str]]:
    links = LINK.findall(mail.body)
    assert links, mail.body
    return links


@pytest.mark.parametrize(("page", "member"), [("fr", "en"), ("en", "fr"), ("fr", "fr")])
def test_password_reset_text_and_link_follow_the_members_language(mailoutbox, page, member):
    user = UserFactory(email=_address(), preferred_language=member)
    _post(_visitor(), f"/{page}/accounts/password/reset/", {"email": user.email})
    [mail] = mailoutbox
    assert _language_of(mail, "password_reset") == member
    assert {language for _path, language in _links(mail)} == {member}


def test_the_password_reset_link_in_the_members_language_works(client, mailoutbox):
    user = UserFactory(email=_address(), preferred_language="en")
    _post(_visitor(), "/fr/accounts/password/reset/", {"email": user.email})
    [(path, _language)] = _links(mailoutbox[0])
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"].startswith("/en/accounts/password/reset/key/")
    assert 'name="password1"' in response.text


@pytest.mark.parametrize(("page", "member"), [("fr", "en"), ("en", "fr")])
def test_confirming_an_added_address_follows_the_members_language(mailoutbox, page, member):
    user = UserFactory(email=_address(), preferred_language=member)
    client = _visitor()
    client.force_login(user)
    response = _post(client, f"/{page}/accounts/email/", {"email": _address(), "action_add": ""})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert _language_of(mail, "confirmation") == member
    [(path, language)] = _links(mail)
    assert language == member
    assert path.startswith(f"/{member}/accounts/confirm-email/")


@pytest.mark.parametrize("page", ["fr", "en"])
def test_signing_up_confirms_in_the_language_of_the_sign_up_page(mailoutbox, page):
    _post(
        _visitor(),
        f"/{page}/accounts/signup/",
        {
            "display_name": "Nouvelle Personne",
            "email": _address(),
            "password1": "une phrase de passe assez longue",
            "password2": "une phrase de passe assez longue",
        },
    )
    [mail] = mailoutbox
    [(_path, language)] = _links(mail)
    assert language == page
    assert (page == "fr") == ("Bienvenue" in mail.body)


@pytest.mark.parametrize(("page", "member"), [("fr", "en"), ("en", "fr")])
def test_a_sign_up_with_a_known_address_warns_its_owner_in_their_language(mailoutbox, page, member):
    user = UserFactory(email=_address(), preferred_language=member)
    password = "une phrase de passe assez longue"
    _post(
        _visitor(),
        f"/{page}/accounts/signup/",
        {"display_name": "X", "email": user.email, "password1": password, "password2": password},
    )
    [mail] = mailoutbox
    assert _language_of(mail, "already_exists") == member
    assert {language for _path, language in _links(mail)} == {member}


@pytest.mark.parametrize("page", ["fr", "en"])
def test_without_a_known_member_the_page_language_is_used_for_both(mailoutbox, page):
    _post(_visitor(), f"/{page}/accounts/password/reset/", {"email": _address()})
    [mail] = mailoutbox
    assert _language_of(mail, "unknown") == page
    assert {language for _path, language in _links(mail)} == {page}
