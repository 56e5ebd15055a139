from django.core.management.base import BaseCommand

from cms.site_setup import site_ensure


class Command(BaseCommand):
    help = "Create the locales and the home pages (fr, en) if they are missing."

    def handle(self, *args, **options):
        home = site_ensure()
        self.stdout.write(
            self.style.SUCCESS(f"Site root: {home.title} (/{home.locale.language_code}/)")
        )
