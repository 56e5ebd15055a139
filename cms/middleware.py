"""Locale handling that leaves machine endpoints alone.

Django's ``LocaleMiddleware`` turns a 404 outside the language prefix into a
redirect to ``/fr/<same path>`` whenever that path resolves, and Wagtail's
catch-all page route resolves nearly anything. Machine endpoints (DESIGN.md:
API, feeds, WebSockets, health) have no prefix by contract: a calendar client
or an open-data consumer asking for something that does not exist must get
its 404, not a redirect to an HTML page.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Override points: ``settings.MACHINE_URL_PREFIXES``, ``MACHINE_URL_SUFFIXES`` and
    ``MACHINE_URL_NAMESPACES`` (URL namespaces whose every route is a machine endpoint)."""

    def process_response(self, request, response):
        path = request.path_info
        if path.startswith(tuple(settings.MACHINE_URL_PREFIXES)) or path.endswith(
            tuple(settings.MACHINE_URL_SUFFIXES)
        ):
            return response
        match = getattr(request, "resolver_match", None)
        if match is not None and match.namespace in settings.MACHINE_URL_NAMESPACES:
            return response
        return super().process_response(request, response)
