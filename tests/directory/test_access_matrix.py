"""Every role × every guarded action, with the expectation read from the access policy.

Each *action* is done the way a person does it (a page, a form post, the
admin, a service) and names the rights the policy requires for it. Each
*person* holds one role of the platform, or one relation to an
organisation, never superuser rights. The test asks the policy
(``user.has_perm``) what the person may do, does the action, and checks the
surface agreed. A surface that checks ``is_staff`` or re-implements a rule
disagrees with the policy for some person here.

The table is only useful if it discriminates: a second test checks that
every action is allowed to someone and refused to someone else.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from directory import access
from directory.editing import services as editing
from directory.editing.review import change_request_review
from directory.models import (
    ChangeRequest,
    Membership,
    Organisation,
    Partnership,
    PublicationState,
)
from tests.directory.test_editing import form_data
from tests.factories import (
    ChangeRequestFactory,
    LocationFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceFactory,
    UserFactory,
)

NEW_MISSION = "Une mission revue par la matrice des rôles."
PROPOSED_MISSION = "La mission que l'administratrice a proposée hier."

# --- The world every action happens in --------------------------------------------------------


@dataclass
class World:
    organisation: Organisation  # published; administered by "organisation admin"
    draft: Organisation  # a draft, administered by "organisation admin" too
    change_request: ChangeRequest  # pending, about organisation
    join_request: Membership  # pending, to organisation
    people: dict[str, object]


def _world(roles) -> World:
    organisation = OrganisationFactory(name="Service d'aide aux Néo-Canadiens", slug="sanc")
    LocationFactory(organisation=organisation)
    draft = OrganisationFactory(
        name="Comité d'accueil en brouillon", slug="brouillon", state=PublicationState.DRAFT
    )
    hidden_place = LocationFactory(organisation=draft, name="Local du comité")
    ServiceFactory(
        organisation=draft,
        name="Jumelage interculturel confidentiel",
        slug="jumelage-brouillon",
        state=PublicationState.DRAFT,
    ).locations.add(hidden_place)
    admin = MembershipFactory(organisation=organisation, role="admin").user
    MembershipFactory(user=admin, organisation=draft, role="admin")
    member = MembershipFactory(organisation=organisation).user
    other_admin = MembershipFactory(role="admin").user
    people = {
        "public": AnonymousUser(),
        "member (no organisation)": UserFactory(),
        "member of the organisation": member,
        "organisation admin": admin,
        "admin of another organisation": other_admin,
        "staff without a role": UserFactory(is_staff=True),
    }
    for role in access.ROLES:
        # Roles alone: not staff, so that what they open comes from the role.
        people[f"role {role.name}"] = UserFactory()
        people[f"role {role.name}"].groups.add(roles[role.key])
    return World(
        organisation=organisation,
        draft=draft,
        change_request=ChangeRequestFactory(
            organisation=organisation,
            submitted_by=admin,
            proposed={"mission": PROPOSED_MISSION},
            previous={"mission": organisation.mission},
        ),
        join_request=MembershipFactory(organisation=organisation, state="requested"),
        people=people,
    )


PEOPLE = (
    "public",
    "member (no organisation)",
    "member of the organisation",
    "organisation admin",
    "admin of another organisation",
    "staff without a role",
    *(f"role {role.name}" for role in access.ROLES),
)

# --- Actions, each with the rights the policy requires -------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    #: (permission, object) pairs, all required; the object is read from the world.
    rights: tuple[tuple[str, Callable[[World], object] | None], ...]
    #: Does the action as a person would; True when the surface let it through.
    attempt: Callable[[Client, object, World], bool]


def _client(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def _page_opens(client: Client, url: str) -> bool:
    response = client.get(url)
    # Refusals: 403, 404 (unpublished records do not exist for outsiders), or a
    # redirect (to sign in, or Wagtail's redirect to its dashboard with a message).
    return response.status_code == 200


def _organisation(world: World):
    return world.organisation


def _draft(world: World):
    return world.draft


def _draft_service(world: World):
    return world.draft.services.get()


def _change_request(world: World):
    return world.change_request


def _approve_in_admin(client, user, world) -> bool:
    url = reverse("directory_validation:review", args=[world.change_request.pk])
    # What the review page shows (for those it opens to), as its form would post it back.
    seen = change_request_review(world.change_request).fingerprint
    client.post(url, {"action": "approve", "seen": seen, "comment": ""})
    world.change_request.refresh_from_db()
    return world.change_request.status == ChangeRequest.Status.APPROVED


def _send_back_in_admin(client, user, world) -> bool:
    url = reverse("directory_validation:review", args=[world.change_request.pk])
    client.post(url, {"action": "send_back", "comment": "Précisez la mission, svp."})
    world.change_request.refresh_from_db()
    return world.change_request.status == ChangeRequest.Status.SENT_BACK


def _approve_through_the_service(client, user, world) -> bool:
    try:
        seen = change_request_review(world.change_request).fingerprint
        editing.change_request_approve(
            change_request=world.change_request, reviewer=user, seen=seen
        )
    except PermissionDenied:
        return False
    return True


def _edit_profile(client, user, world) -> bool:
    """The edit went through: applied at once, or a change request waits for validation."""
    organisation = world.organisation
    before = ChangeRequest.objects.count()
    client.post(
        reverse("directory:manage_organisation_edit", args=[organisation.slug]),
        form_data(organisation, mission=NEW_MISSION),
    )
    organisation.refresh_from_db()
    return organisation.mission == NEW_MISSION or ChangeRequest.objects.count() > before


def _edit_applies_at_once(client, user, world) -> bool:
    organisation = world.organisation
    client.post(
        reverse("directory:manage_organisation_edit", args=[organisation.slug]),
        form_data(organisation, mission=NEW_MISSION),
    )
    organisation.refresh_from_db()
    return organisation.mission == NEW_MISSION


def _accept_join_request(client, user, world) -> bool:
    membership = world.join_request
    client.post(
        reverse("directory:membership_decide", args=[membership.pk]),
        {f"decision-{membership.pk}-decision": "accept", f"decision-{membership.pk}-note": ""},
    )
    membership.refresh_from_db()
    return membership.state == Membership.State.ACTIVE


def _finds_draft_service(client, user, world) -> bool:
    response = client.get(reverse("directory:search"), {"q": "jumelage confidentiel"})
    return "Jumelage interculturel confidentiel" in response.content.decode()


def _map_shows_draft(client, user, world) -> bool:
    response = client.get(reverse("directory:map"))
    return "Local du comité" in response.content.decode()


def _archive_location(client, user, world) -> bool:
    """The archive went through: applied at once, or a request waits for validation."""
    location = world.organisation.locations.get()
    before = ChangeRequest.objects.count()
    client.post(
        reverse("directory:manage_location_archive", args=[world.organisation.slug, location.uuid])
    )
    location.refresh_from_db()
    return location.is_archived or ChangeRequest.objects.count() > before


def _archive_location_at_once(client, user, world) -> bool:
    location = world.organisation.locations.get()
    client.post(
        reverse("directory:manage_location_archive", args=[world.organisation.slug, location.uuid])
    )
    location.refresh_from_db()
    return location.is_archived


def _header_links_to_admin(client, user, world) -> bool:
    return 'href="/admin/"' in client.get(reverse("directory:search")).content.decode()


def _record_partnership(client, user, world) -> bool:
    client.post(
        reverse("directory:portrait_partnership"),
        {"organisation": world.organisation.pk, "partner": world.draft.pk, "kind": "referral"},
    )
    return Partnership.objects.filter(source=world.organisation, target=world.draft).exists()


ACTIONS = (
    Action(
        "open the Wagtail admin",
        ((access.ACCESS_ADMIN, None),),
        lambda client, user, world: _page_opens(client, "/admin/"),
    ),
    Action(
        "see the link to the admin in the site's header",
        ((access.ACCESS_ADMIN, None),),
        _header_links_to_admin,
    ),
    Action(
        "open the validation queue",
        ((access.ACCESS_ADMIN, None), (access.REVIEW_CHANGES, None)),
        lambda client, user, world: _page_opens(client, reverse("directory_validation:index")),
    ),
    Action(
        "open a change request's review",
        ((access.ACCESS_ADMIN, None), (access.REVIEW_CHANGES, _change_request)),
        lambda client, user, world: _page_opens(
            client, reverse("directory_validation:review", args=[world.change_request.pk])
        ),
    ),
    Action(
        "approve a change request in the admin",
        ((access.ACCESS_ADMIN, None), (access.REVIEW_CHANGES, _change_request)),
        _approve_in_admin,
    ),
    Action(
        "send a change request back in the admin",
        ((access.ACCESS_ADMIN, None), (access.REVIEW_CHANGES, _change_request)),
        _send_back_in_admin,
    ),
    Action(
        "approve a change request through the service",
        ((access.REVIEW_CHANGES, _change_request),),
        _approve_through_the_service,
    ),
    Action(
        "open the import page",
        ((access.ACCESS_ADMIN, None), (access.IMPORT_DIRECTORY, None)),
        lambda client, user, world: _page_opens(client, reverse("directory_import:index")),
    ),
    Action(
        "download the import template",
        ((access.ACCESS_ADMIN, None), (access.IMPORT_DIRECTORY, None)),
        lambda client, user, world: _page_opens(client, reverse("directory_import:template")),
    ),
    Action(
        "list organisations in the admin",
        ((access.ACCESS_ADMIN, None), ("directory.view_organisation", None)),
        lambda client, user, world: _page_opens(client, reverse("directory_organisations:index")),
    ),
    Action(
        "open an organisation's management page",
        ((access.EDIT_ORGANISATION, _organisation),),
        lambda client, user, world: _page_opens(
            client, reverse("directory:manage_organisation", args=[world.organisation.slug])
        ),
    ),
    Action(
        "edit a public organisation's profile",
        ((access.EDIT_ORGANISATION, _organisation),),
        _edit_profile,
    ),
    Action(
        "edit a public organisation's profile without validation",
        ((access.EDIT_ORGANISATION, _organisation), (access.PUBLISH_DIRECTLY, _organisation)),
        _edit_applies_at_once,
    ),
    Action(
        "archive a public organisation's location",
        ((access.EDIT_ORGANISATION, _organisation),),
        _archive_location,
    ),
    Action(
        "archive a public organisation's location without validation",
        ((access.EDIT_ORGANISATION, _organisation), (access.PUBLISH_DIRECTLY, _organisation)),
        _archive_location_at_once,
    ),
    Action(
        "see a draft organisation's page",
        ((access.READ_ORGANISATION, _draft),),
        lambda client, user, world: _page_opens(client, world.draft.get_absolute_url()),
    ),
    Action(
        "see a draft service's page",
        ((access.READ_SERVICE, _draft_service),),
        lambda client, user, world: _page_opens(
            client, reverse("directory:service_detail", args=["jumelage-brouillon"])
        ),
    ),
    Action(
        "find a draft service in the search",
        ((access.READ_SERVICE, _draft_service),),
        _finds_draft_service,
    ),
    Action(
        "see a draft organisation's location in the map's list",
        ((access.READ_ORGANISATION, _draft),),
        _map_shows_draft,
    ),
    Action(
        "accept a request to join the organisation",
        ((access.DECIDE_MEMBERSHIP, _organisation),),
        _accept_join_request,
    ),
    Action(
        "see the organisation's members",
        ((access.MANAGE_MEMBERS, _organisation),),
        lambda client, user, world: _page_opens(
            client, reverse("directory:organisation_members", args=[world.organisation.slug])
        ),
    ),
    Action(
        "open the portrait's needs (staff version)",
        ((access.VIEW_FULL_PORTRAIT, None),),
        lambda client, user, world: _page_opens(client, reverse("directory:portrait_needs")),
    ),
    Action(
        "record a partnership suggested by the portrait",
        ((access.CONNECT_ORGANISATIONS, None),),
        _record_partnership,
    ),
)


def _policy_allows(user, action: Action, world: World) -> bool:
    return all(user.has_perm(perm, obj(world) if obj else None) for perm, obj in action.rights)


@pytest.fixture
def world(roles, site, reference_data):
    return _world(roles)


def _refresh(world: World) -> None:
    for record in (world.organisation, world.draft, world.change_request, world.join_request):
        record.refresh_from_db()


@pytest.mark.parametrize("person", PEOPLE)
def test_every_surface_agrees_with_the_policy(world, person):
    """One person, every action; each action in a savepoint rolled back after it, so that
    the next starts from the same world."""
    user = world.people[person]
    disagreements = []
    for action in ACTIONS:
        with transaction.atomic():
            _refresh(world)
            expected = _policy_allows(user, action, world)
            with translation.override("fr"):
                done = action.attempt(_client(user), user, world)
            transaction.set_rollback(True)
        if done != expected:
            disagreements.append(
                f"{person} {'may' if expected else 'may not'} {action.name} according to "
                f"the policy, but the surface {'let it through' if done else 'refused'}."
            )
    assert disagreements == []


def test_every_action_is_allowed_to_someone_and_refused_to_someone(world):
    for action in ACTIONS:
        answers = {person: _policy_allows(world.people[person], action, world) for person in PEOPLE}
        assert any(answers.values()), f"nobody may {action.name}"
        assert not all(answers.values()), f"everybody may {action.name}"


def test_staff_without_the_validation_permission_is_refused_everywhere_validation_happens(world):
    """Opening the admin is not validating: is_staff alone is refused at every door."""
    staff = world.people["staff without a role"]
    assert staff.has_perm(access.ACCESS_ADMIN)
    client = _client(staff)
    assert not _page_opens(client, reverse("directory_validation:index"))
    assert not _page_opens(
        client, reverse("directory_validation:review", args=[world.change_request.pk])
    )
    assert not _approve_in_admin(client, staff, world)
    assert not _send_back_in_admin(client, staff, world)
    assert not _approve_through_the_service(client, staff, world)
    assert not _edit_applies_at_once(client, staff, world)
    assert world.change_request.status == ChangeRequest.Status.PENDING


def test_the_roles_are_wagtail_groups_with_the_policys_permissions(roles):
    for role in access.ROLES:
        group = Group.objects.get(name=role.name)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert set(role.permissions) <= granted
    team = UserFactory()
    team.groups.add(roles[access.DIRECTORY_TEAM.key])
    for perm in (
        access.VALIDATE_CHANGES,
        access.IMPORT_DIRECTORY,
        access.VIEW_UNPUBLISHED,
        access.EDIT_ANY_ORGANISATION,
        access.MANAGE_ANY_MEMBERSHIP,
        access.ACCESS_ADMIN,
    ):
        assert team.has_perm(perm)


def test_is_staff_opens_the_admin_and_nothing_else(db):
    staff = UserFactory(is_staff=True)
    assert staff.has_perm(access.ACCESS_ADMIN)
    assert not staff.has_perm(access.VALIDATE_CHANGES)
    assert not staff.has_perm(access.VIEW_UNPUBLISHED)


def test_roles_and_their_named_permissions_are_editable_in_the_wagtail_admin(roles, client):
    """Staff who manage groups see every named permission of the policy on a role's page."""
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="auth", codename__in=["change_group", "view_group"]
        )
    )
    client.force_login(manager)
    team = roles[access.DIRECTORY_TEAM.key]

    page = client.get(reverse("wagtailusers_groups:edit", args=[team.pk])).content.decode()

    for perm in (
        access.VALIDATE_CHANGES,
        access.IMPORT_DIRECTORY,
        access.VIEW_UNPUBLISHED,
        access.EDIT_ANY_ORGANISATION,
        access.MANAGE_ANY_MEMBERSHIP,
    ):
        app_label, codename = perm.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        assert f'value="{permission.pk}" checked' in page, perm
