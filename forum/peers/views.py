"""Members and peers: profiles, "who to ask", questions, and the newcomer's welcome.

Every page here is for signed-in members only (``selectors.may_see_members``
says why). Views parse, call one selector or service, and render or redirect.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from forum.models import Notification, PeerQuestion
from forum.notifications import services as notification_services
from forum.peers import selectors, services, welcome
from forum.peers.forms import ExpertsQuestionForm, MemberFilterForm, QuestionForm

PAGE_SIZE = 24


def members_only(view):
    """Signed-in members of the community only: others sign in, or learn how to join."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.may_see_members(request.user):
            return render(request, "forum/members/members_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _filters(data) -> tuple[MemberFilterForm, dict]:
    form = MemberFilterForm(data)
    if not form.is_valid():
        return form, {}
    return form, {
        "expertise": form.cleaned_data["expertise"],
        "territory": form.cleaned_data["territory"],
        "text": form.cleaned_data["q"] or "",
    }


@members_only
def member_list(request):
    """Who to ask: members by area of expertise and territory."""
    form, filters = _filters(request.GET)
    members = selectors.members_find(viewer=request.user, **filters)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/members/member_list.html",
        {
            "form": form,
            "page": page,
            "expertise": filters.get("expertise"),
            "territory": filters.get("territory"),
        },
    )


def _member_or_404(request, handle):
    try:
        return selectors.member_get(viewer=request.user, handle=handle)
    except selectors.User.DoesNotExist as error:
        raise Http404 from error


@members_only
def member_detail(request, handle: str):
    member = _member_or_404(request, handle)
    return render(
        request,
        "forum/members/member_detail.html",
        {
            "member": member,
            "is_self": member.pk == request.user.pk,
            "recent_posts": selectors.recent_posts(member=member, viewer=request.user),
        },
    )


def _ask(request, *, template: str, context: dict, send, form_class=QuestionForm, **form_options):
    form = form_class(request.POST or None, initial=context.pop("initial", None), **form_options)
    if request.method == "POST" and form.is_valid():
        try:
            question = send(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return question
    return render(request, template, {**context, "form": form})


@members_only
@require_http_methods(["GET", "POST"])
def member_ask(request, handle: str):
    """Send a question to one member."""
    member = _member_or_404(request, handle)
    if member.pk == request.user.pk:
        return redirect("forum:member_detail", handle=member.handle)
    subject = request.GET.get("subject", "")[: services.SUBJECT_MAX_LENGTH]
    outcome = _ask(
        request,
        template="forum/members/ask.html",
        context={"member": member, "initial": {"subject": subject} if subject else None},
        send=lambda **values: services.peer_question_send(
            sender=request.user, recipient=member, **values
        ),
    )
    if isinstance(outcome, PeerQuestion):
        messages.success(
            request,
            gettext("Your question has been sent to %(member)s.") % {"member": member.public_name},
        )
        return redirect("forum:member_detail", handle=member.handle)
    return outcome


@members_only
@require_http_methods(["GET", "POST"])
def experts_ask(request):
    """Send a question to everyone with an area of expertise (in a territory)."""
    _form, filters = _filters(request.GET)
    expertise = filters.get("expertise")
    if expertise is None:
        messages.error(request, gettext("Choose an area of expertise first."))
        return redirect("forum:member_list")
    territory = filters.get("territory")
    count = (
        selectors.members_find(viewer=request.user, expertise=expertise, territory=territory)
        .exclude(pk=request.user.pk)
        .count()
    )
    outcome = _ask(
        request,
        template="forum/members/ask_experts.html",
        context={"expertise": expertise, "territory": territory, "count": count},
        send=lambda **values: services.peer_question_send(
            sender=request.user, expertise=expertise, territory=territory, **values
        ),
        form_class=ExpertsQuestionForm,
        categories=selectors.categories_to_ask_in(request.user),
    )
    if isinstance(outcome, PeerQuestion):
        messages.success(
            request,
            gettext("Your question has been sent to %(count)s members.")
            % {"count": outcome.recipient_count},
        )
        return redirect(reverse("forum:member_list") + "?" + request.GET.urlencode())
    return outcome


@members_only
def question_detail(request, question_id: int):
    """A question, for its sender and the members it was sent to."""
    asked = Notification.objects.filter(question=question_id, recipient=request.user)
    question = (
        PeerQuestion.objects.filter(pk=question_id)
        .filter(
            Q(sender=request.user) | Q(recipient=request.user) | Q(pk__in=asked.values("question"))
        )
        .select_related("sender", "recipient", "expertise__parent", "territory")
        .first()
    )
    if question is None:
        raise Http404
    notification_services.notifications_mark_read(
        user=request.user, ids=list(asked.filter(read_at__isnull=True).values_list("pk", flat=True))
    )
    return render(request, "forum/members/question_detail.html", {"question": question})


@login_required
def welcome_page(request):
    """The newcomer's path: introduce yourself, categories to watch, starter fiches."""
    return render(request, "forum/members/welcome.html", welcome.welcome_context(request))
