"""How often an anonymous client may call the public API (``REST_FRAMEWORK`` settings).

``DEFAULT_THROTTLE_CLASSES`` names :class:`PublicRateThrottle`; the rate is
``DEFAULT_THROTTLE_RATES["anon"]`` (``API_THROTTLE_RATE`` in the environment).
Request times are kept in the default cache, Redis in production, so every
ASGI process counts the same client together; the client is its address
(``NUM_PROXIES`` says how many reverse proxies to trust for it). Over the
rate, the API answers ``429`` with ``Retry-After`` (``views.exception_handler``).
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class PublicRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, its rate read from the settings at each request.

    DRF reads ``DEFAULT_THROTTLE_RATES`` once, when it is imported; reading it
    here follows a changed setting (a deployment's override, a test's).
    Signed-in users are not counted (the API has no authentication: nobody is).
    """

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
