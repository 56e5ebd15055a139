"""``createsuperuser``, with an account that can sign in.

Every sign-in goes through allauth, whose e-mail verification is mandatory:
Django's command alone makes an account that cannot sign in until it
confirms its address by e-mail. This one records the address as verified,
and says so; ``manage.py create_admin`` is the documented way (roles rather
than every permission).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.db.models.signals import post_save

from directory.members.administrators import email_verified_mark


class Command(createsuperuser.Command):
    help = (
        createsuperuser.Command.help
        + " Its e-mail address is recorded as verified, so that it can sign in."
        + " Prefer `manage.py create_admin`, which gives roles rather than every permission."
    )

    def handle(self, *args, **options):
        new_users = []

        def remember(sender, instance, created=False, **kwargs):
            if created:
                new_users.append(instance)

        User = get_user_model()
        post_save.connect(remember, sender=User, weak=False)
        try:
            super().handle(*args, **options)
        finally:
            post_save.disconnect(remember, sender=User)
        for user in new_users:
            email_verified_mark(user=user)
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"The address {user.email} is recorded as verified: this account can "
                    "sign in at /fr/accounts/login/ (allauth verifies every address). "
                    "For everyday administrators, prefer `manage.py create_admin`."
                )
