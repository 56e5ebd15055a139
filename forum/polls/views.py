"""Polls in threads: add one, vote, close. No JavaScript needed: forms and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from forum import access
from forum.models import Poll, Thread
from forum.polls import services
from forum.polls.forms import PollForm


def _thread_url(thread, anchor: str = "") -> str:
    url = reverse("forum:thread", kwargs={"thread_id": thread.pk, "slug": thread.slug})
    return url + (f"#{anchor}" if anchor else "")


def _readable_thread(user, thread_id: int) -> Thread:
    thread = Thread.objects.visible_to(user).filter(pk=thread_id).first()
    if thread is None:
        raise Http404
    return thread


def _readable_poll(user, poll_id: int) -> Poll:
    poll = (
        Poll.objects.filter(pk=poll_id, thread__in=Thread.objects.visible_to(user))
        .select_related("thread")
        .first()
    )
    if poll is None:
        raise Http404
    return poll


@login_required
@require_http_methods(["GET", "POST"])
def poll_new(request, thread_id: int):
    thread = _readable_thread(request.user, thread_id)
    if not request.user.has_perm(access.ADD_POLL, thread):
        raise PermissionDenied
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.poll_create(thread=thread, by=request.user, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("The poll has been added to the thread."))
            return redirect(_thread_url(thread, f"poll-{poll.pk}"))
    return render(request, "forum/polls/poll_new.html", {"thread": thread, "form": form})


@login_required
@require_POST
def poll_vote(request, poll_id: int):
    poll = _readable_poll(request.user, poll_id)
    try:
        services.poll_vote(poll=poll, voter=request.user, option_ids=_option_ids(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Your vote has been recorded."))
    return redirect(_thread_url(poll.thread, f"poll-{poll.pk}"))


def _option_ids(request) -> list[int]:
    return [int(value) for value in request.POST.getlist("option") if value.isdigit()]


@login_required
@require_POST
def poll_close(request, poll_id: int):
    poll = _readable_poll(request.user, poll_id)
    services.poll_close(poll=poll, by=request.user)
    messages.success(request, gettext("The poll is closed: everyone sees its results."))
    return redirect(_thread_url(poll.thread, f"poll-{poll.pk}"))
