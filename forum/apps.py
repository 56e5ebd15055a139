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

        # Live sockets learn of rights changes (forum/realtime.py connects its receivers).
        from forum import realtime

        realtime.receivers_connect()
