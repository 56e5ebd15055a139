"""Daily and weekly digests: grouped per member and thread, once per period, readable only."""

from datetime import datetime, timedelta

import pytest

from django.utils import timezone

from forum import services as forum_services
from forum.models import Notification, WatchLevel
from forum.notifications import digests, services

from .factories import (
    CategoryFactory,
    ForumGroupFactory,
    GroupMembershipFactory,
    reply_posted,
    thread_started,
)

pytestmark = pytest.mark.django_db


def _local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def category(db):
    return CategoryFactory(name="Emploi", slug="emploi", public=False)


def _digest_member(make_member, frequency="daily", **fields):
    member = make_member(**fields)
    services.notification_settings_update(user=member, frequency=frequency, include_content=True)
    return member


def test_a_daily_digest_groups_two_threads_in_one_email_in_the_members_language(
    make_member, category, mailoutbox, django_capture_on_commit_callbacks
):
    reader = _digest_member(make_member, handle="lectrice", preferred_language="en")
    author = make_member(display_name="Paul Gagnon")
    with django_capture_on_commit_callbacks(execute=True):
        first = thread_started(category, author, title="Francisation en entreprise")
        services.watch_set(user=reader, thread=first, level=WatchLevel.WATCHING)
        reply_posted(first, author, body="Une mise à jour.")
        reply_posted(first, author, body="Une autre.")
        thread_started(category, author, title="Reconnaissance des diplômes", body="@lectrice ?")
    assert mailoutbox == []  # nothing immediate for a digest member

    with django_capture_on_commit_callbacks(execute=True):
        sent = digests.digests_send(now=timezone.now() + timedelta(days=1))
    assert sent == 1
    [mail] = mailoutbox
    assert mail.to == [reader.email]
    assert "Your day on the forum: 3 notifications" in mail.subject
    assert mail.body.count("== Francisation en entreprise ==") == 1
    assert "== Reconnaissance des diplômes ==" in mail.body
    assert "Paul Gagnon mentioned you" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(Notification.objects.filter(recipient=reader).values_list("email", flat=True)) == {
        Notification.Email.SENT
    }


def test_a_digest_is_sent_once_per_period_however_often_the_job_runs(
    make_member, category, mailoutbox, django_capture_on_commit_callbacks
):
    _digest_member(make_member, handle="lectrice")
    author = make_member()
    day = timezone.localtime() + timedelta(days=1)
    morning = day.replace(hour=8, minute=0)
    thread = thread_started(category, author, body="@lectrice ?")
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_send(now=morning)
    reply_posted(thread, author, body="@lectrice, relance.")
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_send(now=morning + timedelta(hours=1))
        digests.digests_send(now=morning + timedelta(hours=5))
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_send(now=morning + timedelta(days=1))
    assert len(mailoutbox) == 2
    assert "relance" in mailoutbox[1].body


def test_a_weekly_digest_waits_for_its_day_and_goes_once_a_week():
    monday = _local(2026, 11, 30, 8, 0)
    assert monday.weekday() == 0
    start = digests.period_start("weekly", monday)
    assert start == _local(2026, 11, 30, 7, 0)
    assert digests.period_start("weekly", monday + timedelta(days=3)) == start
    assert digests.period_start("weekly", monday + timedelta(days=7)) == start + timedelta(days=7)
    assert digests.period_start("weekly", monday - timedelta(hours=2)) == start - timedelta(days=7)


def test_a_weekly_member_gets_one_email_per_week_whatever_happens_each_day(
    make_member, category, mailoutbox, django_capture_on_commit_callbacks
):
    _digest_member(make_member, frequency="weekly", handle="lecteur", preferred_language="en")
    author = make_member()
    thread = thread_started(category, author, title="Semaine 1", body="@lecteur ?")
    monday = _local(2026, 11, 30, 9, 0)
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(14):
            reply_posted(thread, author, body=f"@lecteur, jour {day}")
            digests.digests_send(now=monday + timedelta(days=day))
    assert len(mailoutbox) == 2
    assert all("Your week on the forum" in mail.subject for mail in mailoutbox)


def test_a_digest_never_includes_what_the_member_may_no_longer_read(
    make_member, category, mailoutbox, django_capture_on_commit_callbacks
):
    reader = _digest_member(make_member, handle="parti")
    author = make_member()
    group = ForumGroupFactory(name="Comité", slug="comite", visibility="private")
    GroupMembershipFactory(group=group, user=author, role="moderator")
    GroupMembershipFactory(group=group, user=reader)
    thread_started(group, author, title="Budget secret", body="@parti ?")
    thread_started(category, author, title="Sujet ouvert", body="@parti ?")
    forum_services.group_leave(group=group, user=reader, by=author)
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_send(now=timezone.now() + timedelta(days=1))
    [mail] = mailoutbox
    assert "Sujet ouvert" in mail.body
    assert "Budget secret" not in mail.body
    assert Notification.objects.get(thread__title="Budget secret").email == "dropped"


def test_a_member_who_stopped_digests_gets_none(
    make_member, category, mailoutbox, django_capture_on_commit_callbacks
):
    reader = _digest_member(make_member, handle="lectrice")
    reader.notices_off = ["forum.digest"]
    reader.save(update_fields=["notices_off"])
    thread_started(category, make_member(), body="@lectrice ?")
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_send(now=timezone.now() + timedelta(days=1))
    assert mailoutbox == []
