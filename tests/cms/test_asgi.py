"""The ASGI application: WebSockets pass the origin check and carry the session user."""

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from django.urls import path

from cms.asgi import application


async def test_websocket_from_a_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(
        application, "/ws/anything/", headers=[(b"origin", b"https://evil.example.com")]
    )
    connected, _ = await communicator.connect()
    assert connected is False
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_websocket_to_a_path_nobody_routes_is_refused_without_an_error(caplog):
    communicator = WebsocketCommunicator(
        application, "/ws/no-such-socket/", headers=[(b"origin", b"http://testserver")]
    )
    connected, code = await communicator.connect()
    assert connected is False
    assert code == 4404
    assert not [record for record in caplog.records if record.levelname in ("ERROR", "CRITICAL")]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_websocket_scope_carries_the_session_user(member, client, monkeypatch):
    from asgiref.sync import sync_to_async
    from channels.generic.websocket import AsyncJsonWebsocketConsumer

    class WhoAmI(AsyncJsonWebsocketConsumer):
        async def connect(self):
            await self.accept()
            user = self.scope["user"]
            await self.send_json({"authenticated": user.is_authenticated, "id": user.pk})

    # Route a probe consumer through the real middleware stack of cms.asgi.
    stack = application.application_mapping["websocket"]
    auth_stack = stack.application
    monkeypatch.setattr(
        auth_stack.inner.inner, "inner", URLRouter([path("ws/whoami/", WhoAmI.as_asgi())])
    )

    await sync_to_async(client.force_login)(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(
        application,
        "/ws/whoami/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {"authenticated": True, "id": member.pk}
    await communicator.disconnect()
