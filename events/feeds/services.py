"""Members' private feed addresses: create, rotate, revoke (keyword-only services)."""

from __future__ import annotations

from django.db import transaction

from events.feeds.models import CalendarToken, feed_token
from events.feeds.signals import feeds_changed


def calendar_token_ensure(*, user) -> CalendarToken:
    """The member's private feed token, created on first use."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def calendar_token_rotate(*, user) -> CalendarToken:
    """A new secret address; the old one stops working at once."""
    token, created = CalendarToken.objects.select_for_update().get_or_create(user=user)
    if not created:
        token.token = feed_token()
        token.save(update_fields=["token"])
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> None:
    """The private address stops working; the stored feed is dropped after commit."""
    CalendarToken.objects.filter(user=user).delete()
    feeds_changed(user_ids=[user.pk])
