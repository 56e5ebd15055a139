"""Staff keep the forum's categories in the Wagtail admin, under the access policy."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_moderators_role_manages_categories_in_the_admin(client, moderator, public_category):
    client.force_login(moderator)
    assert client.get("/admin/forum/categories/").status_code == 200
    response = client.post(
        "/admin/forum/categories/new/",
        {"name": "Santé", "slug": "sante", "position": 60, "public": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from forum.models import Category

    assert Category.objects.filter(slug="sante", public=True).exists()
    assert client.get("/admin/forum/moderation-log/").status_code == 200


def test_the_directory_team_does_not_manage_forum_categories(client, staff):
    client.force_login(staff)
    assert client.get("/admin/forum/categories/").status_code in (302, 403)
