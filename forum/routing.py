"""WebSocket routes of the forum (threads and notifications), wired in cms.asgi."""

websocket_urlpatterns: list = []
