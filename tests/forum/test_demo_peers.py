"""The demo's members know things, vote on the next meeting's date, and are notified."""

import pytest

from django.test import Client

from cms.demo import demo_seed
from cms.demo_forum import POLL_THREAD
from forum.models import Notification, PeerQuestion, Poll, PollBallot, Watch

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        Poll.objects.count(),
        PollBallot.objects.count(),
        Watch.objects.count(),
        Notification.objects.count(),
        PeerQuestion.objects.count(),
    )


def test_the_demo_has_experts_a_meeting_poll_watches_and_notifications_once(reference_data):
    users = demo_seed()["users"]
    before = _snapshot()
    demo_seed()
    assert _snapshot() == before

    [dates, _topics] = Poll.objects.filter(thread__title=POLL_THREAD).order_by("pk")
    assert dates.options.count() == 4 and dates.ballots.count() == 2
    assert Notification.objects.filter(kind="mention").exists()
    assert PeerQuestion.objects.exists()
    client = Client()
    client.force_login(users["member"])
    page = client.get("/fr/forum/members/", {"expertise": "EMP"}).content.decode()
    assert "Fatou Diallo" in page
    welcome = client.get("/fr/forum/welcome/").content.decode()
    assert "Présentez-vous ici" in welcome
