"""The access policy of the platform: who may read and do what, in one vocabulary.

Every check anywhere (views, selectors, services, templates, Wagtail views
and menus, API, feeds, sockets, e-mails) is ``user.has_perm(perm)`` or
``user.has_perm(perm, obj)``. Two kinds of rights answer it:

- **Named permissions** (``Meta.permissions`` on the models), granted to
  *roles*: Wagtail groups that staff edit in the admin (Paramètres →
  Groupes). They say what a person may do across the platform: validate the
  directory's changes, import, see unpublished records, moderate the
  forum... Django's ``ModelBackend`` answers them from the groups.
- **Object rules**: ``rules`` predicates on the directory's primitives
  (administrator of *this* organisation, member of it), combined with the
  named permissions. ``rules``' ``ObjectPermissionBackend`` answers them.

``is_staff`` only opens the Wagtail admin (``wagtailadmin.access_admin``);
it decides nothing else. Superusers pass every check, as in Django: the
tests of the policy never use them.

This module holds the shared primitives and the directory's own rules.
Every other app declares its rules in its own ``access.py`` on these
primitives (``forum/access.py``: member of *this* group...), imported from
its ``AppConfig.ready()``, so that the one-way import direction holds.
Roles get an app's permissions through that app's data migration, with
:func:`role_grant`.

The visibility rule of directory records (published, or the reader
administers the organisation, or may see unpublished records) is written
once, as ``Organisation.objects.visible_to(user)`` and
``Service.objects.visible_to(user)``; the object rules below ask those
querysets, so pages, search, facets, map data, API, exports, feeds and
sockets cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules

from django.contrib.auth.management import create_permissions
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- Named permissions (declared in the models' Meta.permissions) ----------------------

#: See records that are not published (drafts, awaiting verification, archived).
VIEW_UNPUBLISHED = "directory.view_unpublished_records"
#: Edit any organisation's profile, services and locations as its admins can
#: (edits to public records still go to validation unless VALIDATE_CHANGES too).
EDIT_ANY_ORGANISATION = "directory.edit_any_organisation"
#: Approve or send back change requests; edits apply at once and verify the record.
VALIDATE_CHANGES = "directory.validate_changes"
#: Import the recensement's files (CSV, XLSX, HSDS JSON).
IMPORT_DIRECTORY = "directory.import_directory"
#: Answer the join requests of every organisation, and manage any organisation's members.
MANAGE_ANY_MEMBERSHIP = "directory.manage_any_membership"
#: See the background tasks (queued, running, failed, with their errors) in the admin.
VIEW_BACKGROUND_TASKS = "directory.view_background_tasks"
#: Open the Wagtail admin: granted by ``is_staff`` (rule below) or by a role.
ACCESS_ADMIN = "wagtailadmin.access_admin"

# --- Object rules (checked with user.has_perm(name, obj)) ------------------------------
# Names never reuse Django's add/change/delete/view model permissions, which
# the admin checks without an object.

#: obj: Organisation. See its page (published, or the reader administers it, or
#: may see unpublished records).
READ_ORGANISATION = "directory.read_organisation"
#: obj: Service.
READ_SERVICE = "directory.read_service"
#: obj: Organisation. Edit its profile, services and locations (through
#: validation while the record is public, unless PUBLISH_DIRECTLY).
EDIT_ORGANISATION = "directory.edit_organisation"
#: obj: Organisation (or None). Edits apply at once and mark the record verified.
PUBLISH_DIRECTLY = "directory.publish_directly"
#: obj: Organisation. Accept or refuse its join requests.
DECIDE_MEMBERSHIP = "directory.decide_membership"
#: obj: Organisation. Promote, demote and invite its members.
MANAGE_MEMBERS = "directory.manage_members"
#: obj: ChangeRequest (or None). Open the validation queue, approve, send back.
REVIEW_CHANGES = "directory.review_changes"


# --- Primitives ----------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def administered_organisation_ids(user):
    """A subquery of the ids of the organisations ``user`` is an active admin of."""
    from directory.models import Membership

    return Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, state=Membership.State.ACTIVE
    ).values("organisation_id")


def member_organisation_ids(user):
    """A subquery of the ids of the organisations ``user`` is an active member of (admins too)."""
    from directory.models import Membership

    return Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values(
        "organisation_id"
    )


def has_named_perm(perm: str):
    """A predicate: the user holds the named permission (through a role, or as superuser).

    Asked without an object, so that Django's ``ModelBackend`` answers from the groups.
    """

    @rules.predicate(name=f"has_named_perm({perm})")
    def predicate(user) -> bool:
        return _signed_in(user) and user.has_perm(perm)

    return predicate


@rules.predicate
def is_organisation_admin(user, organisation) -> bool:
    """The user is an active administrator of this organisation."""
    from directory.models import Membership

    if not _signed_in(user) or organisation is None:
        return False
    return Membership.objects.filter(
        user=user,
        organisation=organisation,
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
    ).exists()


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    """The user is an active member (or administrator) of this organisation."""
    from directory.models import Membership

    if not _signed_in(user) or organisation is None:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, state=Membership.State.ACTIVE
    ).exists()


@rules.predicate
def organisation_is_visible(user, organisation) -> bool:
    from directory.models import Organisation

    if organisation is None:
        return False
    return Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists()


@rules.predicate
def service_is_visible(user, service) -> bool:
    from directory.models import Service

    if service is None:
        return False
    return Service.objects.visible_to(user).filter(pk=service.pk).exists()


def visibility_q(user, *, organisation_field: str = "pk") -> Q | None:
    """What ``user`` may see beyond published records: None for everything, else a condition.

    An empty ``Q()`` for the public (nothing more); the organisations the
    user administers otherwise. The ``visible_to`` querysets of the models
    combine it with their own *published* condition; ``organisation_field``
    names the organisation id in the filtered model.
    """
    if not _signed_in(user):
        return Q()
    if user.has_perm(VIEW_UNPUBLISHED):
        return None
    return Q(**{f"{organisation_field}__in": administered_organisation_ids(user)})


# --- The directory's rules ----------------------------------------------------------------

rules.add_perm(ACCESS_ADMIN, rules.is_active & rules.is_staff)
rules.add_perm(READ_ORGANISATION, organisation_is_visible)
rules.add_perm(READ_SERVICE, service_is_visible)
rules.add_perm(EDIT_ORGANISATION, is_organisation_admin | has_named_perm(EDIT_ANY_ORGANISATION))
rules.add_perm(PUBLISH_DIRECTLY, has_named_perm(VALIDATE_CHANGES))
rules.add_perm(REVIEW_CHANGES, has_named_perm(VALIDATE_CHANGES))
rules.add_perm(DECIDE_MEMBERSHIP, is_organisation_admin | has_named_perm(MANAGE_ANY_MEMBERSHIP))
rules.add_perm(MANAGE_MEMBERS, is_organisation_admin | has_named_perm(MANAGE_ANY_MEMBERSHIP))


# --- Who holds a permission (for e-mails to a role) -------------------------------------


def users_with_perm(perm: str):
    """Active members holding a named permission through a role or directly (not superusers:
    a superuser receives what their roles say, like everyone)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    app_label, codename = perm.split(".", 1)
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    User = get_user_model()
    if permission is None:
        return User.objects.none()
    return User.objects.filter(
        Q(groups__permissions=permission) | Q(user_permissions=permission), is_active=True
    ).distinct()


