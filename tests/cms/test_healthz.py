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


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/hsds/nothing-here", "/events/feed/nothing.ics", "/rss/nothing.xml"]
)
def test_unknown_machine_endpoints_answer_404_not_a_redirect_to_a_page(client, site, path):
    response = client.get(path)
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_unprefixed_page_address_still_redirects_to_its_language(client, site):
    response = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/en/directory/"
