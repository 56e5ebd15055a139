"""Fixtures shared by the directory's tests."""

import pytest

from django.utils import translation

from directory.models import PublicationState
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def french_site():
    """The test starts on the French site and leaves the active language as it found it
    (a request to /en/ activates English in the test's thread). Modules that need it
    say ``pytestmark = pytest.mark.usefixtures("french_site")``."""
    with translation.override("fr"):
        yield


@pytest.fixture
def draft_organisation(db):
    return OrganisationFactory(state=PublicationState.DRAFT, verified_at=None)


@pytest.fixture
def draft_admin(draft_organisation):
    return MembershipFactory(organisation=draft_organisation, role="admin").user