# --- Roles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A role of the platform, kept as a Wagtail group that staff may edit.

    ``name`` is the group's name (in French, the owner's language);
    ``permissions`` those the data migration grants when it creates the
    group. Later apps grant theirs with :func:`role_grant` in their own
    migrations; staff may change any of it in the admin afterwards.
    """

    key: str
    name: str
    description: str
    permissions: tuple[str, ...] = ()


_DIRECTORY_MODELS = (
    "organisation",
    "service",
    "location",
    "phone",
    "initiative",
    "partnership",
    "membership",
    "territory",
    "servicecategory",
    "clientstatus",
    "language",
)

DIRECTORY_TEAM = Role(
    key="directory_team",
    name="Équipe du répertoire",
    description=_("Keeps the directory: validates changes, imports, sees every record."),
    permissions=(
        ACCESS_ADMIN,
        VALIDATE_CHANGES,
        IMPORT_DIRECTORY,
        EDIT_ANY_ORGANISATION,
        VIEW_UNPUBLISHED,
        MANAGE_ANY_MEMBERSHIP,
        *(
            f"directory.{action}_{model}"
            for model in _DIRECTORY_MODELS
            for action in ("add", "change", "delete", "view")
        ),
    ),
)
#: Wagtail's own "Moderators" group (pages: add, edit, publish), renamed. Wagtail's
#: "Editors" (pages: add and edit, not publish) becomes "Rédacteurs".
EDITORS = Role(
    key="editors",
    name="Éditeurs",
    description=_("Publish the site's pages, news and toolkit."),
    permissions=(ACCESS_ADMIN,),
)
MODERATORS = Role(
    key="moderators",
    name="Modérateurs",
    description=_("Moderate the forum."),
)
ANIMATION = Role(
    key="animation",
    name="Animation",
    description=_("Run events, workshops and inventory campaigns."),
)
ROLES = (DIRECTORY_TEAM, EDITORS, MODERATORS, ANIMATION)

#: Permissions granted to roles by migrations after 0009_roles (which grants
#: ``Role.permissions``), each with its migration, so that :func:`roles_ensure`
#: gives a flushed database what ``migrate`` gives.
LATER_GRANTS: tuple[tuple[Role, tuple[str, ...]], ...] = (
    (DIRECTORY_TEAM, (VIEW_BACKGROUND_TASKS,)),  # 0010_background_tasks
)


#: Grants that other apps' migrations make, registered from their ``AppConfig.ready()``
#: with :func:`grants_register` (the directory imports no other app).
_APP_GRANTS: dict[str, tuple[Role, tuple[str, ...]]] = {}


def grants_register(key: str, role: Role, permissions: tuple[str, ...]) -> None:
    """Tell :func:`roles_ensure` what an app's data migration grants ``role``.

    Keyed, so that ``ready()`` running twice replaces rather than repeats.
    """
    _APP_GRANTS[key] = (role, tuple(permissions))


def _permission(apps, perm: str):
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = perm.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def permissions_create(apps, *app_labels: str) -> None:
    """Create the permissions of these apps now, in a data migration.

    Django creates permissions after ``migrate`` (``post_migrate``), too late
    for a migration that grants them. The migration state's app configs have
    no models module, which ``create_permissions`` takes for "no models".
    """
    for label in app_labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def role_grant(apps, role: Role, permissions: tuple[str, ...] | list[str]) -> None:
    """Give a role these permissions, creating its group if needed. For data migrations."""
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=role.name)
    group.permissions.add(*(_permission(apps, perm) for perm in permissions))


def roles_ensure() -> None:
    """Create the roles with their initial permissions where missing (tests, a flushed database).

    The data migration does this on ``migrate``; a database emptied since
    (``flush``, transactional tests) needs it again.
    """
    from django.apps import apps as django_apps

    for role in ROLES:
        role_grant(django_apps, role, role.permissions)
    for role, permissions in (*LATER_GRANTS, *_APP_GRANTS.values()):
        role_grant(django_apps, role, permissions)
