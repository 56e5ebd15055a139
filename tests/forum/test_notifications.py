"""Notifications: who is told what, at which level, and only what they may read."""

import re

import pytest

from forum import moderation
from forum import services as forum_services
from forum.models import Notification, Watch, WatchLevel
from forum.notifications import services, tasks

from .factories import (
    CategoryFactory,
    ForumGroupFactory,
    GroupMembershipFactory,
    TagFactory,
    reply_posted,
    thread_started,
)

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
UNSUBSCRIBE = re.compile(r"<http://testserver([^>]+)>")


@pytest.fixture
def category(db):
    return CategoryFactory(name="Logement", slug="logement", public=False)


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- The journey: mention → notification → e-mail → one-click unsubscribe ---------------------


def test_a_mention_notifies_emails_and_one_click_stops_mention_emails(
    client, make_member, category, mailoutbox, django_capture_on_commit_callbacks
):
    author = make_member(display_name="Paul Gagnon")
    marie = make_member(display_name="Marie Tremblay", handle="marie-t", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_started(category, author, body="Qu'en penses-tu, @marie-t ?")
    assert _kinds(marie) == [Kind.MENTION]
    [mail] = mailoutbox
    assert mail.to == [marie.email]
    assert "Paul Gagnon mentioned you" in mail.subject
    assert "Qu'en penses-tu" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [path] = UNSUBSCRIBE.findall(mail.extra_headers["List-Unsubscribe"])
    assert path.startswith("/en/")

    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        reply_posted(thread, author, body="Encore toi, @marie-t.")
    assert _kinds(marie) == [Kind.MENTION, Kind.MENTION]  # still in the centre
    assert len(mailoutbox) == 1  # but no more e-mail of that kind


def test_post_content_is_left_out_of_emails_when_the_member_asks(
    make_member, category, mailoutbox, django_capture_on_commit_callbacks
):
    marie = make_member(handle="marie-t")
    services.notification_settings_update(user=marie, frequency="immediate", include_content=False)
    with django_capture_on_commit_callbacks(execute=True):
        thread_started(category, make_member(), body="Texte confidentiel pour @marie-t")
    [mail] = mailoutbox
    assert "confidentiel" not in mail.body
    assert "/fr/forum/posts/" in mail.body


# --- Levels ------------------------------------------------------------------------------------


def test_the_author_watches_their_thread_and_a_replier_tracks_it(make_member, category):
    author, replier = make_member(), make_member()
    thread = thread_started(category, author)
    reply_posted(thread, replier)
    levels = dict(Watch.objects.filter(thread=thread).values_list("user", "level"))
    assert levels == {author.pk: WatchLevel.WATCHING, replier.pk: WatchLevel.TRACKING}


def test_watching_notifies_every_post_and_tracking_only_quotes(make_member, category):
    author, replier, third = make_member(), make_member(), make_member()
    thread = thread_started(category, author)
    first_reply = reply_posted(thread, replier)
    reply_posted(thread, third, body="Je suis d'accord.")
    assert _kinds(author) == [Kind.REPLY, Kind.REPLY]
    assert _kinds(replier) == []
    reply_posted(
        thread, third, body=f"> Jean — [#{first_reply.pk}](/forum/posts/{first_reply.pk}/)\n\nOui."
    )
    assert _kinds(replier) == [Kind.QUOTE]


def test_watching_a_category_notifies_new_threads_in_it(make_member, category):
    watcher = make_member()
    services.watch_set(user=watcher, category=category, level=WatchLevel.WATCHING)
    thread_started(category, make_member())
    [notification] = Notification.objects.filter(recipient=watcher)
    assert notification.kind == Kind.REPLY and notification.data == {"new_thread": True}


def test_a_muted_thread_tells_nothing_not_even_a_mention(make_member, category):
    author, marie = make_member(), make_member(handle="marie-t")
    thread = thread_started(category, author)
    services.watch_set(user=marie, thread=thread, level=WatchLevel.MUTED)
    reply_posted(thread, author, body="@marie-t, tu es là ?")
    assert _kinds(marie) == []


def test_watching_a_tag_reaches_threads_of_a_muted_category(make_member, category):
    watcher = make_member()
    tag = TagFactory(name="logement social", slug="logement-social")
    services.watch_set(user=watcher, category=category, level=WatchLevel.MUTED)
    services.watch_set(user=watcher, tag=tag, level=WatchLevel.WATCHING)
    forum_services.thread_create(
        author=make_member(), space=category, title="Logements abordables", body="?", tags=[tag]
    )
    thread_started(category, make_member(), title="Autre sujet")
    assert _kinds(watcher) == [Kind.REPLY]


def test_a_member_gets_one_notification_per_post_the_most_specific(make_member, category):
    author, marie = make_member(), make_member(handle="marie-t")
    thread = thread_started(category, author)
    services.watch_set(user=marie, thread=thread, level=WatchLevel.WATCHING)
    reply_posted(thread, make_member(), body="Bonne question, @marie-t.")
    assert _kinds(marie) == [Kind.MENTION]
    assert _kinds(author) == [Kind.REPLY]


def test_reactions_and_accepted_answers_tell_the_posts_author(make_member, category):
    author, helper = make_member(), make_member()
    thread = thread_started(category, author)
    answer = reply_posted(thread, helper, body="Le SANC offre ce service.")
    forum_services.reaction_toggle(post=answer, user=author, kind="thanks")
    forum_services.answer_accept(thread=thread, post=answer, by=author)
    assert _kinds(helper) == [Kind.ACCEPTED, Kind.REACTION]
    assert Notification.objects.get(recipient=helper, kind=Kind.REACTION).data == {
        "reaction": "thanks"
    }


def test_a_moderators_decision_tells_the_author_with_the_reason(make_member, category, moderator):
    author = make_member()
    thread = thread_started(category, author)
    post = reply_posted(thread, author, body="Publicité")
    moderation.post_hide(post=post, moderator=moderator, reason="Hors sujet")
    [notification] = Notification.objects.filter(recipient=author, kind=Kind.MODERATION)
    assert notification.data["action"] == "hide_post"
    assert notification.data["reason"] == "Hors sujet"


# --- Rights at delivery time -------------------------------------------------------------------


def test_a_mention_in_a_private_group_reaches_only_its_members(make_member):
    group = ForumGroupFactory(name="Comité", slug="comite", visibility="private")
    author, inside = make_member(), make_member(handle="dedans")
    outside = make_member(handle="dehors")
    GroupMembershipFactory(group=group, user=author)
    GroupMembershipFactory(group=group, user=inside)
    thread_started(group, author, body="@dedans et @dehors, votre avis ?")
    assert _kinds(inside) == [Kind.MENTION]
    assert _kinds(outside) == []


def test_a_member_removed_from_a_private_group_gets_nothing_more_from_it(
    client, make_member, mailoutbox, django_capture_on_commit_callbacks
):
    group = ForumGroupFactory(name="Comité", slug="comite", visibility="private")
    author, removed = make_member(), make_member(handle="parti")
    GroupMembershipFactory(group=group, user=author, role="moderator")
    GroupMembershipFactory(group=group, user=removed)
    services.watch_set(user=removed, group=group, level=WatchLevel.WATCHING)
    thread = thread_started(group, author, title="Budget secret du comité")
    pending = Notification.objects.get(recipient=removed)  # e-mail queued, not yet sent
    assert pending.email == Notification.Email.IMMEDIATE

    forum_services.group_leave(group=group, user=removed, by=author)
    tasks.notification_email_send.call(notification_id=pending.pk)
    with django_capture_on_commit_callbacks(execute=True):
        reply_posted(thread, author, body="@parti, tu vois ceci ?")

    pending.refresh_from_db()
    assert pending.email == Notification.Email.DROPPED
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=removed).count() == 1
    assert not Watch.objects.filter(user=removed).exists()
    client.force_login(removed)
    page = client.get("/fr/forum/notifications/").content.decode()
    assert "Budget secret" not in page


