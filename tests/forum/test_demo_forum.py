"""The demo forum: lived in, idempotent, and its private group stays private."""

import pytest

from django.test import Client
from django.urls import reverse

from cms.demo import demo_seed
from forum.models import Post, Reaction, Thread, ThreadEvent

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(Thread.objects.values_list("pk", "title", "post_count", "solution_id")),
        Post.objects.count(),
        Reaction.objects.count(),
        ThreadEvent.objects.count(),
    )


def test_the_demo_forum_is_seeded_once_and_keeps_its_private_group_private(reference_data):
    users = demo_seed()["users"]
    before = _snapshot()
    demo_seed()
    assert _snapshot() == before

    assert Thread.objects.filter(category__slug="accueil").count() >= 2
    for slug in ("francisation", "emploi", "logement", "regionalisation"):
        assert Thread.objects.filter(category__slug=slug).count() >= 2, slug
    assert Thread.objects.exclude(solution=None).exists()
    assert Reaction.objects.exists()
    assert Post.objects.values("author").distinct().count() >= 5

    private = Thread.objects.get(group__slug="comite-logement")
    url = reverse("forum:thread", args=[private.pk, private.slug])
    assert Client().get(url).status_code == 404  # the public
    outsider = Client()
    outsider.force_login(users["member"])  # a member, not in the working group
    assert outsider.get(url).status_code == 404
    assert (
        private.title
        not in outsider.get(reverse("forum:search"), {"q": "ordre du jour"}).content.decode()
    )
    insider = Client()
    insider.force_login(users["organisation admin"])
    assert insider.get(url).status_code == 200
