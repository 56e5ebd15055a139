"""Daily and weekly digests: a member's waiting notifications, grouped by thread, once per period.

The job runs every hour (``tasks.notification_digests_send``); a member's
digest is due once the period's hour has passed (``FORUM_DIGEST_HOUR``,
local time; weekly ones on ``FORUM_DIGEST_WEEKDAY``, 0 = Monday). Each
member's settings row is locked while their digest is built and records the
period sent, so the job run twice (two workers, a retry) sends it once.
Notifications the member may no longer read are marked dropped, never sent.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from directory.members import notices
from forum.models import Notification, NotificationSettings
from forum.notifications import emails, rights
from forum.notifications.delivery import DIGEST_NOTICE

Frequency = NotificationSettings.Frequency


def period_start(frequency: str, now: datetime) -> datetime:
    """The start of the digest period ``now`` falls in, for this frequency (aware, local)."""
    hour = getattr(settings, "FORUM_DIGEST_HOUR", 7)
    local = timezone.localtime(now)
    day = local.date() if local.hour >= hour else local.date() - timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        weekday = getattr(settings, "FORUM_DIGEST_WEEKDAY", 0)
        day -= timedelta(days=(day.weekday() - weekday) % 7)
        start = datetime.combine(day, time(hour))
        if start > local.replace(tzinfo=None):
            start -= timedelta(days=7)
    else:
        start = datetime.combine(day, time(hour))
    return timezone.make_aware(start, timezone.get_current_timezone())


def digests_send(*, now: datetime | None = None) -> int:
    """Send every digest due at ``now``; how many were sent."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(email=Notification.Email.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in sorted(set(waiting)):
        if digest_send(recipient_id=recipient_id, now=now):
            sent += 1
    return sent


def digest_send(*, recipient_id: int, now: datetime) -> bool:
    """One member's digest, if due and not yet sent for this period; whether one was sent."""
    with transaction.atomic():
        member_settings, _ = NotificationSettings.objects.get_or_create(user_id=recipient_id)
        member_settings = (
            NotificationSettings.objects.select_for_update()
            .select_related("user")
            .get(pk=member_settings.pk)
        )
        user = member_settings.user
        frequency = member_settings.frequency
        pending = Notification.objects.filter(
            recipient=user, email=Notification.Email.DIGEST, created_at__lte=now
        )
        if frequency == Frequency.NEVER or not notices.member_wants(user, DIGEST_NOTICE):
            pending.update(email=Notification.Email.NONE)
            return False
        if frequency == Frequency.IMMEDIATE:
            frequency = Frequency.DAILY  # waiting since before the member changed their choice
        period = period_start(frequency, now)
        if member_settings.digest_period is not None and member_settings.digest_period >= period:
            return False
        pending_ids = list(pending.values_list("pk", flat=True))
        if not pending_ids:
            return False
        kept = list(
            rights.readable(Notification.objects.filter(pk__in=pending_ids), user)
            .select_related("actor", "thread", "post", "question")
            .order_by("created_at", "pk")
        )
        kept = [n for n in kept if notices.member_wants(user, _notice_of(n))]
        Notification.objects.filter(pk__in=pending_ids).exclude(pk__in=[n.pk for n in kept]).update(
            email=Notification.Email.DROPPED
        )
        member_settings.digest_period = period
        member_settings.save(update_fields=["digest_period"])
        if not kept:
            return False
        emails.digest_send(
            user, groups_by_thread(kept), frequency=frequency, settings=member_settings
        )
        Notification.objects.filter(pk__in=[n.pk for n in kept]).update(
            email=Notification.Email.SENT, emailed_at=timezone.now()
        )
        return True


def _notice_of(notification) -> str:
    from forum.notifications.delivery import NOTICE_OF_KIND

    return NOTICE_OF_KIND[notification.kind]


def groups_by_thread(notifications) -> list[tuple[object | None, list]]:
    """``[(thread or None, [notifications…]), …]`` in the order threads first appear."""
    groups: OrderedDict = OrderedDict()
    for notification in notifications:
        key = notification.thread_id or f"n{notification.pk}"
        groups.setdefault(key, (notification.thread, []))[1].append(notification)
    return list(groups.values())
