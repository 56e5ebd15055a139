"""Forum fixtures: the people and spaces of the permission matrix."""

import pytest

from directory import access as directory_access
from forum.models import ForumGroup
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .factories import CategoryFactory, ForumGroupFactory, GroupMembershipFactory


@pytest.fixture
def forum_member(db, organisation):
    """A member of an organisation of the directory: reads members' spaces, posts."""
    return MembershipFactory(
        organisation=organisation, user=UserFactory(display_name="Marie Tremblay")
    ).user


@pytest.fixture
def other_member(db):
    organisation = OrganisationFactory(name="Ville de Granby", slug="ville-de-granby")
    return MembershipFactory(
        organisation=organisation, user=UserFactory(display_name="Jean Côté")
    ).user


@pytest.fixture
def signed_in_outsider(db):
    """Signed in, but a member of no organisation: reads what visitors read."""
    return UserFactory(display_name="Paul Inconnu")


@pytest.fixture
def moderator(roles, organisation):
    user = UserFactory(display_name="Sophie Modératrice")
    user.groups.add(roles[directory_access.MODERATORS.key])
    MembershipFactory(organisation=organisation, user=user)
    return user


@pytest.fixture
def public_category(db):
    return CategoryFactory(name="Accueil", slug="accueil", public=True)


@pytest.fixture
def members_category(db):
    return CategoryFactory(name="Logement", slug="logement", public=False)


@pytest.fixture
def open_group(db):
    return ForumGroupFactory(name="Agents municipaux", slug="agents-municipaux")


@pytest.fixture
def private_group(db):
    return ForumGroupFactory(
        name="Comité régionalisation", slug="comite", visibility=ForumGroup.Visibility.PRIVATE
    )


@pytest.fixture
def group_member(db, private_group, other_member):
    """An active member of the private group (and of an organisation)."""
    GroupMembershipFactory(group=private_group, user=other_member)
    return other_member
