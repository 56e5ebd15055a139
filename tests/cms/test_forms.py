"""Form pages: a submission is kept, its notice e-mailed by a task, and staff export them."""

import csv
import io

import pytest

from cms.models import FormField, FormPage
from directory import access

from ..factories import UserFactory
from .conftest import publish_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(site):
    page = FormPage(
        title="Nous joindre",
        slug="nous-joindre",
        to_address="info@example.org, equipe@example.org",
        subject="Message du site",
    )
    page.form_fields = [
        FormField(label="Votre nom", field_type="singleline", required=True, sort_order=0),
        FormField(label="Courriel", field_type="email", required=True, sort_order=1),
        FormField(label="Message", field_type="multiline", required=True, sort_order=2),
    ]
    return publish_child(site, page)


def _send(client, **values):
    data = {"votre_nom": "Ana", "courriel": "ana@example.org", "message": "Bonjour"}
    return client.post("/fr/nous-joindre/", {**data, **values})


def test_a_submission_is_kept_and_each_address_gets_its_own_notice(
    client, contact, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, message="=1+1 Une question sur la trousse")
    assert response.status_code == 200
    assert contact.get_submission_class().objects.filter(page=contact).count() == 1
    assert sorted(message.to[0] for message in mailoutbox) == [
        "equipe@example.org",
        "info@example.org",
    ]
    assert all("Une question sur la trousse" in message.body for message in mailoutbox)


def test_an_invalid_submission_keeps_what_was_typed_and_saves_nothing(client, contact):
    response = _send(client, courriel="pas-une-adresse")
    assert response.status_code == 200
    assert 'value="Ana"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert contact.get_submission_class().objects.count() == 0


def test_editors_export_the_submissions_as_csv(client, contact, editorial, roles):
    _send(client, message='=HYPERLINK("http://evil")')
    editor = UserFactory(is_staff=True)
    editor.groups.add(roles[access.EDITORS.key])
    client.force_login(editor)
    response = client.get(f"/admin/forms/submissions/{contact.pk}/", {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][-3:] == ["Votre nom", "Courriel", "Message"]
    assert rows[1][-3] == "Ana"
    assert rows[1][-1] == '\'=HYPERLINK("http://evil")'


def test_members_without_a_cms_role_cannot_export(client, contact, member):
    client.force_login(member)
    response = client.get(f"/admin/forms/submissions/{contact.pk}/", {"export": "csv"})
    assert response.status_code in (302, 403)
