"""Wagtail admin wiring for the events: one menu item to the management pages.

Events are managed on the site's own pages (``/fr/events/manage/``), which
organisations' admins reach without the Wagtail admin; staff who hold the
Animation role find them from the admin's menu too. Their documents (agendas,
slides, minutes) are Wagtail documents, in the admin's Documents.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks


@hooks.register("register_admin_menu_item")
def register_events_menu_item():
    from directory.admin_access import PermissionMenuItem
    from events import access

    return PermissionMenuItem(
        _("Events"),
        reverse("events:manage"),
        permission=access.MANAGE_EVENTS,
        name="events-manage",
        icon_name="date",
        order=450,
    )


# =============================================================================
# Partner calendars (import of partners' iCalendar feeds): the "Partner
# calendars" menu item and its pages under /admin/events/calendars/, for
# those who manage events (Animation). Code in events/importing/admin.py.
# =============================================================================


@hooks.register("register_admin_urls")
def register_partner_calendar_urls():
    from django.urls import include, path

    from events.importing import admin as calendars_admin

    return [path("events/calendars/", include((calendars_admin.urlpatterns, "events_calendars")))]


@hooks.register("register_admin_menu_item")
def register_partner_calendar_menu_item():
    from directory.admin_access import PermissionMenuItem
    from events import access

    return PermissionMenuItem(
        _("Partner calendars"),
        reverse("events_calendars:index"),
        permission=access.MANAGE_EVENTS,
        name="partner-calendars",
        icon_name="date",
        order=451,
    )


# === End of partner calendars =================================================
