from django.core.management.base import BaseCommand

from directory.catalogue.reference import reference_data_load


class Command(BaseCommand):
    help = "Load territories, service categories, client statuses and languages (idempotent)."

    def handle(self, *args, **options):
        report = reference_data_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data: {report.territories} territories, {report.categories} "
                f"categories, {report.client_statuses} client statuses, "
                f"{report.languages} languages."
            )
        )
