"""Editors draft, moderators approve: permissions and the "Publication" workflow."""

import pytest

from wagtail.models import Page

from cms.models import StandardPage
from directory import access

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(roles, editorial):
    user = UserFactory(is_staff=True, display_name="Élise Tremblay")
    user.groups.add(roles[access.EDITORS.key])
    return user


@pytest.fixture
def moderator(roles, editorial):
    user = UserFactory(is_staff=True, display_name="Nadia Bouchard")
    user.groups.add(roles[access.MODERATORS.key])
    return user


@pytest.fixture
def draft(site, editor):
    page = StandardPage(title="Nouvelle page", slug="nouvelle-page", live=False, owner=editor)
    site.add_child(instance=page)
    page.save_revision(user=editor)
    return page


def test_editors_may_edit_but_not_publish(draft, editor):
    permissions = draft.permissions_for_user(editor)
    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_moderators_may_publish(draft, moderator):
    assert draft.permissions_for_user(moderator).can_publish()


def test_every_page_goes_through_the_moderators_approval(draft):
    workflow = draft.get_workflow()
    assert workflow is not None and workflow.active
    [task] = workflow.tasks
    assert [group.name for group in task.specific.groups.all()] == [access.MODERATORS.name]


def test_a_page_submitted_by_an_editor_goes_live_once_a_moderator_approves(
    draft, editor, moderator
):
    workflow_state = draft.get_workflow().start(draft, editor)
    assert not Page.objects.get(pk=draft.pk).live
    task_state = workflow_state.current_task_state
    assert "approve" in [
        name for name, *_ in task_state.task.specific.get_actions(draft, moderator)
    ]
    task_state.task.specific.on_action(task_state, moderator, "approve")
    assert Page.objects.get(pk=draft.pk).live


def test_editors_cannot_approve(draft, editor):
    workflow_state = draft.get_workflow().start(draft, editor)
    task = workflow_state.current_task_state.task.specific
    actions = [name for name, *_ in task.get_actions(draft, editor)]
    assert "approve" not in actions


def test_setting_up_twice_changes_nothing(editorial):
    from django.apps import apps

    from wagtail.models import GroupPagePermission, Workflow

    from cms.editorial import editorial_ensure

    before = (GroupPagePermission.objects.count(), Workflow.objects.count())
    editorial_ensure(apps)
    assert (GroupPagePermission.objects.count(), Workflow.objects.count()) == before
