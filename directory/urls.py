from django.urls import path

from directory.cartographie import views as cartographie
from directory.catalogue import views as catalogue
from directory.editing import views as editing
from directory.members import views as accounts
from directory.recensement import views as recensement
from directory.search import views as search

app_name = "directory"

urlpatterns = [
    # Public directory: search, map, profiles.
    path("", search.search, name="search"),
    path("map/", search.map_page, name="map"),
    path("map/locations.geojson", search.map_data, name="map_data"),
    path("organisations/<slug:slug>/", catalogue.organisation_detail, name="organisation_detail"),
    path("services/<slug:slug>/", catalogue.service_detail, name="service_detail"),
    # Accounts and memberships.
    path("account/", accounts.my_account, name="my_account"),
    path("account/profile/", accounts.profile_update, name="profile_update"),
    path("account/notices/", accounts.notices_update, name="notices_update"),
    path("account/memberships/", accounts.membership_request, name="membership_request"),
    path(
        "account/memberships/<int:membership_id>/leave/",
        accounts.membership_leave,
        name="membership_leave",
    ),
    path(
        "account/memberships/<int:membership_id>/decide/",
        accounts.membership_decide,
        name="membership_decide",
    ),
    path(
        "account/organisations/<slug:slug>/members/",
        accounts.organisation_members,
        name="organisation_members",
    ),
    path(
        "account/organisations/<slug:slug>/members/<int:membership_id>/role/",
        accounts.membership_role_change,
        name="membership_role_change",
    ),
    path(
        "account/organisations/<slug:slug>/invitations/",
        accounts.invitation_create,
        name="invitation_create",
    ),
    path(
        "account/organisations/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        accounts.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    # Recensement: an invited organisation's private link (no account needed).
    path("recensement/<str:token>/", recensement.campaign_answer, name="campaign_answer"),
    path(
        "recensement/<str:token>/merci/<int:sequence>/",
        recensement.campaign_answer_done,
        name="campaign_answer_done",
    ),
    # Self-service editing by organisation admins.
    path("manage/<slug:slug>/", editing.manage_organisation, name="manage_organisation"),
    path(
        "manage/<slug:slug>/profile/",
        editing.organisation_edit,
        name="manage_organisation_edit",
    ),
    path(
        "manage/<slug:slug>/submit/",
        editing.organisation_submit,
        name="manage_organisation_submit",
    ),
    path("manage/<slug:slug>/services/", editing.service_list, name="manage_services"),
    path(
        "manage/<slug:slug>/services/new/",
        editing.service_create,
        name="manage_service_create",
    ),
    path(
        "manage/<slug:slug>/services/<slug:service_slug>/",
        editing.service_edit,
        name="manage_service_edit",
    ),
    path(
        "manage/<slug:slug>/services/<slug:service_slug>/archive/",
        editing.service_archive,
        name="manage_service_archive",
    ),
    path(
        "manage/<slug:slug>/services/<slug:service_slug>/submit/",
        editing.service_submit,
        name="manage_service_submit",
    ),
    path("manage/<slug:slug>/locations/", editing.location_list, name="manage_locations"),
    path(
        "manage/<slug:slug>/locations/new/",
        editing.location_create,
        name="manage_location_create",
    ),
    path(
        "manage/<slug:slug>/locations/<uuid:location_uuid>/",
        editing.location_edit,
        name="manage_location_edit",
    ),
    path(
        "manage/<slug:slug>/locations/<uuid:location_uuid>/archive/",
        editing.location_archive,
        name="manage_location_archive",
    ),
    path(
        "manage/<slug:slug>/locations/<uuid:location_uuid>/restore/",
        editing.location_restore,
        name="manage_location_restore",
    ),
    path(
        "manage/<slug:slug>/requests/<uuid:uuid>/",
        editing.change_request_detail,
        name="change_request_detail",
    ),
    path(
        "manage/<slug:slug>/requests/<uuid:uuid>/withdraw/",
        editing.change_request_withdraw,
        name="change_request_withdraw",
    ),
    # End of self-service editing.
    # Cartographie: the portrait of the offer (directory/cartographie/).
    path("portrait/", cartographie.portrait, name="portrait"),
    path("portrait/gaps/", cartographie.portrait_gaps, name="portrait_gaps"),
    path("portrait/network/", cartographie.portrait_network, name="portrait_network"),
    path("portrait/suggestions/", cartographie.portrait_suggestions, name="portrait_suggestions"),
    path(
        "portrait/suggestions/introduce/",
        cartographie.portrait_introduce,
        name="portrait_introduce",
    ),
    path(
        "portrait/suggestions/partnership/",
        cartographie.portrait_partnership,
        name="portrait_partnership",
    ),
    path("portrait/continuum/", cartographie.portrait_continuum, name="portrait_continuum"),
    path("portrait/needs/", cartographie.portrait_needs, name="portrait_needs"),
    path("portrait/portrait.xlsx", cartographie.portrait_export_xlsx, name="portrait_xlsx"),
    path("portrait/<slug:table>.csv", cartographie.portrait_export_csv, name="portrait_csv"),
    # End of the cartographie.
]
