"""Reads about members, for the members of the community only.

Why only signed-in members see profiles: members are individuals (a name,
an employer, a job, the territory they work in), not organisations; they
share these to find each other inside a community of practice, not to be
listed on the open web. Québec's privacy law (Loi 25) asks us to expose no
more personal information than the purpose needs: the public directory
shows organisations, and members are found by members. E-mail addresses
are shown to nobody (questions go through the platform). The rule is
``forum.see_members`` (``forum/access.py``): the people who read the
community's non-public categories.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from directory.models import Membership, Organisation, ServiceCategory, Territory
from forum import access

User = get_user_model()


def may_see_members(viewer) -> bool:
    """Whether ``viewer`` may see member profiles and the "who to ask" page."""
    return bool(viewer and viewer.is_authenticated and viewer.has_perm(access.SEE_MEMBERS))


def _profiles(viewer) -> QuerySet:
    """Active members of the community (an active membership in an organisation), with
    what a profile or a card shows, in four queries."""
    organisations = Organisation.objects.visible_to(viewer)
    members = Membership.objects.filter(state=Membership.State.ACTIVE).values("user_id")
    return (
        User.objects.filter(is_active=True, handle__isnull=False, pk__in=members)
        .prefetch_related(
            Prefetch(
                "expertise",
                queryset=ServiceCategory.objects.select_related("parent").order_by("position"),
            ),
            Prefetch("territories", queryset=Territory.objects.order_by("position", "name")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(
                    state=Membership.State.ACTIVE, organisation__in=organisations
                )
                .select_related("organisation")
                .order_by("organisation__name"),
                to_attr="organisations_shown",
            ),
        )
        .order_by("display_name", "pk")
    )


def member_get(*, viewer, handle: str):
    """The profile of the member with this handle; ``User.DoesNotExist`` otherwise."""
    return _profiles(viewer).get(handle=handle)


def members_find(
    *,
    viewer,
    expertise: ServiceCategory | None = None,
    territory: Territory | None = None,
    text: str = "",
) -> QuerySet:
    """Members to ask: with this expertise (a top-level area includes its sub-areas),
    working in this territory, whose name or job title contains ``text``.

    Without an area, only members who declared at least one are listed: the
    page is for finding whom to ask, not a list of everyone.
    """
    members = _profiles(viewer)
    if expertise is not None:
        areas = Q(pk=expertise.pk) | Q(parent_id=expertise.pk)
        members = members.filter(
            pk__in=User.expertise.through.objects.filter(
                servicecategory__in=ServiceCategory.objects.filter(areas)
            ).values("user_id")
        )
    else:
        members = members.filter(pk__in=User.expertise.through.objects.values("user_id"))
    if territory is not None:
        members = members.filter(
            pk__in=User.territories.through.objects.filter(territory=territory).values("user_id")
        )
    text = " ".join(text.split())[:100]
    if text:
        members = members.filter(
            Q(display_name__icontains=text)
            | Q(job_title__icontains=text)
            | Q(handle__icontains=text)
        )
    return members


def expertise_choices() -> QuerySet:
    return ServiceCategory.objects.select_related("parent").order_by("position")


def territory_choices() -> QuerySet:
    return Territory.objects.order_by("position", "name")


def categories_to_ask_in(viewer) -> QuerySet:
    """Categories where ``viewer`` may start a thread (to share a question to peers)."""
    from forum.models import Category

    allowed = [
        c.pk for c in Category.objects.visible_to(viewer) if viewer.has_perm(access.START_THREAD, c)
    ]
    return Category.objects.filter(pk__in=allowed).order_by("position", "name")


def recent_posts(*, member, viewer, limit: int = 5) -> list:
    """The member's latest posts that ``viewer`` may read (the forum's reading rule)."""
    from forum.models import Post

    return list(
        Post.objects.visible_to(viewer)
        .filter(author=member, state=Post.State.VISIBLE)
        .select_related("thread")
        .order_by("-created_at")[:limit]
    )
