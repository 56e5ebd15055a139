"""The private feed's address management (a page action, under the language prefix)."""

from django.urls import path

from events.feeds import page_views

urlpatterns = [
    path("my/calendar/", page_views.calendar_token, name="events_calendar_token"),
]
