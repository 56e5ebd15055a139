"""Wagtail admin wiring for the events. One section per concern; code in the concern's module."""

from wagtail import hooks

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
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from directory.admin_access import PermissionMenuItem
    from events import access

    return PermissionMenuItem(
        _("Partner calendars"),
        reverse("events_calendars:index"),
        permission=access.MANAGE_EVENTS,
        name="partner-calendars",
        icon_name="date",
        order=450,
    )


# === End of partner calendars =================================================
