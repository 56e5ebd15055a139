"""The forum's machine endpoints (no language prefix), included at /forum/ by cms.urls."""

from django.urls import path

from forum.realtime_views import thread_events

app_name = "forum_live"

urlpatterns = [
    path("threads/<int:thread_id>/events", thread_events, name="thread_events"),
]
