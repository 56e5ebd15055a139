from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("account/", views.my_account, name="my_account"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("services/<slug:slug>/", views.service_detail, name="service_detail"),
]
