"""Every forum page answers, for a member who takes part (a smoke test of the wiring)."""

import pytest

from django.urls import reverse

from forum.models import Post

from .factories import reply_posted

pytestmark = pytest.mark.django_db


def test_a_member_starts_a_thread_replies_and_reads_it(
    client, forum_member, other_member, public_category, site
):
    client.force_login(forum_member)
    response = client.post(
        reverse("forum:thread_new_in_category", args=[public_category.slug]),
        {"title": "Cours de français à Granby", "body": "Qui offre des cours **le soir**?"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    thread = public_category.threads.get()
    reply_posted(thread, other_member, "Le cégep, @marie-tremblay!")
    for url in [
        reverse("forum:index"),
        reverse("forum:category", args=[public_category.slug]),
        response["Location"],
        reverse("forum:search") + "?q=francais",
        reverse("forum:thread_unread", args=[thread.pk]),
    ]:
        page = client.get(url, follow=True)
        assert page.status_code == 200, url
    page = client.get(response["Location"])
    assert "<strong>le soir</strong>" in page.content.decode()
    assert Post.objects.filter(thread=thread).count() == 2
