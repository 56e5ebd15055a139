"""Writes of the toolkit: subscriptions, and announcing a fiche's new version."""

from __future__ import annotations

from functools import partial

from django.db import IntegrityError, transaction

from cms.models import FicheAnnouncement, FichePage, ToolkitSubscription


def toolkit_subscription_create(*, user) -> ToolkitSubscription:
    """Subscribe a member (twice is once: a second click changes nothing)."""
    try:
        with transaction.atomic():
            subscription, _created = ToolkitSubscription.objects.get_or_create(user=user)
    except IntegrityError:  # the same member subscribing twice at once
        subscription = ToolkitSubscription.objects.get(user=user)
    return subscription


def toolkit_subscription_cancel(*, user) -> None:
    ToolkitSubscription.objects.filter(user=user).delete()


def fiche_version_announce(*, fiche: FichePage) -> FicheAnnouncement | None:
    """Record the fiche's version and tell the subscribers, once per version.

    Called when a fiche is published (``cms/signals.py``). A re-publication
    with the same version, in any language, announces nothing; two
    publications at once of a new version announce it once (unique
    constraint). The e-mails are a task enqueued after commit.
    """
    version = (fiche.version or "").strip()
    if not version or fiche.alias_of_id is not None:
        return None
    try:
        with transaction.atomic():
            announcement, created = FicheAnnouncement.objects.get_or_create(
                translation_key=fiche.translation_key,
                version=version,
                defaults={"fiche": fiche, "version_note": fiche.version_note},
            )
    except IntegrityError:
        return None
    if not created:
        return None
    from cms.toolkit.tasks import toolkit_update_notify

    transaction.on_commit(
        partial(toolkit_update_notify.enqueue, announcement_id=announcement.pk), robust=True
    )
    return announcement
