"""Fixtures shared by the directory's tests."""

import pytest

from django.utils import translation


@pytest.fixture
def french_site():
    """The test starts on the French site and leaves the active language as it found it
    (a request to /en/ activates English in the test's thread). Modules that need it
    say ``pytestmark = pytest.mark.usefixtures("french_site")``."""
    with translation.override("fr"):
        yield
