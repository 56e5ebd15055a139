"""Wagtail admin wiring for the directory.

One section per concern, each owned by the engineer who wrote it. Add a new
section at the end rather than editing another one; keep the heavy code in
the concern's own module and only register it here.
"""

from wagtail import hooks

# =============================================================================
# Self-service editing: the "Directory" admin menu (validation queue of change
# requests, and staff management of organisations, services, locations,
# initiatives, partnerships, memberships and reference data).
# Code in directory/catalogue/admin.py. To add an item to that menu from another
# section: @hooks.register("register_directory_menu_item") returning a MenuItem.
# =============================================================================


@hooks.register("register_admin_viewset")
def register_directory_admin():
    from directory.catalogue.admin import DirectoryViewSetGroup

    return DirectoryViewSetGroup()


# === End of self-service editing =============================================


# =============================================================================
# Import of the directory (recensement files, CSV or HSDS JSON): the
# "Importer le répertoire" item of the Directory menu and its pages under
# /admin/directory/import/. Code in directory/importing/admin.py and
# directory/importing/jobs.py.
# =============================================================================


@hooks.register("register_admin_urls")
def register_directory_import_urls():
    from django.urls import include, path

    from directory.importing import admin as admin_import

    return [path("directory/import/", include((admin_import.urlpatterns, "directory_import")))]


@hooks.register("register_directory_menu_item")
def register_directory_import_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from directory import access
    from directory.admin_access import PermissionMenuItem

    return PermissionMenuItem(
        _("Import the directory"),
        reverse("directory_import:index"),
        permission=access.IMPORT_DIRECTORY,
        name="directory-import",
        icon_name="upload",
        order=900,
    )


# === End of the import of the directory =======================================


# =============================================================================
# Background tasks: the "Background tasks" item of the Directory menu and its
# pages under /admin/directory/tasks/ (failed, running and waiting tasks, and
# the workers), for VIEW_BACKGROUND_TASKS. Code in directory/background/.
# =============================================================================


@hooks.register("register_admin_urls")
def register_background_task_urls():
    from django.urls import include, path

    from directory.background import admin as admin_tasks

    return [path("directory/tasks/", include((admin_tasks.urlpatterns, "directory_tasks")))]


@hooks.register("register_directory_menu_item")
def register_background_tasks_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from directory import access
    from directory.admin_access import PermissionMenuItem

    return PermissionMenuItem(
        _("Background tasks"),
        reverse("directory_tasks:index"),
        permission=access.VIEW_BACKGROUND_TASKS,
        name="directory-tasks",
        icon_name="cogs",
        order=1000,
    )


# === End of background tasks ==================================================


# =============================================================================
# The access policy (directory/access.py): the named permissions that no
# model viewset registers are listed on the groups' edit page, so that staff
# grant them to roles in the admin (Paramètres → Groupes).
# =============================================================================


@hooks.register("register_permissions")
def register_access_permissions():
    from django.contrib.auth.models import Permission

    from directory import access

    codenames = [
        perm.split(".", 1)[1]
        for perm in (
            access.VALIDATE_CHANGES,
            access.IMPORT_DIRECTORY,
            access.VIEW_BACKGROUND_TASKS,
            access.MANAGE_CAMPAIGNS,
            access.MANAGE_VISITS,
            access.VIEW_NEEDS,
        )
    ]
    return Permission.objects.filter(content_type__app_label="directory", codename__in=codenames)


# === End of the access policy =================================================


# =============================================================================
# Recensement and tournée: the "Recensement" admin menu (survey campaigns,
# services found in documents, partner visits) under /admin/recensement/ and
# /admin/tournee/, and the dashboard panel of follow-ups due soon. For
# MANAGE_CAMPAIGNS and MANAGE_VISITS (roles Animation, Équipe du répertoire).
# Code in directory/recensement/admin.py and directory/tournee/admin.py.
# =============================================================================


@hooks.register("register_admin_urls")
def register_recensement_urls():
    from django.urls import include, path

    from directory.recensement import admin as recensement_admin
    from directory.tournee import admin as tournee_admin

    return [
        path(
            "recensement/",
            include((recensement_admin.urlpatterns, recensement_admin.NAMESPACE)),
        ),
        path("tournee/", include((tournee_admin.urlpatterns, tournee_admin.NAMESPACE))),
    ]


@hooks.register("register_admin_menu_item")
def register_recensement_menu():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from wagtail.admin.menu import Menu, SubmenuMenuItem

    from directory import access
    from directory.admin_access import PermissionMenuItem

    items = [
        PermissionMenuItem(
            _("Survey campaigns"),
            reverse("recensement_admin:index"),
            permission=access.MANAGE_CAMPAIGNS,
            name="recensement-campaigns",
            icon_name="clipboard-list",
            order=100,
        ),
        PermissionMenuItem(
            _("Services found in documents"),
            reverse("recensement_admin:documents"),
            permission=access.MANAGE_CAMPAIGNS,
            name="recensement-documents",
            icon_name="doc-full",
            order=200,
        ),
        PermissionMenuItem(
            _("Partner visits"),
            reverse("tournee_admin:index"),
            permission=access.MANAGE_VISITS,
            name="tournee-visits",
            icon_name="group",
            order=300,
        ),
        PermissionMenuItem(
            _("Needs heard"),
            reverse("tournee_admin:needs"),
            permission=access.VIEW_NEEDS,
            name="tournee-needs",
            icon_name="help",
            order=400,
        ),
    ]
    return SubmenuMenuItem(
        _("Recensement"),
        Menu(items=items),
        name="recensement",
        icon_name="clipboard-list",
        order=260,
    )


@hooks.register("construct_homepage_panels")
def register_follow_ups_panel(request, panels):
    from directory.tournee.admin import homepage_panels

    homepage_panels(request, panels)


# === End of recensement and tournée ============================================
