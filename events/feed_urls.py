"""iCalendar feeds: machine endpoints without a language prefix (DESIGN.md, "Contracts").

Included at the root by ``cms/urls.py``; each path ends in ``.ics``, which
``MACHINE_URL_SUFFIXES`` keeps out of the language redirect.
"""

from django.urls import path

from events.feeds import views

urlpatterns = [
    path("events/feed.ics", views.all_events, name="events_feed"),
    path("events/feed/<str:kind>.ics", views.kind_events, name="events_feed_kind"),
    path(
        "directory/organisations/<slug:slug>/events.ics",
        views.organisation_events,
        name="events_feed_organisation",
    ),
    path("events/my/<str:token>.ics", views.member_events, name="events_feed_member"),
    path("events/<int:pk>/event.ics", views.event_feed, name="events_feed_event"),
]
