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


# --- Members and peers, notifications, polls (branch issue9-notify) ----------------------


@pytest.fixture
def community(db):
    """A published organisation whose active members are members of the community."""
    return OrganisationFactory(name="Carrefour d'intégration de l'Estrie", acronym="CIE")


@pytest.fixture
def make_member(community):
    """A member of the community: an active membership in ``community`` (or another)."""

    def make(organisation=None, **fields):
        user = UserFactory(**fields)
        MembershipFactory(user=user, organisation=organisation or community, state="active")
        return user

    return make


@pytest.fixture
def areas(reference_data):
    """A top-level area of expertise, one of its sub-areas, and two territories."""
    from directory.models import ServiceCategory, Territory

    top = ServiceCategory.objects.filter(parent=None, children__isnull=False).first()
    sub = top.children.order_by("position").first()
    territories = list(Territory.objects.order_by("position")[:2])
    return {"top": top, "sub": sub, "territories": territories}
