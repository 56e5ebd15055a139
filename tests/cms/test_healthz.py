import pytest

from django.test import override_settings


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_channel_layer_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "channel_layer": "ok"}}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_channel_layer_is_down(client):
    from channels.layers import channel_layers

    dead_redis = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},  # discard port: nothing listens
        }
    }
    with override_settings(CHANNEL_LAYERS=dead_redis):
        channel_layers.backends.pop("default", None)
        try:
            response = client.get("/healthz")
        finally:
            channel_layers.backends.pop("default", None)
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"] == "error"
    assert response.json()["checks"]["database"] == "ok"
