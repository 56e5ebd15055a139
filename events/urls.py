"""Pages of the events, under /fr/events/ and /en/events/ (the feeds have no language prefix)."""

from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("month/", views.month, name="month_current"),
    path("month/<int:year>/<int:month>/", views.month, name="month"),
    path("my/", views.my_events, name="my_events"),
    path(
        "registrations/<str:token>/confirm/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "registrations/<str:token>/cancel/", views.registration_cancel, name="registration_cancel"
    ),
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/<slug:slug>/", views.manage_event, name="manage_event"),
    path("manage/<slug:slug>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/<slug:slug>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("manage/<slug:slug>/delete/", views.manage_delete, name="manage_delete"),
    path("manage/<slug:slug>/<int:pk>/", views.manage_occurrence, name="manage_occurrence"),
    path("<slug:slug>/", views.event_detail, name="event"),
    path("<slug:slug>/<int:pk>/", views.occurrence_detail, name="occurrence"),
    path("<slug:slug>/<int:pk>/register/", views.register, name="register"),
    path("<slug:slug>/<int:pk>/cancel/", views.member_cancel, name="member_cancel"),
]
