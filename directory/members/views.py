"""A member's own account: profile, memberships, and the requests they answer as admin.

Thin views: each parses a form, calls one service from ``directory.members.services``
and redirects, or renders the page again with the bound form so that what
the member typed is kept and the errors sit next to it. Permission is
checked here (403 before any work) and again in the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from directory import mail
from directory.catalogue import selectors as catalogue_selectors
from directory.members import account_panels, admins, invitations, notices, services
from directory.members import selectors as membership_selectors
from directory.members.forms import (
    InvitationForm,
    MemberProfileForm,
    MembershipDecisionForm,
    MembershipRequestForm,
    NoticesForm,
)
from directory.models import Membership, Organisation


def _decision_items(requests, bound: MembershipDecisionForm | None = None) -> list[dict]:
    """One (membership, form) pair per pending request; ``bound`` replaces its own."""
    items = []
    for membership in requests:
        if bound is not None and bound.membership_id == membership.pk:
            form = bound
        else:
            form = MembershipDecisionForm(membership_id=membership.pk)
        items.append({"membership": membership, "form": form})
    return items


def _render_my_account(
    request,
    *,
    profile_form: MemberProfileForm | None = None,
    join_form: MembershipRequestForm | None = None,
    decision_form: MembershipDecisionForm | None = None,
    notices_form: NoticesForm | None = None,
):
    user = request.user
    offered = membership_selectors.organisations_member_may_join(user=user)
    context = {
        "notices_form": notices_form or NoticesForm(kinds=notices.kinds_for(user), user=user),
        "profile_form": profile_form or MemberProfileForm.for_member(user),
        "join_form": join_form or MembershipRequestForm(offered=offered),
        "can_join": join_form is not None or offered.exists(),
        "memberships": membership_selectors.memberships_of_member(user=user),
        "decisions": _decision_items(
            membership_selectors.membership_requests_to_decide(user=user), decision_form
        ),
        "administered": membership_selectors.organisations_managed_by(user=user),
        "account_panels": account_panels.panels_for(request),
    }
    return render(request, "directory/my_account.html", context)


def _my_account_url(anchor: str = "") -> str:
    return reverse("directory:my_account") + (f"#{anchor}" if anchor else "")


@login_required
def my_account(request):
    return _render_my_account(request)


@login_required
@require_http_methods(["GET", "POST"])
def profile_update(request):
    if request.method == "GET":
        return redirect(_my_account_url("profile"))
    form = MemberProfileForm.for_member(request.user, data=request.POST)
    if form.is_valid():
        try:
            services.member_profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your profile has been saved."))
            return redirect(_my_account_url("profile"))
    request.user.refresh_from_db()
    return _render_my_account(request, profile_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def notices_update(request):
    """Which e-mail notices the member receives."""
    if request.method == "GET":
        return redirect(_my_account_url("notices"))
    form = NoticesForm(data=request.POST, kinds=notices.kinds_for(request.user), user=request.user)
    if form.is_valid():
        try:
            services.member_notices_update(user=request.user, receive=form.receive())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your choice of notices has been saved."))
            return redirect(_my_account_url("notices"))
    return _render_my_account(request, notices_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def membership_request(request):
    if request.method == "GET":
        return redirect(_my_account_url("join"))
    offered = membership_selectors.organisations_member_may_join(user=request.user)
    form = MembershipRequestForm(data=request.POST, offered=offered)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.membership_request(
                user=request.user,
                organisation=organisation,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext(
                    "Your request to join %(organisation)s has been sent to its "
                    "administrators. You will receive their answer by e-mail."
                )
                % {"organisation": organisation.i18n.name},
            )
            return redirect(_my_account_url("memberships"))
    return _render_my_account(request, join_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def membership_leave(request, membership_id: int):
    """Confirm, then leave an organisation or withdraw a pending request (own memberships only)."""
    membership = membership_selectors.membership_get_own_current(
        user=request.user, membership_id=membership_id
    )
    error = None
    if request.method == "POST":
        was_request = membership.state == Membership.State.REQUESTED
        try:
            services.membership_leave(membership=membership)
        except ValidationError as exc:
            error = exc
        else:
            name = membership.organisation.i18n.name
            if was_request:
                text = gettext("Your request to join %(organisation)s has been withdrawn.")
            else:
                text = gettext("You have left %(organisation)s.")
            messages.success(request, text % {"organisation": name})
            return redirect(_my_account_url("memberships"))
    return render(
        request,
        "directory/account/membership_leave.html",
        {"membership": membership, "errors": error.messages if error else []},
    )


@login_required
@require_POST
def membership_decide(request, membership_id: int):
    """Accept or refuse one pending request (``DECIDE_MEMBERSHIP``)."""
    try:
        membership = membership_selectors.membership_get_decidable(
            user=request.user, membership_id=membership_id
        )
    except Membership.DoesNotExist as error:
        raise Http404 from error
    form = MembershipDecisionForm(data=request.POST, membership_id=membership.pk)
    if form.is_valid():
        decide = (
            services.membership_accept
            if form.cleaned_data["decision"] == MembershipDecisionForm.ACCEPT
            else services.membership_refuse
        )
        try:
            decide(membership=membership, decided_by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            member, organisation = membership.user.public_name, membership.organisation.i18n.name
            if membership.state == Membership.State.ACTIVE:
                text = gettext("%(member)s is now a member of %(organisation)s.")
            else:
                text = gettext("The request of %(member)s to join %(organisation)s was refused.")
            messages.success(request, text % {"member": member, "organisation": organisation})
        return HttpResponseRedirect(_next_url(request) or _my_account_url("requests"))
    if _next_url(request):
        # The form came from an organisation's members page: show it there again.
        return _render_organisation_members(
            request, organisation=membership.organisation, decision_form=form
        )
    return _render_my_account(request, decision_form=form)


def _next_url(request) -> str | None:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _render_organisation_members(
    request,
    *,
    organisation: Organisation,
    decision_form: MembershipDecisionForm | None = None,
    invitation_form: InvitationForm | None = None,
    status: int = 200,
):
    members = membership_selectors.organisation_members_for_admin(
        user=request.user, organisation=organisation
    )
    pending = membership_selectors.membership_requests_to_decide(user=request.user).filter(
        organisation=organisation
    )
    return render(
        request,
        "directory/account/organisation_members.html",
        {
            "organisation": organisation,
            "members": members,
            "admin_count": sum(1 for m in members if m.role == Membership.Role.ADMIN),
            "decisions": _decision_items(pending, decision_form),
            "invitations": membership_selectors.invitations_pending_of(
                user=request.user, organisation=organisation
            ),
            "invitation_form": invitation_form
            or InvitationForm(initial={"language": translation.get_language()}),
        },
        status=status,
    )


def _members_url(organisation: Organisation, anchor: str = "") -> str:
    url = reverse("directory:organisation_members", kwargs={"slug": organisation.slug})
    return url + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def membership_role_change(request, slug: str, membership_id: int):
    """Make a member an administrator, or a plain member again (``MANAGE_MEMBERS``)."""
    organisation = catalogue_selectors.organisation_get_visible(user=request.user, slug=slug)
    membership = membership_selectors.membership_get_manageable(
        user=request.user, organisation=organisation, membership_id=membership_id
    )
    try:
        admins.membership_role_change(
            membership=membership, role=request.POST.get("role", ""), changed_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = membership.user.public_name
        if membership.role == Membership.Role.ADMIN:
            text = gettext("%(member)s is now an administrator of the organisation.")
        else:
            text = gettext("%(member)s is now a member without administrator rights.")
        messages.success(request, text % {"member": name})
    return redirect(_members_url(organisation, "members"))


@login_required
@require_POST
def invitation_create(request, slug: str):
    """Invite a colleague's address (``MANAGE_MEMBERS``); the form is kept on errors."""
    organisation = catalogue_selectors.organisation_get_visible(user=request.user, slug=slug)
    form = InvitationForm(data=request.POST)
    if form.is_valid():
        try:
            invitation = invitations.invitation_create(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect(_members_url(organisation, "invitations"))
    return _render_organisation_members(
        request, organisation=organisation, invitation_form=form, status=400
    )


@login_required
@require_POST
def invitation_revoke(request, slug: str, invitation_id: int):
    organisation = catalogue_selectors.organisation_get_visible(user=request.user, slug=slug)
    invitation = membership_selectors.invitation_get_manageable(
        user=request.user, organisation=organisation, invitation_id=invitation_id
    )
    try:
        invitations.invitation_revoke(invitation=invitation, revoked_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
        )
    return redirect(_members_url(organisation, "invitations"))


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The page an invitation's link opens: who invites, to what; sign in, then accept.

    Open to visitors (the invited person may have no account yet); accepting
    needs the account that owns the invited address.
    """
    invitation = invitations.invitation_get_open(token=token)
    error = None
    if invitation is not None and request.method == "POST" and request.user.is_authenticated:
        try:
            membership = invitations.invitation_accept(token=token, user=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(
                request,
                gettext("Welcome to %(organisation)s!")
                % {"organisation": membership.organisation.i18n.name},
            )
            return redirect(_my_account_url("memberships"))
    context = {
        "invitation": invitation,
        "error": error,
        "address_matches": invitation is not None
        and request.user.is_authenticated
        and invitations.address_is_the_members(user=request.user, email=invitation.email),
    }
    response = render(
        request,
        "directory/account/invitation.html",
        context,
        status=410 if invitation is None else (400 if error else 200),
    )
    # The link is a secret: never sent on to other sites, never cached.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def organisation_members(request, slug: str):
    """Who belongs to an organisation, and who asks to (``MANAGE_MEMBERS``).

    An organisation the member may not even see is a 404; a visible one they
    do not administer is a 403 (raised by the selector).
    """
    organisation = catalogue_selectors.organisation_get_visible(user=request.user, slug=slug)
    return _render_organisation_members(request, organisation=organisation)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe (RFC 8058): the signed token is the only credential.

    A POST (the mail client's ``List-Unsubscribe=One-Click``, or the button of
    this page) turns the notice off, without signing in; a GET only shows the
    button, since link scanners open every link of an e-mail. No CSRF token:
    a mail client cannot send one, and a forged request would need the
    member's secret link, which does nothing but stop one kind of e-mail.
    """
    try:
        user_uuid, key = mail.unsubscribe_token_read(token)
    except signing.BadSignature:
        kind = None
    else:
        kind = notices.kind_get(key)
    if kind is None:
        return render(request, "directory/account/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        try:
            services.member_notice_turn_off(user_uuid=user_uuid, notice=key)
        except ValidationError:
            return render(
                request, "directory/account/unsubscribe.html", {"invalid": True}, status=400
            )
        return render(request, "directory/account/unsubscribe.html", {"kind": kind, "done": True})
    return render(request, "directory/account/unsubscribe.html", {"kind": kind})
