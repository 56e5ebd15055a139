"""The first administrator: ``create_admin``, and ``createsuperuser`` accounts that can sign in."""

import io
import uuid

import pytest
from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from directory import access

pytestmark = pytest.mark.django_db

PASSWORD = "une phrase de passe assez longue"


def _visitor() -> Client:
    raw = uuid.uuid4().bytes
    return Client(REMOTE_ADDR=f"10.{raw[0]}.{raw[1]}.{raw[2] or 1}")


def _signs_in(email: str, password: str = PASSWORD) -> Client | None:
    """The client with a session if allauth lets this account in, else None."""
    client = _visitor()
    client.post("/fr/accounts/login/", {"login": email, "password": password})
    return client if "_auth_user_id" in client.session else None


def _create_admin(*args: str, stdin: str = PASSWORD + "\n") -> str:
    output = io.StringIO()
    call_command(
        "create_admin", *args, "--password-from-stdin", stdin=io.StringIO(stdin), stdout=output
    )
    return output.getvalue()


def _address() -> str:
    return f"admin-{uuid.uuid4().hex[:8]}@example.org"


def test_a_plain_superuser_cannot_sign_in_until_its_address_is_confirmed():
    # Why the command exists: allauth's verification is mandatory.
    email = _address()
    get_user_model().objects.create_superuser(email=email, password=PASSWORD)
    assert _signs_in(email) is None


def test_create_admin_makes_an_account_that_signs_in_at_once_and_opens_the_admin():
    email = _address()
    output = _create_admin("--email", email, "--name", "Première Admin")
    client = _signs_in(email)
    assert client is not None
    assert client.get("/admin/").status_code == 200
    assert f"Created {email}" in output


def test_create_admin_gives_the_roles_not_every_permission():
    email = _address()
    _create_admin("--email", email)
    user = get_user_model().objects.get(email=email)
    assert user.is_active and user.is_staff and not user.is_superuser
    assert set(user.groups.values_list("name", flat=True)) == {
        access.DIRECTORY_TEAM.name,
        access.EDITORS.name,
    }
    assert user.has_perm(access.VALIDATE_CHANGES)
    assert user.has_perm(access.IMPORT_DIRECTORY)
    assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()


def test_create_admin_makes_a_superuser_only_when_asked():
    email = _address()
    _create_admin("--email", email, "--superuser")
    assert get_user_model().objects.get(email=email).is_superuser


def test_create_admin_repairs_an_account_made_by_djangos_createsuperuser():
    email = _address()
    get_user_model().objects.create_superuser(email=email, password=PASSWORD)
    output = io.StringIO()
    call_command("create_admin", "--email", email, "--keep-password", stdout=output)
    assert f"Updated {email}" in output.getvalue()
    assert _signs_in(email) is not None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--email", "pas-une-adresse"), PASSWORD + "\n", "adresse"),
        (("--email", "court@example.org"), "abc\n", "trop court"),
        (("--email", "vide@example.org"), "\n", "No password on standard input."),
    ],
    ids=["bad address", "weak password", "no password"],
)
def test_create_admin_refuses_bad_input_clearly_and_creates_nothing(args, stdin, message):
    with pytest.raises(CommandError, match=message):
        _create_admin(*args, stdin=stdin)
    assert not get_user_model().objects.filter(email=args[1]).exists()


def test_create_admin_without_a_terminal_asks_for_the_stdin_option():
    with pytest.raises(CommandError, match="--password-from-stdin"):
        call_command("create_admin", "--email", _address(), stdin=io.StringIO(""))


def test_a_new_account_needs_a_password():
    with pytest.raises(CommandError, match="needs a password"):
        call_command("create_admin", "--email", _address(), "--keep-password")


def test_createsuperuser_makes_an_account_that_can_sign_in_and_says_so(monkeypatch):
    email = _address()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    output = io.StringIO()
    call_command("createsuperuser", "--noinput", "--email", email, stdout=output)
    assert f"The address {email} is recorded as verified" in output.getvalue()
    assert "create_admin" in output.getvalue()
    assert _signs_in(email) is not None
