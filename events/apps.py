from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from events import access, profile  # noqa: F401  (rules and the profile section)
        from events.feeds import signals as feed_signals

        feed_signals.connect()
