"""The newcomer's path: what a member sees after joining the community.

Three steps: introduce yourself (a thread chosen by the animation team),
categories worth watching, and the toolkit's starter fiches. The toolkit
lives in the CMS, which the forum may not import: the CMS (or settings)
provides the fiches through :func:`starter_links_register`, or
``FORUM_WELCOME_TOOLKIT_LINKS`` lists them::

    FORUM_WELCOME_TOOLKIT_LINKS = [
        {"title": {"fr": "Accueillir une famille", "en": "Welcoming a family"},
         "url": {"fr": "/fr/trousse/accueil/", "en": "/en/toolkit/welcome/"}},
    ]

``FORUM_WELCOME_INTRODUCTION_THREAD`` is the id of the "introduce yourself"
thread (else the latest thread tagged ``FORUM_WELCOME_INTRODUCTION_TAG``), and
``FORUM_WELCOME_CATEGORIES`` the slugs of the categories offered to watch (all
categories the member may read when empty).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

_PROVIDERS: list[Callable[[object], list[dict]]] = []


def starter_links_register(provider: Callable[[object], list[dict]]) -> None:
    """``provider(request)`` returns ``[{"title": str, "url": str}, …]`` in the current language."""
    _PROVIDERS.append(provider)


def _localised(value) -> str:
    if isinstance(value, dict):
        language = translation.get_language() or settings.LANGUAGE_CODE
        return value.get(language) or value.get(settings.LANGUAGE_CODE) or ""
    return str(value or "")


def starter_links(request) -> list[dict]:
    links = [
        {"title": _localised(item.get("title")), "url": _localised(item.get("url"))}
        for item in getattr(settings, "FORUM_WELCOME_TOOLKIT_LINKS", [])
    ]
    for provider in _PROVIDERS:
        links.extend(provider(request))
    return [link for link in links if link["title"] and link["url"]]


def introduction_thread(user):
    """The "introduce yourself" thread readable by ``user``: the one set by id, else the
    latest thread tagged ``FORUM_WELCOME_INTRODUCTION_TAG`` (what the animation team does
    from the forum itself, without touching settings)."""
    from forum.models import Thread

    threads = Thread.objects.visible_to(user)
    thread_id = getattr(settings, "FORUM_WELCOME_INTRODUCTION_THREAD", None)
    if thread_id:
        return threads.filter(pk=thread_id).first()
    tag = getattr(settings, "FORUM_WELCOME_INTRODUCTION_TAG", "presentations")
    return threads.filter(tags__slug=tag).order_by("-created_at").first() if tag else None


def categories_to_watch(user) -> list:
    from forum.models import Category
    from forum.notifications import selectors as notification_selectors

    categories = Category.objects.visible_to(user)
    slugs = getattr(settings, "FORUM_WELCOME_CATEGORIES", [])
    if slugs:
        categories = categories.filter(slug__in=slugs)
    levels = notification_selectors.own_levels(user, "category")
    result = list(categories)
    for category in result:
        category.watch_level = levels.get(category.pk, 1)
    return result


def welcome_context(request) -> dict:
    user = request.user
    from forum.peers.selectors import may_see_members

    return {
        "is_member": may_see_members(user),
        "introduction_thread": introduction_thread(user),
        "categories": categories_to_watch(user),
        "starter_links": starter_links(request),
        "profile_complete": bool(
            user.job_title and user.expertise.exists() and user.territories.exists()
        ),
    }


def panel_context(request) -> dict | None:
    """The welcome panel of *Mon compte*, for members who joined recently."""
    user = request.user
    days = getattr(settings, "FORUM_WELCOME_PANEL_DAYS", 60)
    if user.date_joined < timezone.now() - timedelta(days=days):
        return None
    return {"welcome_url": reverse("forum:welcome")}