# --- The notification centre and watching pages -------------------------------------------


def test_the_centre_lists_notifications_counts_unread_and_marks_them_read(
    client, make_member, category
):
    author, marie = make_member(display_name="Paul Gagnon"), make_member(handle="marie-t")
    thread_started(category, author, title="Cours de francisation", body="@marie-t ?")
    client.force_login(marie)
    page = client.get("/fr/forum/notifications/").content.decode()
    assert "Paul Gagnon" in page and "Cours de francisation" in page
    assert '<span class="badge">1<span class="visually-hidden">' in page
    notification = Notification.objects.get(recipient=marie)
    response = client.get(f"/fr/forum/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/fr/forum/posts/{notification.post_id}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read_empties_the_unread_count(client, make_member, category):
    marie = make_member(handle="marie-t")
    thread_started(category, make_member(), body="@marie-t ?")
    client.force_login(marie)
    client.post("/fr/forum/notifications/")
    assert not Notification.objects.filter(recipient=marie, read_at=None).exists()


def test_a_member_sets_a_level_from_the_page_without_javascript(client, make_member, category):
    member = make_member()
    client.force_login(member)
    response = client.post(
        f"/fr/forum/watch/category/{category.pk}/", {"level": WatchLevel.WATCHING}
    )
    assert response.status_code == 302
    assert Watch.objects.get(user=member, category=category).level == WatchLevel.WATCHING


def test_nobody_watches_a_private_group_they_may_not_read(client, make_member):
    group = ForumGroupFactory(visibility="private")
    member = make_member()
    client.force_login(member)
    response = client.post(f"/fr/forum/watch/group/{group.pk}/", {"level": WatchLevel.WATCHING})
    assert response.status_code == 404
    assert not Watch.objects.exists()


def test_the_preferences_page_saves_a_digest_frequency(client, make_member):
    member = make_member()
    client.force_login(member)
    response = client.post(
        "/fr/forum/notifications/settings/", {"frequency": "weekly", "include_content": "on"}
    )
    assert response.status_code == 302
    assert member.forum_notification_settings.frequency == "weekly"


def test_the_header_counts_a_new_mention_on_any_page(
    client, make_member, category, django_capture_on_commit_callbacks
):
    marie = make_member(handle="marie-t")
    client.force_login(marie)
    with django_capture_on_commit_callbacks(execute=True):
        thread_started(category, make_member(), body="@marie-t, une question")
    page = client.get("/fr/forum/").content.decode()
    assert '<span class="badge">1<span class="visually-hidden"> non lues' in page


def test_asking_everyone_with_an_expertise_from_who_to_ask(client, make_member, areas):
    experts = [make_member() for _ in range(2)]
    for expert in experts:
        expert.expertise.set([areas["sub"]])
    client.force_login(make_member())
    url = f"/fr/forum/members/ask/?expertise={areas['top'].code}"
    assert "2 membres" in client.get(url).content.decode()
    response = client.post(url, {"subject": "Logement", "body": "Des pistes ?"})
    assert response.status_code == 302
    assert Notification.objects.filter(kind=Kind.QUESTION).count() == 2
