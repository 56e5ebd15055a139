"""Every way in goes through allauth: its rate limit and its e-mail verification.

The project's URL resolver is walked: every route whose view signs people in
(Django's, Wagtail's or allauth's login, re-authentication, login codes,
shared-password forms) must, once the URL is resolved as a request would be,
be allauth's own view or a redirect to allauth's sign-in that keeps ``next``.
A new package that brings its own login page makes these tests fail.
"""

import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation
from django.views.generic import RedirectView

from wagtail.admin.forms.collections import CollectionViewRestrictionForm
from wagtail.admin.forms.pages import PageViewRestrictionForm
from wagtail.models import PageViewRestriction

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

#: A view signs people in when its name, its class or its module says so.
SIGN_IN = re.compile(r"login|authenticat|sign_?in", re.IGNORECASE)
SAMPLES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}
NEXT = "/fr/directory/"


@dataclass(frozen=True)
class Route:
    path: str
    name: str
    view: object


def _view_label(callback) -> str:
    view = getattr(callback, "view_class", None) or callback
    # Syndication feeds are instances (their class is the view), not functions.
    name = getattr(view, "__qualname__", type(view).__qualname__)
    return f"{view.__module__}.{name}"


def _sample(pattern) -> str:
    """A concrete URL fragment this pattern matches."""
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], str(pattern))
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")
        return re.sub(r"\(\?P<\w+>[^)]*\)[+*]?", "x", regex)
    raise AssertionError(f"Unknown kind of URL pattern: {pattern!r}")


def _routes(patterns=None, prefix="/"):
    """Every URL pattern of the project, with a concrete path (each language for i18n ones)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if isinstance(entry.pattern, LocalePrefixPattern):
                for code, _name in settings.LANGUAGES:
                    with translation.override(code):
                        fragment = _sample(entry.pattern)
                    yield from _routes(entry.url_patterns, prefix + fragment)
            else:
                yield from _routes(entry.url_patterns, prefix + _sample(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield Route(prefix + _sample(entry.pattern), entry.name or "", entry.callback)


def _sign_in_routes() -> list[Route]:
    return [
        route
        for route in _routes()
        if SIGN_IN.search(f"{route.name} {_view_label(route.view)}") and "logout" not in route.name
    ]


def _served_by(path: str):
    language = path.split("/")[1] if path.split("/")[1] in dict(settings.LANGUAGES) else "fr"
    with translation.override(language):
        return resolve(path).func


def _is_allauth(view) -> bool:
    return _view_label(view).startswith("allauth.")


def _redirects_to_allauth_sign_in(view) -> bool:
    view_class = getattr(view, "view_class", None)
    return (
        view_class is not None
        and issubclass(view_class, RedirectView)
        and view.view_initkwargs.get("pattern_name") == "account_login"
        and view.view_initkwargs.get("query_string") is True
    )


#: Wagtail's shared-password forms for private pages and documents. Their
#: passwords can no longer be set (WAGTAIL_PRIVATE_PAGE_OPTIONS, see below), so
#: they have nothing to check; they are not account sign-ins.
SHARED_PASSWORD_VIEWS = {
    "wagtail.views.authenticate_with_password",
    "wagtail.documents.views.serve.authenticate_with_password",
}


def _visitor() -> Client:
    raw = uuid.uuid4().bytes
    return Client(REMOTE_ADDR=f"10.{raw[0]}.{raw[1]}.{raw[2] or 1}")


def _path_with_next(path: str) -> str:
    return f"{path}?next={NEXT}"


def test_the_walk_finds_the_login_routes_it_must_check():
    # Guards the walk itself: if it found nothing, every test below would pass.
    paths = {route.path for route in _sign_in_routes()}
    assert {"/fr/_util/login/", "/en/_util/login/", "/admin/login/"} <= paths
    assert {"/fr/accounts/login/", "/en/accounts/login/"} <= paths


def test_every_sign_in_route_is_allauths_or_redirects_to_it():
    offenders = []
    for route in _sign_in_routes():
        view = _served_by(route.path)
        if _is_allauth(view) or _redirects_to_allauth_sign_in(view):
            continue
        if _view_label(view) in SHARED_PASSWORD_VIEWS:
            continue
        offenders.append(f"{route.path} ({route.name}) → {_view_label(view)}")
    assert offenders == []


def test_wagtails_own_login_view_is_unreachable_in_both_languages():
    for route in _routes():
        if _view_label(route.view).startswith("django.contrib.auth.views.LoginView"):
            assert _served_by(route.path) is not route.view, route.path


@pytest.mark.parametrize(
    "path", ["/fr/_util/login/", "/en/_util/login/", "/admin/login/"], ids=["fr", "en", "admin"]
)
def test_the_other_login_pages_send_to_allauths_keeping_next(path):
    response = _visitor().get(_path_with_next(path), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    language = "fr" if path.startswith("/fr/") else "en"
    assert target.path == f"/{language}/accounts/login/"
    assert parse_qs(target.query) == {"next": [NEXT]}


def test_a_private_page_asks_to_sign_in_through_allauth(site):
    PageViewRestriction.objects.create(page=site, restriction_type=PageViewRestriction.LOGIN)
    response = _visitor().get("/fr/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/?next=/fr/"


def test_editors_cannot_protect_pages_or_collections_with_a_shared_password():
    for form_class in (PageViewRestrictionForm, CollectionViewRestrictionForm):
        form = form_class()
        assert "password" not in form.fields
        assert PageViewRestriction.PASSWORD not in dict(form.fields["restriction_type"].choices)


def _post_credentials(client: Client, path: str, email: str, password: str):
    """Post what any of these forms could want, following redirects as a browser would."""
    data = {"login": email, "username": email, "email": email, "password": password}
    return client.post(_path_with_next(path), data, follow=True)


def test_an_unverified_account_gets_no_session_through_any_path():
    user = UserFactory(email=f"non-verifie-{uuid.uuid4().hex[:8]}@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)
    for route in _sign_in_routes():
        client = _visitor()
        _post_credentials(client, route.path, user.email, PASSWORD)
        assert "_auth_user_id" not in client.session, route.path


def test_the_same_verified_account_does_get_a_session_through_allauth():
    # The counterpart of the test above: the credentials it posts are good ones.
    user = UserFactory(email=f"verifie-{uuid.uuid4().hex[:8]}@example.org")
    client = _visitor()
    _post_credentials(client, "/fr/accounts/login/", user.email, PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_after_five_failures_no_path_accepts_even_the_right_password():
    for route in _sign_in_routes():
        user = UserFactory(email=f"cible-{uuid.uuid4().hex[:8]}@example.org")
        client = _visitor()
        for _attempt in range(5):
            _post_credentials(client, route.path, user.email, "wrong password")
        _post_credentials(client, route.path, user.email, PASSWORD)
        assert "_auth_user_id" not in client.session, route.path
