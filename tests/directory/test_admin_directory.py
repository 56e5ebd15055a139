"""Staff side in the Wagtail admin: the validation queue, reviews, and the directory viewsets."""

import re
from datetime import timedelta

import pytest

from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from directory.catalogue.admin import OrganisationViewSet
from directory.models import (
    ChangeRequest,
    Organisation,
    PublicationState,
    RecordHistory,
    ServiceCategory,
    Territory,
)
from tests.factories import (
    ChangeRequestFactory,
    LocationFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("french_site")


VALIDATION_URL = reverse("directory_validation:index")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def change_request(organisation, organisation_admin):
    return ChangeRequestFactory(
        organisation=organisation,
        submitted_by=organisation_admin,
        proposed={"mission": "Une mission toute neuve."},
        previous={"mission": organisation.mission},
    )


def seen_on(page) -> str:
    """The fingerprint the review page posts back with its approval."""
    return re.search(r'name="seen" value="([0-9a-f]+)"', page.content.decode()).group(1)


def review_url(change_request) -> str:
    return reverse("directory_validation:review", args=[change_request.pk])


# --- Validation queue --------------------------------------------------------------------


def test_validation_queue_lists_pending_requests_for_staff(staff_client, change_request):
    decided = ChangeRequestFactory(status=ChangeRequest.Status.APPROVED)

    response = staff_client.get(VALIDATION_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert review_url(change_request) in html
    assert review_url(decided) not in html


def test_validation_queue_filters_by_organisation_and_kind(staff_client, change_request):
    other = ChangeRequestFactory(kind=ChangeRequest.Kind.ARCHIVE)

    by_organisation = staff_client.get(
        VALIDATION_URL, {"organisation": change_request.organisation.pk}
    ).content.decode()
    by_kind = staff_client.get(VALIDATION_URL, {"kind": "archive"}).content.decode()

    assert review_url(change_request) in by_organisation
    assert review_url(other) not in by_organisation
    assert review_url(other) in by_kind
    assert review_url(change_request) not in by_kind


def test_validation_queue_filters_by_age(staff_client, change_request):
    old = ChangeRequestFactory()
    ChangeRequest.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=40))

    html = staff_client.get(VALIDATION_URL, {"age": "30"}).content.decode()

    assert review_url(old) in html
    assert review_url(change_request) not in html


def test_validation_results_fragment_renders(staff_client, change_request):
    response = staff_client.get(reverse("directory_validation:index_results"), {"kind": "update"})

    assert response.status_code == 200
    assert review_url(change_request) in response.content.decode()


def test_validation_views_refuse_admin_users_who_are_not_staff(client, change_request):
    editor = UserFactory()
    group = Group.objects.create(name="Rédaction du bulletin")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    client.force_login(editor)

    # Wagtail turns PermissionDenied into a redirect to the dashboard, with a message.
    for response in (
        client.get(VALIDATION_URL),
        client.get(review_url(change_request)),
        client.post(review_url(change_request), {"action": "approve"}),
    ):
        assert response.status_code in (302, 403)
        assert "Une mission toute neuve." not in response.content.decode()
    assert ChangeRequest.objects.get(pk=change_request.pk).is_pending


def test_validation_views_send_members_without_admin_access_away(client, change_request):
    client.force_login(MembershipFactory(role="admin").user)

    response = client.get(review_url(change_request))

    assert response.status_code in (302, 403)
    assert "Une mission toute neuve." not in response.content.decode()


# --- Review -------------------------------------------------------------------------------


def test_review_shows_the_old_and_the_new_values(staff_client, change_request, organisation):
    response = staff_client.get(review_url(change_request))

    html = response.content.decode()
    assert response.status_code == 200
    assert organisation.mission in html
    assert "Une mission toute neuve." in html


def test_review_shows_many_to_many_changes_with_their_labels(
    staff_client, organisation, organisation_admin, reference_data
):
    category = ServiceCategory.objects.get(code="ACC.ARRIVEE")
    service = ServiceFactory(organisation=organisation)
    change_request = ChangeRequestFactory(
        organisation=organisation,
        target_kind="service",
        service=service,
        proposed={"categories": ["ACC.ARRIVEE"]},
        previous={"categories": []},
    )

    html = staff_client.get(review_url(change_request)).content.decode()

    assert escape(category.label_fr) in html
    assert "ACC.ARRIVEE" not in html


def test_approving_in_the_admin_applies_the_request(staff_client, change_request, organisation):
    seen = seen_on(staff_client.get(review_url(change_request)))
    response = staff_client.post(
        review_url(change_request), {"action": "approve", "seen": seen, "comment": ""}
    )

    organisation.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == VALIDATION_URL
    assert organisation.mission == "Une mission toute neuve."
    assert ChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequest.Status.APPROVED


def test_a_review_post_without_a_known_action_changes_nothing(staff_client, change_request):
    response = staff_client.post(review_url(change_request), {"action": "publish"})

    assert response.status_code == 400
    assert ChangeRequest.objects.get(pk=change_request.pk).is_pending


def test_sending_back_in_the_admin_needs_a_comment(staff_client, change_request, organisation):
    without = staff_client.post(review_url(change_request), {"action": "send_back", "comment": ""})
    assert without.status_code == 400
    assert ChangeRequest.objects.get(pk=change_request.pk).is_pending

    staff_client.post(
        review_url(change_request), {"action": "send_back", "comment": "Précisez les horaires."}
    )

    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.SENT_BACK
    assert change_request.review_comment == "Précisez les horaires."
    organisation.refresh_from_db()
    assert organisation.mission != "Une mission toute neuve."


