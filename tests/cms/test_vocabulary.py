"""Québec French words on every page: « courriel », never « e-mail », even in the words
allauth and Wagtail bring; a location's kind is its « type »."""

import re
from html import unescape
from pathlib import Path

import allauth
import polib
import pytest

from django.urls import reverse
from django.utils import translation

from cms import vocabulary

E_MAIL = re.compile(r"(?<!%\()\be-?mails?\b", re.IGNORECASE)  # not the %(email)s placeholder
# allauth's messages that our settings can show (login by e-mail only, no codes, no phone).
ALLAUTH_SHOWN = re.compile(
    r"^(account/(adapter|fields|forms|models)\.py|templates/account/messages/)"
)
NOT_OUR_LOGIN = re.compile(r"username|phone", re.IGNORECASE)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    attributes = " ".join(re.findall(r'(?:placeholder|aria-label|title)="([^"]*)"', html))
    return unescape(re.sub(r"<[^>]+>", " ", html) + " " + attributes)


@pytest.mark.parametrize("message", vocabulary.ALLAUTH_MESSAGES + vocabulary.WAGTAIL_MESSAGES)
def test_packages_messages_say_courriel_in_french(message):
    with translation.override("fr"):
        french = translation.gettext(message)
    assert not E_MAIL.search(french), french
    assert "courriel" in french.lower(), french


def test_every_allauth_message_that_says_e_mail_in_french_is_reworded():
    """Fails after an allauth upgrade that brings a new one: add it to cms/vocabulary.py."""
    catalogue = Path(allauth.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    missing = [
        entry.msgid
        for entry in polib.pofile(str(catalogue))
        if not entry.obsolete
        and E_MAIL.search(entry.msgstr)
        and any(ALLAUTH_SHOWN.match(path) for path, _ in entry.occurrences)
        and not NOT_OUR_LOGIN.search(entry.msgid)
        and entry.msgid not in vocabulary.ALLAUTH_MESSAGES
    ]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_say_courriel_in_french(client, site, url_name):
    with translation.override("fr"):
        url = reverse(url_name)
    text = _visible_text(client.get(url).text)
    assert "Courriel" in text
    assert not E_MAIL.search(text), E_MAIL.findall(text)


@pytest.mark.django_db
def test_a_wrong_password_is_told_in_québec_french(client, site, member):
    with translation.override("fr"):
        url = reverse("account_login")
    response = client.post(url, {"login": member.email, "password": "pas le bon"})
    text = _visible_text(response.text)
    assert "L'adresse courriel ou le mot de passe est incorrect." in text
    assert not E_MAIL.search(text)


@pytest.mark.django_db
def test_e_mail_addresses_page_says_courriel_in_french(client, site, member):
    client.force_login(member)
    with translation.override("fr"):
        url = reverse("account_email")
    text = _visible_text(client.get(url).text)
    assert not E_MAIL.search(text), E_MAIL.findall(text)


@pytest.mark.django_db
def test_location_kind_is_labelled_type_in_french(client, organisation, organisation_admin):
    client.force_login(organisation_admin)
    with translation.override("fr"):
        url = reverse("directory:manage_location_create", kwargs={"slug": organisation.slug})
    html = client.get(url).text
    assert re.search(r'<label for="id_kind">Type\b', html)
    assert "Genre" not in html
