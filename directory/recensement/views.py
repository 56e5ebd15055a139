"""The organisations' side of a campaign: the private link's answer form (no account).

Under the language prefix (``/fr/directory/recensement/<token>/``). A link
that cannot be used gets a page in both languages, never a 500: 404 for a
tampered or withdrawn link, 410 for an expired one. Pages are not cached
and not indexed (the link is a secret).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache

from directory.recensement import services, tokens
from directory.recensement.forms import AnswerForm

TEMPLATES = "directory/recensement/"


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_error(request, reason: str):
    status = 410 if reason == "expired" else 404
    return _private(
        render(request, f"{TEMPLATES}link_error.html", {"reason": reason}, status=status)
    )


@never_cache
def campaign_answer(request, token):
    try:
        invitation = tokens.invitation_from_token(token)
    except tokens.LinkError as error:
        return _link_error(request, error.reason)
    status = 200
    if request.method == "POST":
        form = AnswerForm(invitation, request.POST)
        form.replace = {
            key.removeprefix("replace_"): value
            for key, value in request.POST.items()
            if key.startswith("replace_") and value
        }
        if form.is_valid():
            try:
                outcome = services.campaign_answer_submit(
                    invitation=invitation,
                    respondent=form.respondent.cleaned_data,
                    questions=form.questions.answers(),
                    needs=form.needs_rows(),
                    data=request.POST,
                    organisation_changed=form.organisation_changed(),
                    changed_services=[s for s, _f in form.changed_services()],
                    gone_services=form.gone_services(),
                    confirmed_services=form.confirmed_services(),
                    adds_service=form.adds_service(),
                    replace=form.replace,
                    language=translation.get_language() or "fr",
                )
            except services.LinkExpired:
                return _link_error(request, "expired")
            except services.AnswerConflict as error:
                form.substitute(error.prefix, error.form)
                form.replace[error.prefix] = str(error.proposal.uuid)
                status = 409
            except services.AnswerInvalid as error:
                form.substitute(error.prefix, error.form)
                status = 400
            else:
                if outcome.concurrent:
                    messages.warning(
                        request,
                        ngettext(
                            "Another answer was sent from this link while you were filling "
                            "in the form. Both answers were kept for staff.",
                            "%(count)d other answers were sent from this link while you were "
                            "filling in the form. All the answers were kept for staff.",
                            len(outcome.concurrent),
                        )
                        % {"count": len(outcome.concurrent)},
                    )
                return redirect(
                    "directory:campaign_answer_done",
                    token=token,
                    sequence=outcome.answer.sequence,
                )
        else:
            status = 400
    else:
        services.invitation_opened(invitation=invitation)
        form = AnswerForm(invitation, answers_seen=invitation.answers.count())
    context = {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "organisation": invitation.organisation,
        "form": form,
        "answered_before": invitation.answers.order_by("-sequence").first(),
    }
    return _private(render(request, f"{TEMPLATES}answer.html", context, status=status))


@never_cache
def campaign_answer_done(request, token, sequence):
    try:
        invitation = tokens.invitation_from_token(token)
    except tokens.LinkError as error:
        return _link_error(request, error.reason)
    answer = invitation.answers.filter(sequence=sequence).first()
    if answer is None:
        raise Http404(gettext("No such answer."))
    context = {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "organisation": invitation.organisation,
        "answer": answer,
        "requests": answer.change_requests.count(),
        "confirmed": answer.confirmed_services.count(),
        "needs": answer.needs.count(),
    }
    return _private(render(request, f"{TEMPLATES}answer_done.html", context))
