"""Members who subscribe to the toolkit hear about each new version of a fiche, once."""

import pytest

from cms.models import FicheAnnouncement, ToolkitSubscription
from cms.toolkit.services import toolkit_subscription_create

from ..factories import UserFactory
from .conftest import translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(db):
    user = UserFactory(email="abonnee@example.org", preferred_language="fr")
    toolkit_subscription_create(user=user)
    return user


def _publish_version(fiche, version: str, note: str = "") -> None:
    fiche.version = version
    fiche.version_note = note
    fiche.save_revision().publish()


def test_publishing_a_new_version_emails_each_subscriber_in_their_language(
    fiche, subscriber, mailoutbox, django_capture_on_commit_callbacks
):
    english_reader = UserFactory(email="reader@example.org", preferred_language="en")
    toolkit_subscription_create(user=english_reader)
    translate(fiche, "en", title="First contact with a family", slug="first-contact")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _publish_version(fiche, "2.0", "Ajout des statuts d'immigration.")
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {"abonnee@example.org", "reader@example.org"}
    french = by_recipient["abonnee@example.org"]
    assert "Premier contact avec une famille" in french.subject
    assert "Ajout des statuts d'immigration." in french.body
    assert "/fr/trousse/accueillir/premier-contact/" in french.body
    english = by_recipient["reader@example.org"]
    assert "First contact with a family" in english.subject
    assert "/en/toolkit/welcoming/first-contact/" in english.body


def test_republishing_without_a_new_version_emails_nobody(
    fiche, subscriber, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _publish_version(fiche, "2.0", "Nouvelle section.")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fiche.summary = "Une coquille corrigée."
        fiche.save_revision().publish()
    assert mailoutbox == []


def test_publishing_the_translation_of_an_announced_version_emails_nobody(
    fiche, subscriber, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _publish_version(fiche, "2.0")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        translate(fiche, "en", title="First contact", slug="first-contact")
    assert mailoutbox == []
    assert FicheAnnouncement.objects.filter(translation_key=fiche.translation_key).count() == 2


def test_members_who_did_not_subscribe_receive_nothing(
    fiche, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _publish_version(fiche, "3.0")
    assert mailoutbox == []


def test_a_draft_of_a_new_version_emails_nobody(
    fiche, subscriber, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fiche.version = "4.0"
        fiche.save_revision()
    assert mailoutbox == []


def test_a_member_subscribes_and_unsubscribes_from_the_toolkit_page(client, member, toolkit):
    client.force_login(member)
    response = client.post("/fr/trousse/subscription/", {"action": "subscribe"})
    assert response.status_code == 302
    assert ToolkitSubscription.objects.filter(user=member).exists()
    client.post("/fr/trousse/subscription/", {"action": "subscribe"})
    assert ToolkitSubscription.objects.filter(user=member).count() == 1
    client.post("/fr/trousse/subscription/", {"action": "unsubscribe"})
    assert not ToolkitSubscription.objects.filter(user=member).exists()


def test_a_visitor_is_sent_to_sign_in_before_subscribing(client, toolkit):
    response = client.post("/fr/trousse/subscription/", {"action": "subscribe"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not ToolkitSubscription.objects.exists()
