from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The platform's access policy registers its object rules on import.
        from directory import access  # noqa: F401

        # Search documents follow every ORM write (directory/search/signals.py).
        from directory.search import signals

        signals.connect()

        # Caches of directory data follow its version (directory/data_version.py).
        from directory import data_version

        data_version.connect(self)
