"""The recensement's and the tournée's permissions against every kind of person.

member, organisation admin, staff without a role (``is_staff`` only),
Animation, Équipe du répertoire: only the last two run campaigns, read
visits and see needs, on every surface (admin pages, exports, menus,
the staff section of profiles).
"""

from __future__ import annotations

import pytest

from directory import access
from directory.models import Need
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .recensement_helpers import campaign_make, invitation_make

pytestmark = pytest.mark.django_db

PEOPLE = ["member", "organisation_admin", "staff_without_role", "animation", "directory_team"]
ALLOWED = {"animation", "directory_team"}


@pytest.fixture
def people(roles):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    animation = UserFactory(is_staff=False)
    animation.groups.add(roles[access.ANIMATION.key])
    team = UserFactory(is_staff=True)
    team.groups.add(roles[access.DIRECTORY_TEAM.key])
    return {
        "member": UserFactory(),
        "organisation_admin": admin,
        "staff_without_role": UserFactory(is_staff=True),
        "animation": animation,
        "directory_team": team,
        "organisation": organisation,
    }


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("perm", [access.MANAGE_CAMPAIGNS, access.MANAGE_VISITS, access.VIEW_NEEDS])
def test_the_permissions_belong_to_animation_and_the_directory_team(people, who, perm):
    assert people[who].has_perm(perm) is (who in ALLOWED)


@pytest.mark.parametrize("who", PEOPLE)
def test_the_admin_pages_and_exports_follow_the_permissions(client, people, who):
    campaign = campaign_make()
    invitation_make(campaign, people["organisation"])
    client.force_login(people[who])
    urls = [
        "/admin/recensement/",
        f"/admin/recensement/{campaign.pk}/",
        f"/admin/recensement/{campaign.pk}/answers.csv",
        f"/admin/recensement/{campaign.pk}/answers.xlsx",
        "/admin/recensement/documents/",
        "/admin/tournee/",
        "/admin/tournee/new/",
        "/admin/tournee/needs/",
    ]
    for url in urls:
        response = client.get(url)
        if who in ALLOWED:
            assert response.status_code == 200, url
        else:
            # No admin access: sent to the login page; admin access without the role:
            # Wagtail refuses with a redirect to the dashboard. Never the page.
            assert response.status_code in (302, 403), url


@pytest.mark.parametrize("who", PEOPLE)
def test_the_recensement_menu_is_shown_only_to_those_allowed(client, people, who):
    if not people[who].has_perm(access.ACCESS_ADMIN):
        return  # no admin at all
    client.force_login(people[who])
    content = client.get("/admin/").content.decode()
    assert ("/admin/recensement/" in content) is (who in ALLOWED)
    assert ("/admin/tournee/" in content) is (who in ALLOWED)


@pytest.mark.parametrize("who", PEOPLE)
def test_needs_are_read_only_by_those_allowed(people, who):
    Need.objects.create(
        organisation=people["organisation"],
        text="Logement pour familles nombreuses",
        source="staff",
    )
    assert Need.objects.visible_to(people[who]).exists() is (who in ALLOWED)


def test_the_animation_role_opens_the_admin_without_is_staff(people):
    assert not people["animation"].is_staff
    assert people["animation"].has_perm(access.ACCESS_ADMIN)
