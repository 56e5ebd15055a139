"""A member creates, replaces or revokes the address of their private feed (from "My events")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.feeds import services


@require_POST
@login_required
def calendar_token(request):
    action = request.POST.get("action")
    if action == "create":
        services.calendar_token_ensure(user=request.user)
        messages.success(request, _("Your private calendar address is ready."))
    elif action == "rotate":
        services.calendar_token_rotate(user=request.user)
        messages.success(
            request,
            _("Your private calendar address is replaced: the old one no longer works."),
        )
    elif action == "revoke":
        services.calendar_token_revoke(user=request.user)
        messages.success(request, _("Your private calendar address no longer works."))
    else:
        return HttpResponseBadRequest()
    return redirect("events:my_events")
