"""ASGI entry point: HTTP through Django, WebSockets through the forum's routes.

WebSockets pass the allowed-hosts origin check and carry the session's user.
A WebSocket to a path no app routes is refused at the handshake (close code
4404), rather than raising in the router and logging a server error.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from django.urls import re_path  # noqa: E402

from forum.routing import websocket_urlpatterns  # noqa: E402


class UnknownPath(AsyncWebsocketConsumer):
    """Every WebSocket path that no app routes: refused before the handshake completes."""

    async def connect(self):
        await self.close(code=4404)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter([*websocket_urlpatterns, re_path(r"", UnknownPath.as_asgi())])
            )
        ),
    }
)
