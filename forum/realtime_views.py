"""``/forum/threads/<id>/events?after=<seq>``: a thread's events over HTTP (DESIGN.md).

For clients that cannot hold a socket (the live-thread script polls it when
the socket cannot be opened): the same messages as the WebSocket, rendered
for the same reader, under the same reading rule. A machine endpoint: no
language prefix (``lang`` chooses the language of the rendered HTML; else
the request's). At most :data:`forum.realtime.REPLAY_BATCH` events per
answer; ``more`` says to ask again from the last ``seq``.
"""

from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie

from forum import realtime
from forum.models import Thread


@never_cache
@vary_on_cookie
@require_GET
def thread_events(request, thread_id: int):
    try:
        after = int(request.GET.get("after", ""))
    except ValueError:
        after = -1
    if after < 0:
        return JsonResponse(
            {"error": "after", "message": "after must be a sequence number (0 or more)."},
            status=400,
        )
    viewer = request.user if request.user.is_authenticated else None
    thread = Thread.objects.visible_to(viewer).filter(pk=thread_id).first()
    if thread is None:
        # Not found and not readable answer alike: a private thread's existence stays private.
        return JsonResponse({"error": "not_found"}, status=404)
    language = realtime.reader_language(request.GET.get("lang") or translation.get_language())
    reader = realtime.Reader(
        realtime.reader_audience(viewer, thread), language, viewer.pk if viewer else None
    )
    events = realtime.thread_events_after(thread.pk, after, reader)
    return JsonResponse(
        {
            "thread": thread.pk,
            "after": after,
            "events": events,
            "more": len(events) >= realtime.REPLAY_BATCH,
        }
    )
