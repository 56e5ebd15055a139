"""Feed endpoints: serve the stored bytes, answer 304 when the client already has them.

Thin on purpose: which events a feed holds is decided in
``events/feeds/definitions.py``, building and storing in
``events/feeds/snapshots.py``. These views find the feed's key (checking
the organisation, the event or the token), then serve its snapshot.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.views.decorators.http import require_safe

from events import access
from events.feeds.definitions import FeedGone
from events.feeds.snapshots import Snapshot, snapshot_get
from events.models import CalendarToken, Event, EventKind


def _max_age() -> int:
    return getattr(settings, "EVENTS_FEED_MAX_AGE", 900)


def _headers(response: HttpResponse, snapshot: Snapshot, filename: str) -> HttpResponse:
    response["ETag"] = snapshot.etag
    response["Last-Modified"] = http_date(snapshot.changed_at.timestamp())
    if snapshot.public:
        response["Cache-Control"] = f"public, max-age={_max_age()}"
    else:
        # A member's feed, or an event not everyone may read: no shared cache keeps it.
        response["Cache-Control"] = f"private, max-age={_max_age()}"
        response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _not_modified(request, snapshot: Snapshot) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = parse_etags(if_none_match)
        bare = snapshot.etag.strip('"')
        return "*" in tags or any(tag.removeprefix("W/").strip('"') == bare for tag in tags)
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(snapshot.changed_at.timestamp()) <= since


def feed_serve(request, key: str, filename: str) -> HttpResponse:
    try:
        snapshot = snapshot_get(key)
    except FeedGone as error:
        raise Http404 from error
    if _not_modified(request, snapshot):
        return _headers(HttpResponseNotModified(), snapshot, filename)
    response = HttpResponse(snapshot.content(), content_type="text/calendar; charset=utf-8")
    return _headers(response, snapshot, filename)


@require_safe
def all_events(request):
    return feed_serve(request, "all", "continuum.ics")


@require_safe
def kind_events(request, kind: str):
    if kind not in EventKind.values:
        raise Http404
    return feed_serve(request, f"kind:{kind}", f"continuum-{kind}.ics")


@require_safe
def organisation_events(request, slug: str):
    from directory.models import Organisation

    organisation = Organisation.objects.visible_to(None).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return feed_serve(request, f"organisation:{organisation.pk}", f"{slug}.ics")


@require_safe
def event_feed(request, pk: int):
    event = Event.objects.filter(pk=pk).first()
    if event is None or not request.user.has_perm(access.READ_EVENT, event):
        raise Http404
    return feed_serve(request, f"event:{event.pk}", f"{event.slug}.ics")


@require_safe
def member_events(request, token: str):
    owner = CalendarToken.objects.filter(token=token, user__is_active=True).first()
    if owner is None:
        raise Http404
    return feed_serve(request, f"member:{owner.user_id}", "my-events.ics")
