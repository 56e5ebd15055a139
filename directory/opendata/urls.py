"""``/api/hsds/``: machine endpoints, outside the language prefix (DESIGN.md).

Paths are written without a trailing slash, as the HSDS OpenAPI description
does; a trailing slash is accepted too.
"""

from django.urls import path, re_path

from directory.opendata import views

app_name = "hsds"

urlpatterns = [
    path("", views.api_root, name="root"),
    re_path(r"^profile/?$", views.profile, name="profile"),
    re_path(r"^openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^services/?$", views.service_list, name="services"),
    re_path(r"^services/(?P<id>[^/]+)/?$", views.service_detail, name="service"),
    re_path(r"^organizations/?$", views.organization_list, name="organizations"),
    re_path(r"^organizations/(?P<id>[^/]+)/?$", views.organization_detail, name="organization"),
    re_path(r"^taxonomies/?$", views.taxonomy_list, name="taxonomies"),
    re_path(r"^taxonomies/(?P<id>[^/]+)/?$", views.taxonomy_detail, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.taxonomy_term_list, name="taxonomy_terms"),
    re_path(r"^taxonomy_terms/(?P<id>[^/]+)/?$", views.taxonomy_term_detail, name="taxonomy_term"),
    re_path(r"^export\.zip$", views.export_zip, name="export"),
]
