"""Attachments: the type comes from the bytes, the size is bounded, reading follows the post."""

import io

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forum.models import Attachment

from .factories import thread_started

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_an_image_and_a_pdf_are_attached_to_the_reply(
    client, forum_member, other_member, members_category
):
    thread = thread_started(members_category, other_member)
    client.force_login(forum_member)
    client.post(
        reverse("forum:reply", args=[thread.pk]),
        {
            "body": "Voici le plan et le guide.",
            "files": [
                SimpleUploadedFile("plan.png", _png(), content_type="text/plain"),
                SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n%...", content_type="image/png"),
            ],
        },
    )
    post = thread.posts.get(author=forum_member)
    types = dict(post.attachments.values_list("original_name", "content_type"))
    assert types == {"plan.png": "image/png", "guide.pdf": "application/pdf"}
    image = post.attachments.get(original_name="plan.png")
    assert client.get(reverse("forum:attachment", args=[image.pk])).status_code == 200
    client.logout()  # a visitor may not read the members' category, nor its files
    assert client.get(reverse("forum:attachment", args=[image.pk])).status_code == 404


@pytest.mark.parametrize(
    "name,data",
    [
        ("dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("faux.png", b"\x89PNG\r\n\x1a\nnot really an image"),
        ("programme.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
)
def test_a_file_whose_bytes_are_not_accepted_is_refused(
    client, forum_member, public_category, name, data
):
    thread = thread_started(public_category, forum_member)
    client.force_login(forum_member)
    response = client.post(
        reverse("forum:reply", args=[thread.pk]),
        {"body": "Avec un fichier", "files": [SimpleUploadedFile(name, data)]},
        follow=True,
    )
    assert not Attachment.objects.exists()
    assert thread.posts.count() == 1  # nothing posted; the text waits in the draft
    assert name in response.content.decode()


def test_a_file_over_the_limit_is_refused(client, settings, forum_member, public_category):
    settings.FORUM_ATTACHMENT_MAX_BYTES = 1000
    thread = thread_started(public_category, forum_member)
    client.force_login(forum_member)
    client.post(
        reverse("forum:reply", args=[thread.pk]),
        {"body": "Gros", "files": [SimpleUploadedFile("gros.pdf", b"%PDF-" + b"x" * 2000)]},
    )
    assert not Attachment.objects.exists()
