from django.urls import path

from .views import accounts, editing, public

app_name = "directory"

urlpatterns = [
    # Public directory: search, map, profiles.
    path("", public.search, name="search"),
    path("organisations/<slug:slug>/", public.organisation_detail, name="organisation_detail"),
    path("services/<slug:slug>/", public.service_detail, name="service_detail"),
    # Accounts and memberships.
    path("account/", accounts.my_account, name="my_account"),
    # Self-service editing by organisation admins.
    path("manage/<slug:slug>/", editing.manage_organisation, name="manage_organisation"),
]
