"""Reads of the toolkit."""

from __future__ import annotations

from cms.models import FicheAnnouncement, FichePage, ToolkitSubscription


def is_subscribed(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return ToolkitSubscription.objects.filter(user=user).exists()


def announcements_public(*, language: str, limit: int = 30):
    """The latest fiche versions, each with its fiche in ``language`` when it is public.

    Returns ``(announcement, fiche)`` pairs; versions of fiches that are not live
    or under a view restriction are left out (the feed is public).
    """
    from wagtail.models import Locale

    from cms.selectors import pages_visible_to

    locale = Locale.objects.filter(language_code=language).first()
    announcements = list(FicheAnnouncement.objects.order_by("-announced_at", "-pk")[: limit * 2])
    fiches = {
        fiche.translation_key: fiche
        for fiche in pages_visible_to(
            FichePage.objects.live().filter(
                locale=locale, translation_key__in=[a.translation_key for a in announcements]
            ),
            None,
        )
    }
    pairs = [(a, fiches[a.translation_key]) for a in announcements if a.translation_key in fiches]
    return pairs[:limit]
