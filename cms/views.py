import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer_answers() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=3)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned another message")


@never_cache
async def healthz(request):
    """200 only when both the database and the channel layer answer; 503 otherwise."""
    checks = {}
    for name, probe in (
        ("database", sync_to_async(_database_answers, thread_sensitive=True)),
        ("channel_layer", _channel_layer_answers),
    ):
        try:
            await probe()
            checks[name] = "ok"
        except Exception as error:  # any failure is a failed check, reported not raised
            logger.warning("healthz: %s failed: %r", name, error)
            checks[name] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def robots_txt(request):
    """Crawlers: everything public, not the admin nor the accounts; where the sitemap is."""
    from django.http import HttpResponse

    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /fr/accounts/",
        "Disallow: /en/accounts/",
        "Disallow: /fr/directory/account/",
        "Disallow: /en/directory/account/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