def test_review_warns_of_a_conflict_and_refuses_approval(
    staff_client, change_request, organisation
):
    Organisation.objects.filter(pk=organisation.pk).update(mission="Corrigée entre-temps.")

    page = staff_client.get(review_url(change_request))
    response = staff_client.post(
        review_url(change_request), {"action": "approve", "seen": seen_on(page)}
    )

    assert 'value="approve" class="button" disabled' in page.content.decode()
    assert response.status_code == 400
    organisation.refresh_from_db()
    assert organisation.mission == "Corrigée entre-temps."


# --- Directory viewsets ----------------------------------------------------------------------


def test_directory_menu_lists_the_validation_queue(staff_client):
    html = staff_client.get(reverse("wagtailadmin_home")).content.decode()

    assert VALIDATION_URL in html
    assert reverse("directory_organisations:index") in html


@pytest.mark.parametrize(
    "name",
    [
        "directory_organisations",
        "directory_services",
        "directory_locations",
        "directory_initiatives",
        "directory_partnerships",
        "directory_memberships",
        "directory_territories",
        "directory_categories",
        "directory_client_statuses",
    ],
)
def test_each_directory_viewset_lists_and_offers_a_form(staff_client, name, organisation):
    assert staff_client.get(reverse(f"{name}:index")).status_code == 200
    assert staff_client.get(reverse(f"{name}:add")).status_code == 200


def test_organisations_filter_by_state(staff_client):
    published = OrganisationFactory(name="Publié SA")
    draft = OrganisationFactory(name="Brouillon SA", state=PublicationState.DRAFT)

    html = staff_client.get(
        reverse("directory_organisations:index"), {"state": "draft"}
    ).content.decode()

    assert draft.name in html
    assert published.name not in html


def test_organisations_filter_stale_records(staff_client):
    fresh = OrganisationFactory(name="Vérifié récemment")
    stale = OrganisationFactory(name="Jamais vérifié", verified_at=None)
    old = OrganisationFactory(
        name="Vérifié il y a longtemps", verified_at=timezone.now() - timedelta(days=400)
    )

    html = staff_client.get(
        reverse("directory_organisations:index"), {"freshness": "stale"}
    ).content.decode()

    assert stale.name in html
    assert old.name in html
    assert fresh.name not in html


def test_organisations_filter_by_territory(staff_client, reference_data):
    sherbrooke = Territory.objects.get(code="sherbrooke")
    inside = OrganisationFactory(name="Organisme sherbrookois")
    inside.territories.add(sherbrooke)
    outside = OrganisationFactory(name="Organisme d'ailleurs")

    html = staff_client.get(
        reverse("directory_organisations:index"), {"territories": sherbrooke.pk}
    ).content.decode()

    assert inside.name in html
    assert outside.name not in html


def test_services_filter_by_top_level_category_includes_sub_categories(
    staff_client, reference_data
):
    top = ServiceCategory.objects.get(code="ACC")
    matching = ServiceFactory(name="Accueil à l'aéroport")
    matching.categories.add(ServiceCategory.objects.get(code="ACC.ARRIVEE"))
    other = ServiceFactory(name="Autre chose")

    html = staff_client.get(
        reverse("directory_services:index"), {"category": top.pk}
    ).content.decode()

    assert escape(matching.name) in html
    assert other.name not in html


def test_organisations_list_shows_state_verification_and_staleness_columns(staff_client):
    OrganisationFactory(verified_at=None)

    html = staff_client.get(reverse("directory_organisations:index")).content.decode()

    with translation.override("fr"):  # the staff member's (and the admin's) language
        headers = [
            str(capfirst(Organisation._meta.get_field("state").verbose_name)),
            gettext("Last verified"),
            gettext("Stale"),
        ]
    for header in headers:
        assert escape(header) in html
    assert "icon-check default" in html  # the stale record's tick


def test_admin_edit_of_an_organisation_is_logged_to_its_history(staff_client, staff, organisation):
    organisation.verified_at = None
    organisation.save()
    form = OrganisationViewSet().get_form_class()(instance=organisation, for_user=staff)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list) else value
    data["mission"] = "Mission corrigée par l'équipe."

    response = staff_client.post(
        reverse("directory_organisations:edit", args=[organisation.pk]), data
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = RecordHistory.objects.get(organisation=organisation)
    assert entry.channel == RecordHistory.Channel.ADMIN
    assert entry.actor == staff
    assert entry.changes["mission"] == [
        "Accueillir et accompagner les personnes immigrantes.",
        "Mission corrigée par l'équipe.",
    ]


def test_admin_edits_show_in_the_history_on_the_site(
    staff, organisation, organisation_admin, client
):
    from directory.editing.fields import snapshot
    from directory.editing.services import record_history_log_admin_edit

    before = snapshot(organisation)
    organisation.acronym = "SANC-E"
    organisation.save()
    record_history_log_admin_edit(record=organisation, before=before, actor=staff)
    client.force_login(organisation_admin)

    html = client.get(
        reverse("directory:manage_organisation", args=[organisation.slug])
    ).content.decode()

    assert "SANC-E" in html


def test_record_edit_and_inspect_pages_render(staff_client, organisation):
    service = ServiceFactory(organisation=organisation)
    location = LocationFactory(organisation=organisation)

    for name, record in (
        ("directory_organisations", organisation),
        ("directory_services", service),
        ("directory_locations", location),
    ):
        for view in ("edit", "inspect"):
            url = reverse(f"{name}:{view}", args=[record.pk])
            assert staff_client.get(url).status_code == 200, url
