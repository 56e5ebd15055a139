from django.urls import path

from .views import accounts, editing, public

app_name = "directory"

urlpatterns = [
    # Public directory: search, map, profiles.
    path("", public.search, name="search"),
    path("map/", public.map_page, name="map"),
    path("map/locations.geojson", public.map_data, name="map_data"),
    path("organisations/<slug:slug>/", public.organisation_detail, name="organisation_detail"),
    path("services/<slug:slug>/", public.service_detail, name="service_detail"),
    # Accounts and memberships.
    path("account/", accounts.my_account, name="my_account"),
    # Self-service editing by organisation admins.
    path("manage/<slug:slug>/", editing.manage_organisation, name="manage_organisation"),
]
