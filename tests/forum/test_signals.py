"""The forum's writes send the signals of forum/signals.py, inside the transaction,
with the documented arguments (the notifications concern relies on them)."""

import pytest

from forum import moderation, services, signals
from forum.models import GroupMembership, Post
from tests.factories import MembershipFactory, UserFactory

from .factories import reply_posted, thread_started

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(signal, sender, **kwargs):
        calls.append((signal, sender, kwargs))

    connected = [
        signals.post_created,
        signals.post_edited,
        signals.reaction_added,
        signals.answer_accepted,
        signals.moderation_decided,
        signals.group_membership_changed,
    ]
    for signal in connected:
        signal.connect(receiver, weak=False, dispatch_uid=f"test-{id(signal)}")
    yield calls
    for signal in connected:
        signal.disconnect(dispatch_uid=f"test-{id(signal)}")


def _of(calls, signal):
    return [kwargs for sent, _sender, kwargs in calls if sent is signal]


def test_post_created_names_mentioned_members_and_members_of_mentioned_organisations(
    received, forum_member, other_member, organisation, public_category
):
    colleague = MembershipFactory(organisation=organisation).user
    thread = thread_started(public_category, other_member, body="Question sur le logement.")
    first = thread.posts.get()
    post = reply_posted(
        thread,
        forum_member,
        f"> @{other_member.handle} — [#{first.pk}](/forum/posts/{first.pk}/)\n>\n> Question\n\n"
        f"Je demande à @{other_member.handle} et à @{organisation.slug}.",
    )
    sent = _of(received, signals.post_created)[-1]
    assert sent["post"] == post
    # The author is a member of the organisation mentioned, and is left out.
    assert {user.pk for user in sent["mentioned"]} == {other_member.pk, colleague.pk}
    assert sent["quoted"] == [first]


def test_post_created_is_sent_for_a_new_threads_first_post(received, forum_member, public_category):
    thread = thread_started(public_category, forum_member)
    sent = _of(received, signals.post_created)
    assert [kwargs["post"] for kwargs in sent] == [thread.posts.get()]
    assert sent[0]["mentioned"] == [] and sent[0]["quoted"] == []


def test_post_edited_names_only_newly_mentioned_members(
    received, forum_member, other_member, public_category
):
    third = MembershipFactory(user=UserFactory(display_name="Lise Roy")).user
    thread = thread_started(public_category, forum_member, body=f"Salut @{other_member.handle}")
    post = thread.posts.get()
    services.post_edit(
        post=post, editor=forum_member, body=f"Salut @{other_member.handle} et @{third.handle}"
    )
    sent = _of(received, signals.post_edited)[-1]
    assert sent["post"] == post and sent["editor"] == forum_member
    assert sent["mentioned"] == [third]


def test_reaction_added_is_sent_when_added_not_when_taken_back(
    received, forum_member, other_member, public_category
):
    post = thread_started(public_category, other_member).posts.get()
    services.reaction_toggle(post=post, user=forum_member, kind="thanks")
    services.reaction_toggle(post=post, user=forum_member, kind="thanks")
    sent = _of(received, signals.reaction_added)
    assert len(sent) == 1
    assert sent[0]["reaction"].kind == "thanks" and sent[0]["reaction"].user == forum_member


def test_answer_accepted_names_thread_post_and_who(
    received, forum_member, other_member, public_category
):
    thread = thread_started(public_category, forum_member)
    answer = reply_posted(thread, other_member)
    services.answer_accept(thread=thread, post=answer, by=forum_member)
    sent = _of(received, signals.answer_accepted)[-1]
    assert sent["thread"].pk == thread.pk and sent["post"] == answer and sent["by"] == forum_member


def test_moderation_decided_carries_the_audit_log_row(
    received, forum_member, moderator, public_category
):
    post = thread_started(public_category, forum_member).posts.get()
    moderation.post_hide(post=post, moderator=moderator, reason="Hors sujet")
    action = _of(received, signals.moderation_decided)[-1]["action"]
    assert action.action == "hide_post" and action.post == post
    assert action.moderator == moderator and action.target_user == forum_member
    assert action.reason == "Hors sujet"


def test_group_membership_changed_on_join_and_leave(received, forum_member, open_group):
    services.group_join(group=open_group, user=forum_member)
    services.group_leave(group=open_group, user=forum_member)
    sent = _of(received, signals.group_membership_changed)
    assert [(s["group"], s["user"], s["joined"]) for s in sent] == [
        (open_group, forum_member, True),
        (open_group, forum_member, False),
    ]
    assert not GroupMembership.objects.filter(user=forum_member).exists()


def test_a_signal_receiver_that_fails_rolls_the_post_back(
    forum_member, other_member, public_category
):
    """Sent inside the transaction: a post exists exactly when its notifications do."""
    thread = thread_started(public_category, other_member)

    def failing(**kwargs):
        raise RuntimeError("receiver failed")

    signals.post_created.connect(failing, weak=False, dispatch_uid="failing")
    try:
        with pytest.raises(RuntimeError):
            reply_posted(thread, forum_member)
    finally:
        signals.post_created.disconnect(dispatch_uid="failing")
    assert Post.objects.filter(thread=thread).count() == 1
