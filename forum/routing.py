"""WebSocket routes of the forum (threads and notifications), wired in cms.asgi."""

from django.urls import path

from forum.consumers import NotificationConsumer, ThreadConsumer

websocket_urlpatterns: list = [
    path("ws/forum/threads/<int:thread_id>/", ThreadConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
