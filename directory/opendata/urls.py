"""``/api/hsds/``: machine endpoints, outside the language prefix (DESIGN.md).

Paths are written without a trailing slash, as the HSDS OpenAPI description
does; a trailing slash is accepted too.
"""

from django.urls import path, re_path

from directory.opendata import views

app_name = "hsds"

urlpatterns = [
    path("", views.APIRoot.as_view(), name="root"),
    re_path(r"^profile/?$", views.Profile.as_view(), name="profile"),
    re_path(r"^openapi\.json$", views.OpenAPI.as_view(), name="openapi"),
    re_path(r"^services/?$", views.ServiceList.as_view(), name="services"),
    re_path(r"^services/(?P<id>[^/]+)/?$", views.ServiceDetail.as_view(), name="service"),
    re_path(r"^organizations/?$", views.OrganisationList.as_view(), name="organizations"),
    re_path(
        r"^organizations/(?P<id>[^/]+)/?$",
        views.OrganisationDetail.as_view(),
        name="organization",
    ),
    re_path(
        r"^service_at_locations/?$",
        views.ServiceAtLocationList.as_view(),
        name="service_at_locations",
    ),
    re_path(
        r"^service_at_locations/(?P<id>[^/]+)/?$",
        views.ServiceAtLocationDetail.as_view(),
        name="service_at_location",
    ),
    re_path(r"^taxonomies/?$", views.TaxonomyList.as_view(), name="taxonomies"),
    re_path(r"^taxonomies/(?P<id>[^/]+)/?$", views.TaxonomyDetail.as_view(), name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.TaxonomyTermList.as_view(), name="taxonomy_terms"),
    re_path(
        r"^taxonomy_terms/(?P<id>[^/]+)/?$",
        views.TaxonomyTermDetail.as_view(),
        name="taxonomy_term",
    ),
    re_path(r"^export\.zip$", views.ExportArchive.as_view(), name="export"),
]
