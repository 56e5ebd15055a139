"""One-click unsubscribe (RFC 8058) of the platform's notices."""

import re

import pytest

from directory import mail as directory_mail
from forum.peers import services

pytestmark = pytest.mark.django_db

URL = re.compile(r"<(http://[^>]+)>")


def _ask(sender, peer, capture, subject="Une question"):
    with capture(execute=True):
        services.peer_question_send(sender=sender, recipient=peer, subject=subject, body="?")


def test_a_notice_carries_one_click_unsubscribe_headers_in_the_members_language(
    make_member, mailoutbox, django_capture_on_commit_callbacks
):
    peer = make_member(preferred_language="en")
    _ask(make_member(), peer, django_capture_on_commit_callbacks)
    [mail] = mailoutbox
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [url] = URL.findall(mail.extra_headers["List-Unsubscribe"])
    assert url.startswith("http://") and "/en/directory/unsubscribe/" in url
    assert url in mail.body


def test_a_one_click_post_without_signing_in_stops_that_kind_of_email(
    client, make_member, mailoutbox, django_capture_on_commit_callbacks
):
    sender, peer = make_member(), make_member()
    _ask(sender, peer, django_capture_on_commit_callbacks)
    [url] = URL.findall(mailoutbox[0].extra_headers["List-Unsubscribe"])
    path = url.removeprefix("http://testserver")
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    peer.refresh_from_db()
    assert "forum.question" in peer.notices_off
    _ask(sender, peer, django_capture_on_commit_callbacks, subject="Encore une")
    assert len(mailoutbox) == 1


def test_opening_the_link_only_asks_for_confirmation(
    client, make_member, mailoutbox, django_capture_on_commit_callbacks
):
    peer = make_member()
    _ask(make_member(), peer, django_capture_on_commit_callbacks)
    [url] = URL.findall(mailoutbox[0].extra_headers["List-Unsubscribe"])
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert "<form" in response.content.decode()
    peer.refresh_from_db()
    assert peer.notices_off == []


def test_a_forged_or_truncated_token_changes_nothing(client, make_member):
    peer = make_member()
    url = directory_mail.unsubscribe_url(peer, "forum.question")
    response = client.post(url.removeprefix("http://testserver")[:-3] + "xx/")
    assert response.status_code == 400
    peer.refresh_from_db()
    assert peer.notices_off == []


def test_an_unsubscribe_token_names_one_member_and_one_kind(make_member):
    peer = make_member()
    url = directory_mail.unsubscribe_url(peer, "forum.mention")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert directory_mail.unsubscribe_token_read(token) == (str(peer.uuid), "forum.mention")
