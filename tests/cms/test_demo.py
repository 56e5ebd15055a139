"""`make run` loads reference data and the demo; a second run keeps the data."""

import pytest

from django.core.management import call_command

from directory.models import Membership, Organisation, PublicationState, Service


@pytest.mark.django_db
def test_seed_demo_twice_keeps_the_same_records(reference_data, capsys):
    call_command("seed_demo")
    counts = (Organisation.objects.count(), Service.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (
        Organisation.objects.count(),
        Service.objects.count(),
        Membership.objects.count(),
    ) == counts
    output = capsys.readouterr().out
    for email in (
        "editrice@demo.continuum.local",
        "admin-org@demo.continuum.local",
        "membre@demo.continuum.local",
    ):
        assert email in output


@pytest.mark.django_db
def test_demo_keeps_unverified_organisations_unpublished(reference_data):
    call_command("seed_demo")
    pending = Organisation.objects.filter(state=PublicationState.PENDING)
    assert pending.exists()
    assert all(not organisation.verified_at for organisation in pending)
    assert Organisation.objects.published().exists()
    assert not Service.objects.published().filter(organisation__in=pending).exists()
