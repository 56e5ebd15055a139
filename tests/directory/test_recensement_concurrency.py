"""Two tabs answering one private link at the same moment: real transactions on PostgreSQL.

Each worker pauses right after its first row lock (the organisation's, the
platform's lock order), so the two answers reach the database together
every time. Neither may silently overwrite the other.
"""

from __future__ import annotations

import pytest

from django.test import Client

from directory.models import CampaignAnswer, ChangeRequest
from tests.factories import OrganisationFactory, ServiceFactory

from .concurrency import Worker, run_together
from .recensement_helpers import answer_data, campaign_make, invitation_make, link

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_LOCK = r"FOR (NO KEY )?UPDATE"


@pytest.fixture
def setting(db):
    organisation = OrganisationFactory(name="Accueil Memphrémagog", slug="accueil-memphremagog")
    service = ServiceFactory(organisation=organisation, name="Accueil et orientation")
    invitation = invitation_make(campaign_make(), organisation)
    return invitation, service


def _post(url: str, data: dict):
    def send():
        return Client().post(url, data).status_code

    return send


def test_two_tabs_answering_at_once_keep_both_changes(setting):
    invitation, service = setting
    url = link(invitation)
    first = answer_data(invitation, **{f"s{service.pk}-description": "Accueil et jumelage."})
    second = answer_data(invitation, **{f"s{service.pk}-schedule": "Du lundi au jeudi"})
    workers = run_together(
        Worker(_post(url, first), pause_after=FIRST_LOCK),
        Worker(_post(url, second), pause_after=FIRST_LOCK),
    )
    assert sorted(worker.outcome() for worker in workers) == [302, 302]
    assert sorted(CampaignAnswer.objects.values_list("sequence", flat=True)) == [1, 2]
    pending = ChangeRequest.objects.pending().get()
    assert pending.proposed == {
        "description": "Accueil et jumelage.",
        "schedule": "Du lundi au jeudi",
    }


def test_two_tabs_changing_one_field_at_once_refuse_one_and_keep_the_other(setting):
    invitation, service = setting
    url = link(invitation)
    first = answer_data(invitation, **{f"s{service.pk}-description": "Version du premier onglet"})
    second = answer_data(invitation, **{f"s{service.pk}-description": "Version du second onglet"})
    workers = run_together(
        Worker(_post(url, first), pause_after=FIRST_LOCK),
        Worker(_post(url, second), pause_after=FIRST_LOCK),
    )
    assert sorted(worker.outcome() for worker in workers) == [302, 409]
    assert CampaignAnswer.objects.count() == 1
    kept = ChangeRequest.objects.pending().get().proposed["description"]
    assert kept in ("Version du premier onglet", "Version du second onglet")
