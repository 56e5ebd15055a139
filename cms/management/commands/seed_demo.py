from django.core.management.base import BaseCommand

from cms.demo import DEMO_ACCOUNTS, demo_seed
from cms.demo_password import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Build the demo data set (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        result = demo_seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo: {result['organisations']} organisations "
                f"({result['services_created']} services created this run)."
            )
        )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<20} {account.email}")
