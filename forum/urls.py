from django.urls import path

from forum.notifications import views as notifications
from forum.peers import views as peers

app_name = "forum"

urlpatterns: list = []

# --- Members and peers, notifications, polls (branch issue9-notify) ------------------------
urlpatterns += [
    path("members/", peers.member_list, name="member_list"),
    path("members/ask/", peers.experts_ask, name="experts_ask"),
    path("members/<slug:handle>/", peers.member_detail, name="member_detail"),
    path("members/<slug:handle>/ask/", peers.member_ask, name="member_ask"),
    path("questions/<int:question_id>/", peers.question_detail, name="question_detail"),
    path("welcome/", peers.welcome_page, name="welcome"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/",
        notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path(
        "watch/<str:target>/<int:target_id>/",
        notifications.watch,
        name="watch",
    ),
]
