"""Fixtures of the events' tests: an Animation member, a host organisation and its admin,
and ``event_make`` to create published events through the real service."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from django.utils import timezone

from directory import access as directory_access
from events import services
from events.models import EventKind, EventState
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

TORONTO = ZoneInfo("America/Toronto")


def local(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TORONTO)


@pytest.fixture
def animator(roles):
    """A member of the Animation role: manages every event. Not staff, not superuser."""
    user = UserFactory(display_name="Mireille Gagnon")
    user.groups.add(roles[directory_access.ANIMATION.key])
    return user


@pytest.fixture
def host(db):
    return OrganisationFactory(name="Actions interculturelles", slug="actions-interculturelles")


@pytest.fixture
def host_admin(host):
    return MembershipFactory(organisation=host, role="admin", state="active").user


@pytest.fixture
def community_member(db):
    """A member of the community: an active member of some organisation."""
    return MembershipFactory(role="member", state="active").user


@pytest.fixture
def event_make(animator, host):
    """Create an event through ``event_create`` (published unless told), hosted by ``host``."""

    def make(**fields):
        start = fields.pop("start", timezone.now() + timedelta(days=10))
        defaults = {
            "kind": EventKind.WORKSHOP,
            "title": "Atelier : accueillir en région",
            "start": start,
            "end": fields.pop("end", start + timedelta(hours=2)),
            "venue": "Salle 204",
            "address": "1, rue King Ouest",
            "municipality": "Sherbrooke",
        }
        defaults.update(fields)
        state = defaults.pop("state", EventState.PUBLISHED)
        organisations = defaults.pop("organisations", [host])
        return services.event_create(
            by=animator, organisations=organisations, state=state, **defaults
        )

    return make
