"""Reads of the tournée and of the needs, each applying the access policy.

Visits, follow-ups and attachments: ``directory.manage_visits``. Needs:
``directory.view_needs`` (``Need.objects.visible_to``). Nothing here is
ever public.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from directory import access
from directory.models import FollowUp, Need, Visit, VisitAttachment


def visits_for(*, user):
    return Visit.objects.visible_to(user).prefetch_related("organisations").order_by("-date", "-pk")


def visit_get(*, user, pk: int) -> Visit:
    if user is None or not user.has_perm(access.MANAGE_VISITS):
        raise PermissionDenied
    return get_object_or_404(
        Visit.objects.prefetch_related(
            "organisations",
            "staff_attendees",
            "member_attendees",
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner")),
            "attachments",
            Prefetch(
                "needs",
                queryset=Need.objects.select_related("organisation", "category", "territory")
                .prefetch_related("client_statuses")
                .order_by("pk"),
            ),
        ),
        pk=pk,
    )


def attachment_get(*, user, pk: int) -> VisitAttachment:
    if user is None or not user.has_perm(access.MANAGE_VISITS):
        raise PermissionDenied
    return get_object_or_404(VisitAttachment.objects.select_related("visit"), pk=pk)


def follow_ups_due_soon(*, user, days: int | None = None):
    """Open follow-ups due within ``days`` (late ones first), for the staff dashboard."""
    if user is None or not user.has_perm(access.MANAGE_VISITS):
        return FollowUp.objects.none()
    days = settings.VISIT_FOLLOW_UPS_DUE_SOON_DAYS if days is None else days
    return (
        FollowUp.objects.due_within(days)
        .select_related("visit", "owner")
        .prefetch_related("visit__organisations")
        .order_by("due_on", "pk")
    )


def organisation_visits(*, user, organisation):
    return (
        Visit.objects.visible_to(user)
        .filter(organisations=organisation)
        .prefetch_related("follow_ups")
        .order_by("-date", "-pk")
    )


def organisation_needs(*, user, organisation):
    return (
        Need.objects.visible_to(user)
        .filter(organisation=organisation)
        .select_related("category", "territory", "visit", "campaign_answer__invitation__campaign")
        .prefetch_related("client_statuses")
        .order_by("-recorded_on", "-pk")
    )


def needs_for(*, user):
    return (
        Need.objects.visible_to(user)
        .select_related("organisation", "category", "territory")
        .order_by("-recorded_on", "-pk")
    )


def needs_filtered(needs, *, territory=None, category=None, source=""):
    """Narrow a selector's needs: a territory (placed there, or unplaced needs of
    organisations serving it), a top-level category with its sub-categories, a source."""
    if territory is not None:
        needs = needs.filter(
            Q(territory=territory) | Q(territory__isnull=True, organisation__territories=territory)
        ).distinct()
    if category is not None:
        needs = needs.filter(Q(category=category) | Q(category__parent=category))
    if source:
        needs = needs.filter(source=source)
    return needs
