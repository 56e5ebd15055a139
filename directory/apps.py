from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        # The platform's access policy registers its object rules on import.
        from directory import access  # noqa: F401
        from directory.collation import sqlite_collation_register

        # Name columns sort with the continuum_fr collation: SQLite learns it on connecting.
        connection_created.connect(sqlite_collation_register, dispatch_uid="directory_collation")

        # Search documents follow every ORM write (directory/search/signals.py).
        from directory.search import signals

        signals.connect()

        # Caches of directory data follow its version (directory/data_version.py).
        from directory import data_version

        data_version.connect(self)

        # The staff view of organisation profiles: visits and needs (directory/tournee/).
        from directory.tournee import sections

        sections.register()
