"""Writes that stay correct under concurrency: real transactions on PostgreSQL, in threads.

Each test commits for real (``transactional_db``); the workers of
``tests/directory/concurrency.py`` pause inside their transactions so that
the interleaving that used to fail (a deadlock, a duplicate slug, a double
approval) happens every time.
"""

import time

import pytest

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from directory import data_version
from directory.data_version import data_version_bump, data_version_get
from directory.editing import services as editing
from directory.editing.review import change_request_review
from directory.importing import CSV, directory_import
from directory.members.services import membership_leave
from directory.models import (
    ChangeRequest,
    Membership,
    Organisation,
    PublicationState,
    RecordHistory,
    Service,
    ServiceCategory,
)
from directory.search import facet_index
from directory.search.facet_index import facet_index_current
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PhoneFactory,
    ServiceFactory,
    UserFactory,
)

from .concurrency import Worker, run_together, run_while_paused
from .test_editing import form_data
from .test_hsds_export import Package
from .test_import import csv_file

pytestmark = pytest.mark.django_db(transaction=True)

#: The first row lock a write takes (the organisation's, since the lock order was fixed).
FIRST_LOCK = r"FOR (NO KEY )?UPDATE"


def outcomes(workers) -> tuple[list, list[BaseException]]:
    values = [w.value for w in workers if w.error is None]
    return values, [w.error for w in workers if w.error is not None]


# --- Lock order ----------------------------------------------------------------------------


def test_two_validators_approving_one_request_at_once_apply_it_exactly_once(
    organisation, organisation_admin, staff
):
    other_validator = UserFactory(is_staff=True)
    other_validator.groups.set(staff.groups.all())
    editing.change_request_submit(
        user=organisation_admin,
        target=organisation,
        data=form_data(organisation, mission="Une mission revue."),
    )
    change_request = ChangeRequest.objects.get()
    seen = change_request_review(change_request).fingerprint

    workers = run_together(
        *(
            Worker(
                lambda reviewer=reviewer: editing.change_request_approve(
                    change_request=change_request, reviewer=reviewer, seen=seen
                ),
                pause_after=FIRST_LOCK,
            )
            for reviewer in (staff, other_validator)
        )
    )

    approved, errors = outcomes(workers)
    assert len(approved) == 1
    assert [(type(error), error.code) for error in errors] == [(ValidationError, "not_pending")]
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.APPROVED
    assert change_request.reviewed_by == approved[0].reviewed_by
    history = RecordHistory.objects.filter(change_request=change_request)
    assert history.count() == 1
    assert history.get().changes["mission"][1] == "Une mission revue."
    organisation.refresh_from_db()
    assert organisation.mission == "Une mission revue."


def test_approval_and_a_new_submission_at_once_neither_deadlock_nor_lose_the_newer_proposal(
    organisation, organisation_admin, staff
):
    editing.change_request_submit(
        user=organisation_admin,
        target=organisation,
        data=form_data(organisation, mission="Première version."),
    )
    first = ChangeRequest.objects.get()
    seen = change_request_review(first).fingerprint

    approval, submission = run_together(
        Worker(
            lambda: editing.change_request_approve(change_request=first, reviewer=staff, seen=seen),
            pause_after=FIRST_LOCK,
        ),
        Worker(
            lambda: editing.change_request_submit(
                user=organisation_admin,
                target=organisation,
                data=form_data(organisation, mission="Seconde version."),
            ),
            pause_after=FIRST_LOCK,
        ),
    )

    assert submission.error is None, submission.error
    first.refresh_from_db()
    if approval.error is None:  # approved first: the newer proposal waits for staff
        assert first.status == ChangeRequest.Status.APPROVED
        assert ChangeRequest.objects.pending().get().proposed == {"mission": "Seconde version."}
    else:  # superseded first: approval is refused with a clear error
        assert isinstance(approval.error, ValidationError)
        assert approval.error.code == "not_pending"
        assert first.status == ChangeRequest.Status.SUPERSEDED


