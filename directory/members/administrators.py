"""The first administrator of an installation, made from the command line.

allauth's mandatory e-mail verification applies to every sign-in: an account
made by ``createsuperuser`` has no verified address and cannot sign in until
it confirms one by e-mail, which a new server may not be able to send yet.
``manage.py create_admin`` calls :func:`administrator_create`; the
``createsuperuser`` override calls :func:`email_verified_mark`.
"""

from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from directory import access

#: Roles the first administrator holds: the directory and the site's pages.
ADMINISTRATOR_ROLES = (access.DIRECTORY_TEAM, access.EDITORS)


def email_verified_mark(*, user) -> EmailAddress:
    """Record the account's address as verified and primary, so that it may sign in.

    Precondition: whoever calls this vouches for the address (an operator
    on the server's command line), since no e-mail proves it.
    """
    email = user.email.lower()
    EmailAddress.objects.filter(user=user, primary=True).exclude(email=email).update(primary=False)
    address, _created = EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return address


@transaction.atomic
def administrator_create(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    language: str = "fr",
    superuser: bool = False,
):
    """An active account with a verified address, that may open the admin, in the
    directory team and editors roles; a superuser only when asked.

    An existing account with this address is given the same (its password is
    changed only when one is given), so that the command also repairs an
    account made by ``createsuperuser``. Raises ``ValidationError`` (address
    or password refused) and changes nothing then. Returns ``(user, created)``.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email.strip()).lower()
    validate_email(email)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email)
        if password is None:
            raise ValidationError("A new account needs a password.", code="password_required")
    if display_name:
        user.display_name = display_name
    user.preferred_language = language
    user.is_active = True
    user.is_staff = True
    user.is_superuser = user.is_superuser or superuser
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    email_verified_mark(user=user)
    access.roles_ensure()
    user.groups.add(*Group.objects.filter(name__in=[role.name for role in ADMINISTRATOR_ROLES]))
    return user, created
