"""Shared fixtures. Tests run against real PostgreSQL and Redis (see tests/run.sh)."""

import pytest

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import translation

from cms.site_setup import site_ensure
from directory import access
from directory.catalogue.reference import reference_data_load

from .factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _french_by_default():
    """Each test starts on the default language; a request to /en/ must not leak."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def reference_data(db):
    """Territories, taxonomy, client statuses and languages, as ``make run`` loads them."""
    return reference_data_load()


@pytest.fixture
def site(db):
    """The French and English home pages under the default Wagtail site."""
    return site_ensure()


@pytest.fixture
def member(db):
    return UserFactory(display_name="Ana Rodríguez")


@pytest.fixture
def roles(db):
    """The platform's roles (Wagtail groups), as the data migration creates them."""
    access.roles_ensure()
    return {role.key: Group.objects.get(name=role.name) for role in access.ROLES}


@pytest.fixture
def staff(roles):
    """A member of the directory team: may open the admin, validate, import. Not a superuser."""
    user = UserFactory(display_name="Élise Tremblay", is_staff=True)
    user.groups.add(roles[access.DIRECTORY_TEAM.key])
    return user


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Service d'aide aux Néo-Canadiens", acronym="SANC")


@pytest.fixture
def organisation_admin(db, organisation):
    membership = MembershipFactory(organisation=organisation, role="admin", state="active")
    return membership.user