def test_two_admins_leaving_at_once_leave_one_admin(organisation):
    first, second = (
        MembershipFactory(organisation=organisation, role="admin", state="active") for _ in range(2)
    )

    workers = run_together(
        Worker(lambda: membership_leave(membership=first), pause_after=FIRST_LOCK),
        Worker(lambda: membership_leave(membership=second), pause_after=FIRST_LOCK),
    )

    left, errors = outcomes(workers)
    assert len(left) == 1
    assert [type(error) for error in errors] == [ValidationError]
    admins = Membership.objects.filter(
        organisation=organisation, role="admin", state=Membership.State.ACTIVE
    )
    assert admins.count() == 1


def test_two_services_created_with_the_same_name_at_once_get_distinct_slugs():
    admins = [
        MembershipFactory(organisation=OrganisationFactory(), role="admin").user for _ in range(2)
    ]

    def create(user):
        service = Service(organisation=user.memberships.get().organisation)
        return editing.change_request_submit(
            user=user, target=service, data=form_data(service, name="Francisation")
        )

    workers = run_together(
        *(
            Worker(
                lambda user=user: create(user),
                # Both find the slug free before either inserts.
                pause_after=r'FROM "directory_service" WHERE "directory_service"."slug" =',
            )
            for user in admins
        )
    )

    assert [w.error for w in workers] == [None, None]
    assert sorted(Service.objects.values_list("slug", flat=True)) == [
        "francisation",
        "francisation-2",
    ]
    assert ChangeRequest.objects.filter(kind=ChangeRequest.Kind.CREATE).count() == 2


def test_an_import_during_an_admin_edit_neither_deadlocks_nor_loses_either(reference_data, staff):
    first = OrganisationFactory(name="Carrefour d'accueil", mission="Ancienne mission.")
    edited = OrganisationFactory(name="Comité d'entraide", website="https://avant.example.org")
    kept = ServiceFactory(organisation=first, name="Accueil", description="Stable.")
    changed = ServiceFactory(organisation=edited, name="Jumelage", description="Avant.")
    rows = [
        {
            "organisme": first.name,
            "mission": "Mission importée.",
            "site_web": first.website,
            "service": kept.name,
            "description": kept.description,
        },
        {
            "organisme": edited.name,
            "mission": edited.mission,
            "site_web": "https://importe.example.org",
            "service": changed.name,
            "description": "Importée.",
        },
    ]
    admin_data = form_data(edited, mission="Mission écrite par l'équipe.")

    importer, edit = run_while_paused(
        # Paused in the middle of its transaction, after it updated the first organisation
        # (and the documents of its services)...
        Worker(
            lambda: directory_import(
                content=csv_file(rows), file_format=CSV, honour_state=True, user=staff
            ),
            pause_after=r'UPDATE "?directory_service"? AS s',
        ),
        # ...while a validator edits the second one from the site.
        Worker(lambda: editing.change_request_submit(user=staff, target=edited, data=admin_data)),
    )

    report = importer.outcome()
    assert report.ok, report.errors
    assert edit.outcome().applied
    first.refresh_from_db()
    edited.refresh_from_db()
    changed.refresh_from_db()
    assert first.mission == "Mission importée."
    assert edited.website == "https://importe.example.org"  # the import's, kept by the edit
    assert edited.mission == "Mission écrite par l'équipe."
    assert changed.description == "Importée."


# --- The data version ----------------------------------------------------------------------


def test_the_data_version_moves_once_after_a_commit_however_many_writes(reference_data):
    before = data_version_get().committed
    with transaction.atomic():
        organisation = OrganisationFactory()
        ServiceFactory(organisation=organisation)
        PhoneFactory(organisation=organisation)
        inside = data_version_get()
        assert inside.committed == before
        assert not inside.shared

    after = data_version_get()
    assert after.committed == before + 1
    assert after.shared


def test_a_rolled_back_transaction_leaves_the_data_version_and_the_index_as_they_were(
    reference_data,
):
    ServiceFactory(name="Service publié")
    index = facet_index_current()
    before = data_version_get()

    with pytest.raises(RuntimeError), transaction.atomic():
        ServiceFactory(name="Service abandonné")
        assert len(facet_index_current().service_ids) == 2  # this transaction sees its write
        raise RuntimeError("rollback")

    assert data_version_get() == before
    assert facet_index_current() is index


