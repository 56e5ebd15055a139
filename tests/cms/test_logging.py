"""What the console log says about refused requests and errors."""

import io
import logging
from contextlib import contextmanager

import pytest

from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from cms.log_filters import ClientErrorsWithoutTraceback
from tests.factories import MembershipFactory


def _refuse(request):
    raise PermissionDenied("not yours")


def _break(request):
    raise RuntimeError("a real bug")


# For the tests below that name this module as their URLconf.
urlpatterns = [path("refused/", _refuse), path("broken/", _break)]


@contextmanager
def console_output():
    """What the configured console handler writes, while the block runs."""
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorsWithoutTraceback) for f in handler.filters)
    ]
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        yield buffer
    finally:
        console.setStream(previous)


@pytest.mark.django_db
def test_a_403_is_one_warning_line_without_traceback(member, organisation):
    MembershipFactory(user=member, organisation=organisation)
    client = Client()
    client.force_login(member)
    members_page = f"/fr/directory/account/organisations/{organisation.slug}/members/"
    with console_output() as output:
        response = client.get(members_page)
    assert response.status_code == 403
    assert output.getvalue() == f"Forbidden (Permission denied): {members_page}\n"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_permission_denied_raised_anywhere_is_logged_without_traceback():
    with console_output() as output:
        response = Client().get("/refused/")
    assert response.status_code == 403
    assert "Traceback" not in output.getvalue()
    assert output.getvalue().splitlines() == ["Forbidden (Permission denied): /refused/"]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_500_keeps_its_traceback():
    with console_output() as output:
        response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Internal Server Error: /broken/" in output.getvalue()
    assert "Traceback (most recent call last)" in output.getvalue()
    assert "RuntimeError: a real bug" in output.getvalue()


@pytest.mark.django_db
def test_a_bad_host_is_one_line_too():
    with console_output() as output:
        response = Client().get("/fr/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Traceback" not in output.getvalue()
    assert len(output.getvalue().splitlines()) == 1
