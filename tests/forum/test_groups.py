"""Groups: open ones take members at once, private ones by request or invitation; an
organisation's own space belongs to its members; leaving takes the rights away."""

import pytest

from django.urls import reverse

from forum import services
from forum.models import ForumGroup, GroupMembership

from .factories import ForumGroupFactory, GroupMembershipFactory, thread_started

pytestmark = pytest.mark.django_db


def test_joining_an_open_group_lets_a_member_start_a_thread(client, forum_member, open_group):
    client.force_login(forum_member)
    new_thread = reverse("forum:thread_new_in_group", args=[open_group.slug])
    assert client.get(new_thread).status_code == 403
    client.post(reverse("forum:group_join", args=[open_group.slug]))
    assert client.get(new_thread).status_code == 200


def test_a_request_to_join_a_private_group_waits_for_its_moderator(
    client, forum_member, other_member, private_group
):
    GroupMembershipFactory(group=private_group, user=other_member, role="moderator")
    thread = thread_started(private_group, other_member)
    url = reverse("forum:thread", args=[thread.pk, thread.slug])
    client.force_login(forum_member)
    client.post(reverse("forum:group_join", args=[private_group.slug]), {"message": "Bonjour"})
    request = GroupMembership.objects.get(group=private_group, user=forum_member)
    assert request.state == "requested"
    assert client.get(url).status_code == 404

    moderator_client = client.__class__()
    moderator_client.force_login(other_member)
    members_page = reverse("forum:group_members", args=[private_group.slug])
    assert "Bonjour" in moderator_client.get(members_page).content.decode()
    moderator_client.post(members_page, {"action": "accept", "membership": request.pk})
    assert client.get(url).status_code == 200


def test_an_invitation_is_accepted_by_joining(forum_member, other_member, private_group):
    GroupMembershipFactory(group=private_group, user=other_member, role="moderator")
    membership = services.group_invite(group=private_group, user=forum_member, by=other_member)
    assert membership.state == "invited"
    services.group_join(group=private_group, user=forum_member)
    membership.refresh_from_db()
    assert membership.state == "active"


def test_members_cannot_manage_a_group_they_do_not_moderate(client, forum_member, private_group):
    GroupMembershipFactory(group=private_group, user=forum_member)
    client.force_login(forum_member)
    assert client.get(reverse("forum:group_members", args=[private_group.slug])).status_code == 403


def test_an_organisations_space_is_read_by_its_members_and_moderated_by_its_admins(
    client, forum_member, organisation_admin, other_member, organisation
):
    space = ForumGroupFactory(
        slug="espace-sanc", visibility=ForumGroup.Visibility.PRIVATE, organisation=organisation
    )
    thread = thread_started(space, forum_member, title="Notre équipe : horaires des fêtes")
    url = reverse("forum:thread", args=[thread.pk, thread.slug])
    client.force_login(other_member)  # member of another organisation
    assert client.get(url).status_code == 404
    client.force_login(organisation_admin)
    assert client.get(url).status_code == 200
    assert organisation_admin.has_perm("forum.moderate", thread)
    assert not forum_member.has_perm("forum.moderate", thread)


def test_leaving_a_private_group_takes_its_threads_away(client, group_member, private_group):
    thread = thread_started(private_group, group_member)
    url = reverse("forum:thread", args=[thread.pk, thread.slug])
    client.force_login(group_member)
    assert client.get(url).status_code == 200
    client.post(reverse("forum:group_leave", args=[private_group.slug]))
    assert client.get(url).status_code == 404
