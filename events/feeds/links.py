"""The addresses with which a page offers its feed: https, webcal://, Google, Outlook.

Listing pages put :func:`feed_links` in their context as ``calendar_feed``;
``templates/events/components/feed_head.html`` advertises it in <head>
(``<link rel="alternate" type="text/calendar">``) and
``templates/events/components/subscribe.html`` shows the subscribe links
with short instructions.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

GOOGLE = "https://calendar.google.com/calendar/r?cid={webcal}"
OUTLOOK = "https://outlook.live.com/calendar/0/addfromweb?url={url}&name={name}"


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def feed_links(path: str, *, name: str, private: bool = False, note: str = "") -> dict:
    """Everything the templates need to offer the feed at ``path`` (``/events/feed.ics``)."""
    url = absolute(path)
    webcal = "webcal://" + url.split("://", 1)[1]
    return {
        "url": url,
        "webcal": webcal,
        "google": GOOGLE.format(webcal=quote(webcal, safe=":/")),
        "outlook": OUTLOOK.format(url=quote(url, safe=""), name=quote(name, safe="")),
        "name": name,
        "private": private,
        "note": note,
    }


def listing_feed(*, kind: str = "", organisation=None, partial: bool = False) -> dict:
    """The feed closest to a listing's filters: one organisation's, one kind's, or all."""
    from django.utils.translation import gettext as _

    from events.models import EventKind

    site = settings.WAGTAIL_SITE_NAME
    note = ""
    if partial:
        note = _(
            "This calendar does not apply every filter of the page: it holds all the public "
            "events of the organisation or the kind chosen."
        )
    if organisation is not None:
        path = reverse("events_feed_organisation", kwargs={"slug": organisation.slug})
        return feed_links(path, name=f"{site} — {organisation}", note=note)
    if kind and kind in EventKind.values:
        path = reverse("events_feed_kind", kwargs={"kind": kind})
        return feed_links(path, name=f"{site} — {EventKind(kind).label}", note=note)
    return feed_links(
        reverse("events_feed"), name=_("%(site)s — events") % {"site": site}, note=note
    )


def event_feed(event) -> dict:
    return feed_links(reverse("events_feed_event", kwargs={"pk": event.pk}), name=event.title)


def member_feed(token) -> dict:
    from django.utils.translation import gettext as _

    path = reverse("events_feed_member", kwargs={"token": token.token})
    name = _("%(site)s — my events") % {"site": settings.WAGTAIL_SITE_NAME}
    return feed_links(path, name=name, private=True)
