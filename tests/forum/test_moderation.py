"""Moderation: flags hide a post after N, a moderator restores it; thread tools; suspension."""

from datetime import timedelta

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from forum import moderation, services
from forum.models import ModerationAction, Post, Thread, ThreadEvent
from tests.factories import MembershipFactory

from .factories import CategoryFactory, reply_posted, thread_started

pytestmark = pytest.mark.django_db


def test_flags_hide_a_post_until_a_moderator_restores_it(
    client, settings, forum_member, other_member, moderator, public_category, site
):
    settings.FORUM_FLAGS_TO_HIDE = 2
    thread = thread_started(public_category, other_member, body="Premier message.")
    post = reply_posted(thread, other_member, "Un message contesté.")
    flaggers = [forum_member, MembershipFactory().user]
    for index, flagger in enumerate(flaggers):
        client.force_login(flagger)
        client.post(reverse("forum:flag", args=[post.pk]), {"reason": "offensive"})
        post.refresh_from_db()
        assert post.state == ("auto_hidden" if index == 1 else "visible")

    url = reverse("forum:thread", args=[thread.pk, thread.slug])
    client.logout()
    public_page = client.get(url).content.decode()
    assert "Un message contesté." not in public_page
    assert 'class="forum-post__placeholder"' in public_page
    client.force_login(other_member)
    assert "Un message contesté." in client.get(url).content.decode()  # its author still sees it

    client.force_login(moderator)
    assert "Un message contesté." in client.get(reverse("forum:moderation_queue")).content.decode()
    client.post(reverse("forum:moderate_post", args=[post.pk]), {"action": "restore"})
    post.refresh_from_db()
    assert post.state == "visible" and post.flag_count == 0
    assert not post.flags.filter(resolved_at__isnull=True).exists()
    client.logout()
    assert "Un message contesté." in client.get(url).content.decode()
    assert ModerationAction.objects.filter(action="restore_post", post=post).exists()
    types = list(thread.events.order_by("seq").values_list("type", flat=True))
    assert types[-2:] == ["post.hidden", "post.restored"]


def test_a_member_flags_a_post_once(forum_member, other_member, public_category):
    post = thread_started(public_category, other_member).posts.get()
    moderation.post_flag(post=post, user=forum_member, reason="spam")
    with pytest.raises(ValidationError):
        moderation.post_flag(post=post, user=forum_member, reason="spam")
    post.refresh_from_db()
    assert post.flag_count == 1


def test_a_category_moderator_moderates_their_category_only(
    forum_member, other_member, public_category
):
    elsewhere = CategoryFactory(public=True)
    public_category.moderators.add(forum_member)
    mine = thread_started(public_category, other_member)
    theirs = thread_started(elsewhere, other_member)
    moderation.thread_lock_set(thread=mine, moderator=forum_member, locked=True)
    with pytest.raises(PermissionDenied):
        moderation.thread_lock_set(thread=theirs, moderator=forum_member, locked=True)


def test_a_locked_thread_takes_no_reply_from_members(
    client, forum_member, other_member, moderator, public_category
):
    thread = thread_started(public_category, other_member)
    moderation.thread_lock_set(thread=thread, moderator=moderator, locked=True, reason="Réglé")
    client.force_login(forum_member)
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Encore moi"})
    assert response.status_code == 403
    assert thread.posts.count() == 1
    reply_posted(thread, moderator, "Le mot de la fin.")
    assert thread.posts.count() == 2


def test_split_and_merge_move_posts_and_log_it(
    forum_member, other_member, moderator, public_category, members_category
):
    thread = thread_started(public_category, forum_member, title="Logement à Sherbrooke")
    replies = [reply_posted(thread, other_member, f"Réponse {n}") for n in range(3)]
    new = moderation.thread_split(
        thread=thread,
        moderator=moderator,
        post_ids=[replies[1].pk, replies[2].pk],
        title="Logement à Magog",
    )
    assert list(new.posts.order_by("number").values_list("number", "body")) == [
        (1, "Réponse 1"),
        (2, "Réponse 2"),
    ]
    thread.refresh_from_db()
    assert thread.post_count == 2
    moderation.thread_move(thread=new, moderator=moderator, to=members_category)
    merged = moderation.thread_merge(thread=new, into=thread, moderator=moderator)
    assert merged.pk == thread.pk
    thread.refresh_from_db()
    assert thread.post_count == 4
    # Moved posts follow the thread's last number (numbers are never reused).
    assert list(thread.posts.order_by("number").values_list("number", flat=True)) == [1, 2, 5, 6]
    assert Thread.objects.get(pk=new.pk).hidden
    assert set(ModerationAction.objects.values_list("action", flat=True)) == {
        "split",
        "move",
        "merge",
    }


def test_a_suspended_member_may_not_post_until_the_end(
    client, forum_member, moderator, public_category
):
    thread = thread_started(public_category, moderator)
    moderation.member_suspend(
        user=forum_member,
        moderator=moderator,
        until=timezone.now() + timedelta(days=3),
        reason="Propos blessants répétés",
    )
    client.force_login(forum_member)
    client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Je reviens"})
    assert thread.posts.count() == 1
    assert ModerationAction.objects.filter(action="suspend", target_user=forum_member).exists()


def test_members_cannot_moderate(client, forum_member, other_member, public_category):
    post = thread_started(public_category, other_member).posts.get()
    client.force_login(forum_member)
    response = client.post(reverse("forum:moderate_post", args=[post.pk]), {"action": "hide"})
    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).state == "visible"
    assert client.get(reverse("forum:moderation_queue")).status_code == 403


def test_every_thread_change_writes_one_event(
    forum_member, other_member, moderator, public_category
):
    thread = thread_started(public_category, forum_member)
    answer = reply_posted(thread, other_member)
    services.post_edit(post=answer, editor=other_member, body="Réponse corrigée")
    services.reaction_toggle(post=answer, user=forum_member, kind="like")
    services.answer_accept(thread=thread, post=answer, by=forum_member)
    moderation.thread_pin_set(thread=thread, moderator=moderator, pinned=True)
    events = list(ThreadEvent.objects.filter(thread=thread).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, 7))
    assert [e.type for e in events] == [
        "post.created",
        "post.created",
        "post.edited",
        "reaction.changed",
        "thread.updated",
        "thread.updated",
    ]
    thread.refresh_from_db()
    assert thread.last_seq == 6
