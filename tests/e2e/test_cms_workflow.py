"""Editors draft, moderators approve (Chromium): an editor submits a page for moderation in
the Wagtail admin, a moderator approves it, and the page is live on the site."""

import pytest

from django.apps import apps as django_apps

from wagtail.models import Page

from cms.editorial import editorial_ensure
from cms.models import StandardPage
from directory import access
from tests.factories import UserFactory

from .conftest import sign_in_with_a_session

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(roles, site):
    editorial_ensure(django_apps)
    editor = UserFactory(is_staff=True, display_name="Élise Tremblay", email="elise@example.org")
    editor.groups.add(roles[access.EDITORS.key])
    moderator = UserFactory(is_staff=True, display_name="Nadia Bouchard", email="nadia@example.org")
    moderator.groups.add(roles[access.MODERATORS.key])
    return editor, moderator


@pytest.fixture
def draft(site, people):
    editor, _moderator = people
    page = StandardPage(
        title="Accueillir à Stanstead",
        slug="accueillir-a-stanstead",
        intro="Ce que fait le comité d'accueil de Stanstead.",
        live=False,
        owner=editor,
    )
    site.add_child(instance=page)
    page.save_revision(user=editor)
    return page


def _click(page, selector: str) -> None:
    """Buttons of Wagtail's action menu sit in a dropdown; click them as its script does."""
    with page.expect_navigation():
        page.evaluate("(selector) => document.querySelector(selector).click()", selector)


def test_a_page_submitted_by_an_editor_is_live_once_a_moderator_approves(
    new_page, live_server, people, draft
):
    editor, moderator = people
    visitor = new_page()
    assert visitor.goto(f"{live_server.url}/fr/accueillir-a-stanstead/").status == 404

    as_editor = new_page()
    sign_in_with_a_session(as_editor, live_server, editor)
    as_editor.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    assert as_editor.locator('button[name="action-publish"]').count() == 0
    _click(as_editor, 'button[name="action-submit"]')
    state = Page.objects.get(pk=draft.pk).current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert not Page.objects.get(pk=draft.pk).live

    as_moderator = new_page()
    sign_in_with_a_session(as_moderator, live_server, moderator)
    as_moderator.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    _click(
        as_moderator,
        '[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])',
    )
    assert Page.objects.get(pk=draft.pk).live
    response = visitor.goto(f"{live_server.url}/fr/accueillir-a-stanstead/")
    assert response.status == 200
    assert "Ce que fait le comité d'accueil de Stanstead." in visitor.content()
