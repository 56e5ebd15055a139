"""The notification centre, e-mail preferences and watching levels: server-rendered, no JS."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from forum.models import Category, ForumGroup, Tag, Thread
from forum.notifications import selectors, services, texts
from forum.notifications.forms import LEVEL_HELP, NotificationSettingsForm, WatchForm

PAGE_SIZE = 30


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        count = services.notifications_mark_read(user=request.user)
        if count:
            messages.success(request, gettext("All your notifications are marked read."))
        return redirect("forum:notifications")
    services.unreadable_mark_read(user=request.user)
    unread = selectors.unread_readable_count(request.user)
    selectors.unread_store(request.user, unread)  # the header below shows the exact count
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [
        {"notification": n, "sentence": texts.sentence(n), "unread": n.read_at is None}
        for n in page
    ]
    return render(
        request,
        "forum/notifications/notification_list.html",
        {"page": page, "items": items, "unread": unread},
    )


@login_required
def notification_open(request, notification_id: int):
    """Mark one notification read and go where it leads (only if still readable)."""
    notification = selectors.notifications_of(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    services.notification_open(user=request.user, notification_id=notification.pk)
    return redirect(texts.link(notification))


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = selectors.settings_for(request.user)
    form = NotificationSettingsForm(
        request.POST or None,
        initial={"frequency": current.frequency, "include_content": current.include_content},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_settings_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your e-mail preferences have been saved."))
            return redirect("forum:notification_settings")
    return render(
        request,
        "forum/notifications/settings.html",
        {
            "form": form,
            "watches": selectors.watches_of(request.user),
            "level_help": LEVEL_HELP,
        },
    )


#: What may be watched, and how each is found among what the member may read.
WATCH_TARGETS = {
    "thread": lambda user: Thread.objects.visible_to(user),
    "category": lambda user: Category.objects.visible_to(user),
    "group": lambda user: ForumGroup.objects.visible_to(user),
    "tag": lambda user: Tag.objects.all(),
}


@login_required
@require_POST
def watch(request, target: str, target_id: int):
    """Set the member's level on a thread, category, group or tag they may read."""
    if target not in WATCH_TARGETS:
        raise Http404
    obj = WATCH_TARGETS[target](request.user).filter(pk=target_id).first()
    if obj is None:
        raise Http404
    form = WatchForm(request.POST)
    if form.is_valid():
        services.watch_set(user=request.user, level=form.cleaned_data["level"], **{target: obj})
        messages.success(request, gettext("Your notification level has been saved."))
    else:
        messages.error(request, gettext("Choose a level among those offered."))
    next_url = form.data.get("next") or request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return redirect(next_url or "forum:notification_settings")
