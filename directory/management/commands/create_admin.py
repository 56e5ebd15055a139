"""``manage.py create_admin``: the first administrator, able to sign in at once."""

import getpass
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directory.members.administrators import ADMINISTRATOR_ROLES, administrator_create


class Command(BaseCommand):
    help = (
        "Create an administrator who can sign in at once: an active account with a "
        "verified e-mail address, allowed into the admin, in the roles "
        + " and ".join(f"« {role.name} »" for role in ADMINISTRATOR_ROLES)
        + ". An existing account with this address gets the same. The password is "
        "asked for, or read from the first line of standard input with "
        "--password-from-stdin."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The sign-in address.")
        parser.add_argument("--name", default="", help="Display name shown to others.")
        parser.add_argument(
            "--language",
            default="fr",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the e-mails the account receives (default: fr).",
        )
        parser.add_argument(
            "--password-from-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )
        parser.add_argument(
            "--keep-password",
            action="store_true",
            help="For an existing account: do not ask for a new password.",
        )
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Also give every permission, whatever the roles (avoid for everyday work).",
        )

    def _password(self, options) -> str | None:
        if options["keep_password"]:
            return None
        if options["password_from_stdin"]:
            password = self.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password on standard input.")
            return password
        if not self.stdin.isatty():
            raise CommandError(
                "No terminal to ask for the password: use --password-from-stdin "
                "(or --keep-password for an existing account)."
            )
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password

    def handle(self, *args, **options):
        self.stdin = options.get("stdin", sys.stdin)
        try:
            user, created = administrator_create(
                email=options["email"],
                password=self._password(options),
                display_name=options["name"],
                language=options["language"],
                superuser=options["superuser"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        what = "Created" if created else "Updated"
        rights = "superuser, " if user.is_superuser else ""
        roles = ", ".join(role.name for role in ADMINISTRATOR_ROLES)
        self.stdout.write(
            self.style.SUCCESS(
                f"{what} {user.email}: {rights}admin access, roles {roles}; "
                "e-mail address verified. Sign in at /fr/accounts/login/ (or /en/…)."
            )
        )