def test_writes_undone_by_a_savepoint_rollback_do_not_move_the_data_version(reference_data):
    before = data_version_get().committed
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            OrganisationFactory()
            raise RuntimeError("rollback to the savepoint")
        assert data_version_get().shared  # nothing of this transaction stays

    assert data_version_get().committed == before


def test_a_committed_service_reaches_the_facet_index_of_every_thread_at_once(reference_data):
    facet_index_current()  # built before the write
    service = ServiceFactory(name="Nouveau service")

    reader = Worker(lambda: facet_index_current().service_ids)
    reader.start()

    assert reader.outcome() == [service.pk]


def _written_by_another_process(write) -> None:
    """A write of another process, as this one sees it: the rows change and the version
    moves, without this process's own bump (``write`` must send no signal)."""
    write()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{data_version.STORE}')")


def _next_index(previous, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while (index := facet_index_current()) is previous and time.monotonic() < deadline:
        time.sleep(0.02)
    return index


def test_after_another_processs_write_the_previous_index_answers_while_one_is_rebuilt(
    reference_data,
):
    service = ServiceFactory(name="Service déjà là")
    index = facet_index_current()
    _written_by_another_process(
        lambda: Service.objects.bulk_create(
            [Service(organisation=service.organisation, name="Service ajouté", slug="ajoute")]
        )
    )

    assert facet_index_current() is index  # answered at once, not after a rebuild
    rebuilt = _next_index(index)

    assert len(rebuilt.service_ids) == 2
    assert rebuilt.version.committed > index.version.committed


def test_an_index_answering_while_it_is_rebuilt_never_shows_a_record_hidden_meanwhile(
    reference_data, client, monkeypatch
):
    service = ServiceFactory(name="Atelier retiré")
    facet_index_current()
    monkeypatch.setattr(facet_index, "_rebuild_in_background", lambda: None)  # held back
    _written_by_another_process(
        lambda: Service.objects.filter(pk=service.pk).update(state=PublicationState.DRAFT)
    )

    page = client.get(reverse("directory:search"), {"q": "Atelier"}).content.decode()
    assert facet_index_current().service_ids == [service.pk]  # the stale index answered
    assert "Atelier retiré" not in page


def test_without_serving_while_rebuilding_every_reader_waits_for_the_new_index(
    reference_data, settings
):
    settings.DIRECTORY_INDEX_SERVE_WHILE_REBUILDING = False
    service = ServiceFactory(name="Service déjà là")
    index = facet_index_current()
    _written_by_another_process(
        lambda: Service.objects.bulk_create(
            [Service(organisation=service.organisation, name="Service ajouté", slug="ajoute")]
        )
    )

    assert len(facet_index_current().service_ids) == 2
    assert facet_index_current() is not index


# --- The export cache follows the data version ---------------------------------------------


def _table(client, name: str) -> str:
    """One CSV of the export archive as served now, as text."""
    response = client.get("/api/hsds/export.zip")
    assert response.status_code == 200
    package = Package(response.content)
    return package.zip.read(package.resources[name]["path"]).decode()


@pytest.fixture
def published_service(reference_data):
    category = ServiceCategory.objects.filter(parent__isnull=False).first()
    service = ServiceFactory(name="Jumelage interculturel")
    service.categories.set([category])
    return service


def test_the_export_follows_a_change_of_a_category_label(client, published_service):
    category = published_service.categories.get()
    assert category.label_fr in _table(client, "taxonomy_term")

    category.label_fr = "Jumelage et parrainage (nouveau libellé)"
    category.save()

    assert "Jumelage et parrainage (nouveau libellé)" in _table(client, "taxonomy_term")


def test_the_export_follows_a_new_phone(client, published_service):
    assert "819 555-0177" not in _table(client, "phone")

    PhoneFactory(organisation=published_service.organisation, number="819 555-0177")

    assert "819 555-0177" in _table(client, "phone")


def test_the_same_data_version_serves_the_export_from_the_cache(client, published_service):
    _table(client, "organization")
    # A write that sends no signal, and whose writer forgot to bump the data version:
    # the archive of the unchanged version is served from the cache.
    Organisation.objects.filter(pk=published_service.organisation_id).update(name="Renommé")
    assert "Renommé" not in _table(client, "organization")

    data_version_bump()
    assert "Renommé" in _table(client, "organization")
