"""A URL configuration with only the HSDS API, for its 404 responses.

Django's ``LocaleMiddleware`` turns every 404 outside the language prefix
into a redirect to ``/fr/<same path>`` when that path resolves, and Wagtail's
catch-all page route (inside ``i18n_patterns``) resolves nearly anything: an
API client asking for an unknown id would get a redirect to an HTML page.
The API's 404 responses set ``request.urlconf`` to this module, which has no
language prefix, so that the middleware leaves them alone.
"""

from django.urls import include, path

urlpatterns = [path("api/hsds/", include("directory.api.urls"))]
