"""`make run` loads reference data and the demo: hand-written, honest, and loaded once."""

import csv
import json
import re
from datetime import UTC, datetime

import pytest

from django.core.management import call_command
from django.utils import formats, timezone

from cms.demo import SERVICES_FILE, demo_seed
from directory.catalogue.reference import DATA_DIR
from directory.models import (
    Location,
    Membership,
    Organisation,
    Partnership,
    Phone,
    PublicationState,
    Service,
    ServiceStatus,
)

pytestmark = pytest.mark.django_db

#: What the former generator published: research notes, sources, cut phrases.
RESEARCH_NOTE = re.compile(r"non confirm|fondé en|vérifié|https?://|www\.|\.(ca|com|org)\b", re.I)
#: A text a person finished: its last word is whole, then a closing mark.
FINISHED_SENTENCE = re.compile(r"\w{2,}[.!?»)]$")
FINISHED_NAME = re.compile(r"(\w{2,}|\d|\))$")


def _reference_rows() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        return {row["nom"]: row for row in csv.DictReader(handle)}


def _slugs_by_reference() -> dict[str, str]:
    with SERVICES_FILE.open(encoding="utf-8") as handle:
        return {e["reference"]: e["slug"] for e in json.load(handle)["organisations"]}


def _snapshot():
    """Every demo record with the time it was last written."""
    return (
        sorted(Organisation.objects.values_list("pk", "updated_at")),
        sorted(Service.objects.values_list("pk", "updated_at")),
        Location.objects.count(),
        Phone.objects.count(),
        Partnership.objects.count(),
        sorted(Membership.objects.values_list("pk", "role", "state")),
    )


def test_seed_demo_twice_changes_nothing(reference_data, capsys):
    call_command("seed_demo")
    before = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == before
    output = capsys.readouterr().out
    assert "(0 services created this run)" in output
    for email in (
        "editrice@demo.continuum.local",
        "admin-org@demo.continuum.local",
        "membre@demo.continuum.local",
    ):
        assert email in output


def test_every_reference_organisation_has_one_to_five_described_services(reference_data):
    demo_seed()
    slugs = _slugs_by_reference()
    assert set(slugs) == set(_reference_rows())
    for reference, slug in slugs.items():
        organisation = Organisation.objects.get(slug=slug)
        services = list(organisation.services.all())
        assert 1 <= len(services) <= 5, reference
        for service in services:
            assert service.categories.exists(), service
            assert service.client_statuses.exists(), service
            assert service.territories.exists(), service
            assert service.languages.exists(), service
            assert service.locations.exists(), service


def test_no_service_publishes_a_research_note_or_a_cut_phrase(reference_data):
    demo_seed()
    for service in Service.objects.all():
        for text in (service.name, service.name_en, service.description, service.description_en):
            assert not RESEARCH_NOTE.search(text), text
        assert FINISHED_NAME.search(service.name), service.name
        assert FINISHED_SENTENCE.search(service.description), service.description
    for organisation in Organisation.objects.all():
        assert not RESEARCH_NOTE.search(organisation.mission), organisation.mission
        assert FINISHED_SENTENCE.search(organisation.mission), organisation.mission


def test_unverified_organisations_await_verification_out_of_public_view(reference_data):
    demo_seed()
    slugs = _slugs_by_reference()
    public = Organisation.objects.visible_to(None)
    public_services = Service.objects.visible_to(None)
    unverified = 0
    for reference, row in _reference_rows().items():
        organisation = Organisation.objects.get(slug=slugs[reference])
        if row["verification"].lower().startswith("vérifié"):
            assert organisation in public, reference
            assert organisation.verified_at is not None
        else:
            unverified += 1
            assert organisation.state == PublicationState.PENDING, reference
            assert organisation.verified_at is None
            assert organisation not in public
            assert not public_services.filter(organisation=organisation).exists()
    assert unverified


def test_demo_shows_an_english_version_a_closure_a_stale_record_and_a_pending_one(
    reference_data,
):
    demo_seed()
    public = Service.objects.published()
    assert public.exclude(name_en="").exclude(description_en="").exists()
    assert public.filter(status=ServiceStatus.TEMPORARILY_CLOSED).exists()
    assert any(o.is_stale for o in Organisation.objects.published())
    assert not all(o.is_stale for o in Organisation.objects.published())
    assert Organisation.objects.filter(state=PublicationState.PENDING).exists()


def test_demo_organisation_admin_administers_the_sanc(reference_data):
    users = demo_seed()["users"]
    membership = Membership.objects.get(user=users["organisation admin"])
    assert membership.organisation.acronym == "SANC"
    assert membership.is_admin


def test_demo_dates_are_local_days_late_in_the_evening(reference_data, client, monkeypatch):
    """At 22:30 in Sherbrooke it is already tomorrow in UTC: both dates stay on local days."""
    late_evening = datetime(2025, 11, 28, 3, 30, tzinfo=UTC)  # 27 November, 22:30 local
    monkeypatch.setattr(timezone, "now", lambda: late_evening)
    demo_seed()
    sanc = Organisation.objects.get(slug="sanc")
    assert timezone.is_aware(sanc.verified_at)
    assert timezone.localdate(sanc.verified_at).isoformat() == "2025-11-15"  # 12 days before
    for service in Service.objects.exclude(verified_at=None):
        assert service.assured_date == timezone.localdate(service.verified_at), service
    service = sanc.services.get(slug="sanc-liaison-sante")
    shown = formats.date_format(service.assured_date, "DATE_FORMAT")
    page = client.get(service.get_absolute_url()).content.decode()
    assert f"Dernière vérification le {shown}." in page
    assert f"Information confirmée auprès de l'organisme le {shown}." in page


def test_demo_rebuilds_organisations_the_former_generator_made(reference_data):
    row = _reference_rows()["Service d'aide aux Néo-Canadiens"]
    generated = Organisation.objects.create(
        name=row["nom"], slug="sanc-old", mission=row["services_confirmes"]
    )
    Service.objects.create(
        organisation=generated, slug="sanc-old-liaison", name="Liaison santé; banque d'interprè"
    )
    demo_seed()
    assert not Organisation.objects.filter(slug="sanc-old").exists()
    assert not Service.objects.filter(slug="sanc-old-liaison").exists()
    assert Organisation.objects.get(slug="sanc").mission != row["services_confirmes"]
