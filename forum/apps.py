from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory import access as directory_access

        # The forum's object rules register on import (forum/access.py).
        from forum import access

        # What migration 0002 grants the Modérateurs role, for roles_ensure().
        directory_access.grants_register(
            "forum", directory_access.MODERATORS, access.MODERATOR_PERMISSIONS
        )

        # Organisation pages list their members' recent public discussions.
        from directory import profile_sections
        from forum import profile

        profile_sections.register_organisation_section(
            "forum", profile.organisation_discussions, order=30
        )

        # Notifications: the forum's kinds of e-mail notice, and the receivers of
        # forum/signals.py that write notifications (forum/notifications/).
        from forum.notifications import delivery, receivers  # noqa: F401

        delivery.notices_register()

        # New members find the welcome path on their account page (forum/peers/welcome.py).
        from directory.members import account_panels
        from forum.peers import welcome

        account_panels.register(
            key="forum.welcome",
            template="forum/members/_welcome_panel.html",
            context=welcome.panel_context,
            order=10,
        )
        # Live sockets learn of rights changes (forum/realtime.py connects its receivers).
        from forum import realtime

        realtime.receivers_connect()
