"""Fixtures of the forum's tests."""

import pytest

from directory.models import ServiceCategory, Territory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


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
    top = ServiceCategory.objects.filter(parent=None, children__isnull=False).first()
    sub = top.children.order_by("position").first()
    territories = list(Territory.objects.order_by("position")[:2])
    return {"top": top, "sub": sub, "territories": territories}
