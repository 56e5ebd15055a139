"""The forum's rules, on the directory's primitives (``directory/access.py``).

Who reads what:

- a *public* category: everyone, visitors included;
- any other category and every *open* group: members, that is people
  signed in with an active membership in a directory organisation;
- a *private* group: its active members, and for an organisation's own
  space the organisation's active members too;
- holders of ``forum.moderate_any`` (the Modérateurs role): everything.

Hidden threads are read only by those who moderate their space; hidden
posts by them and their author (others see a placeholder). Who posts:
members who may read the space and are not suspended; in a group, its
members (joining an open group takes one click). Locked threads take
posts from moderators only.

The reading rule is written once, as ``Q`` conditions (:func:`thread_read_q`,
:func:`post_read_q`) that the ``visible_to`` querysets apply and the object
rules below ask, so that pages, search, the organisation profile section,
feeds, notifications and sockets cannot disagree.

Answers about the user (member? suspended? which spaces they moderate) are
kept on the user object for the rest of the request, so that a page asking
many rules costs a constant number of queries.
"""

from __future__ import annotations

import rules

from django.db.models import Q
from django.utils import timezone

from directory import access as directory_access

#: Named permission (Meta.permissions of Category): moderate every space, read everything.
MODERATE_ANY = "forum.moderate_any"

# Object rules, checked with user.has_perm(name, obj).
#: obj: Category or ForumGroup.
READ_SPACE = "forum.read_space"
#: obj: Category or ForumGroup. Start a thread there.
START_THREAD = "forum.start_thread"
#: obj: Thread.
READ_THREAD = "forum.read_thread"
#: obj: Thread. Post a reply.
REPLY = "forum.reply"
#: obj: Post. Edit its text (author, or a moderator of its space).
EDIT_POST = "forum.edit_post"
#: obj: Post.
REACT = "forum.react"
#: obj: Post.
FLAG = "forum.flag"
#: obj: Post. Read a hidden post's text (its author, its space's moderators).
READ_HIDDEN_POST = "forum.read_hidden_post"
#: obj: Thread. Mark a post as the accepted answer (thread author or moderator).
ACCEPT_ANSWER = "forum.accept_answer"
#: obj: Category, ForumGroup, Thread or Post. Hide, restore, lock, pin, move, split, merge.
MODERATE = "forum.moderate"
#: obj: None. Open the moderation queue (moderates at least one space).
VIEW_QUEUE = "forum.view_moderation_queue"
#: obj: None. Suspend members (the Modérateurs role).
SUSPEND = MODERATE_ANY
#: obj: ForumGroup. Join it (open group) or ask to (private group).
JOIN_GROUP = "forum.join_group"
#: obj: ForumGroup. Invite members, answer join requests, remove members.
MANAGE_GROUP = "forum.manage_group"

#: The permissions the Modérateurs role receives (migration 0002_moderators).
MODERATOR_PERMISSIONS = (
    MODERATE_ANY,
    directory_access.ACCESS_ADMIN,
    *(
        f"forum.{action}_{model}"
        for model in ("category", "forumgroup", "tag")
        for action in ("add", "change", "delete", "view")
    ),
    "forum.view_moderationaction",
)


# --- Facts about the user, kept for the request -----------------------------------------


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _cached(user, key: str, compute):
    # getattr/setattr, not __dict__: request.user is a lazy proxy of the user that the
    # rules backend receives, and both must share one cache.
    cache = getattr(user, "_forum_access_cache", None)
    if cache is None:
        cache = {}
        user._forum_access_cache = cache
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def forget(user) -> None:
    """Drop what this module kept on the user object (after their rights changed)."""
    if user is not None and getattr(user, "_forum_access_cache", None) is not None:
        user._forum_access_cache = None


def moderates_all(user) -> bool:
    return signed_in(user) and _cached(user, "all", lambda: user.has_perm(MODERATE_ANY))


def _facts(user) -> dict:
    """What the user's spaces are, in one query: groups joined and moderated, categories
    moderated, organisations they belong to or administer, a current suspension."""

    def compute():
        from django.db.models import CharField, F, Value

        from directory.models import Membership
        from forum.models import Category, GroupMembership, Suspension

        def tagged(queryset, kind, ref, extra):
            # No ORDER BY in the parts: SQLite refuses it in a compound statement.
            return (
                queryset.order_by()
                .annotate(
                    fact_kind=Value(kind, output_field=CharField()),
                    fact_ref=F(ref),
                    fact_extra=extra,
                )
                .values_list("fact_kind", "fact_ref", "fact_extra")
            )

        empty = Value("", output_field=CharField())
        rows = list(
            tagged(
                GroupMembership.objects.filter(user=user, state=GroupMembership.State.ACTIVE),
                "group",
                "group_id",
                F("role"),
            )
            .union(
                tagged(
                    Membership.objects.filter(user=user, state=Membership.State.ACTIVE),
                    "organisation",
                    "organisation_id",
                    F("role"),
                ),
                tagged(
                    Category.moderators.through.objects.filter(user=user),
                    "category",
                    "category_id",
                    empty,
                ),
                tagged(
                    Suspension.objects.filter(
                        user=user, until__gt=timezone.now(), lifted_at__isnull=True
                    ),
                    "suspension",
                    "pk",
                    empty,
                ),
                all=True,
            )
            .order_by()
        )
        facts = {
            "groups": set(),
            "moderated_groups": set(),
            "organisations": set(),
            "administered": set(),
            "moderated_categories": set(),
            "suspended": False,
        }
        for kind, ref, extra in rows:
            if kind == "group":
                facts["groups"].add(ref)
                if extra == GroupMembership.Role.MODERATOR:
                    facts["moderated_groups"].add(ref)
            elif kind == "organisation":
                facts["organisations"].add(ref)
                if extra == Membership.Role.ADMIN:
                    facts["administered"].add(ref)
            elif kind == "category":
                facts["moderated_categories"].add(ref)
            else:
                facts["suspended"] = True
        return facts

    return _cached(user, "facts", compute)


def is_member(user) -> bool:
    """Signed in with an active membership in an organisation of the directory."""
    return signed_in(user) and bool(_facts(user)["organisations"])


def is_suspended(user) -> bool:
    return signed_in(user) and _facts(user)["suspended"]


# --- Reading rules as conditions ---------------------------------------------------------

NOTHING = Q(pk__in=[])


def _q(prefix: str, **lookups) -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})


def category_read_q(user, prefix: str = "") -> Q:
    if moderates_all(user) or is_member(user):
        return Q()
    if signed_in(user) and _facts(user)["moderated_categories"]:
        return _q(prefix, public=True) | _q(prefix, pk__in=_facts(user)["moderated_categories"])
    return _q(prefix, public=True)


def group_read_q(user, prefix: str = "") -> Q:
    if moderates_all(user):
        return Q()
    if not signed_in(user):
        return NOTHING
    facts = _facts(user)
    condition = _q(prefix, pk__in=facts["groups"])
    if is_member(user):
        condition |= _q(prefix, visibility="open")
        condition |= _q(prefix, organisation_id__in=facts["organisations"])
    return condition


def group_listed_q(user, prefix: str = "") -> Q:
    """Groups shown in the list: readable ones, and working groups a member may ask to join."""
    if moderates_all(user):
        return Q()  # (an empty Q means "all"; never OR it with anything)
    condition = group_read_q(user, prefix)
    if is_member(user):
        condition |= _q(prefix, visibility="private", organisation__isnull=True)
    return condition


def moderated_spaces_q(user, prefix: str = "") -> Q:
    """Threads (with ``prefix`` to reach the thread) whose space the user moderates."""
    if moderates_all(user):
        return Q()
    if not signed_in(user):
        return NOTHING
    facts = _facts(user)
    condition = NOTHING
    if facts["moderated_categories"]:
        condition |= _q(prefix, category_id__in=facts["moderated_categories"])
    if facts["moderated_groups"]:
        condition |= _q(prefix, group_id__in=facts["moderated_groups"])
    if facts["administered"]:
        condition |= _q(prefix, group__organisation_id__in=facts["administered"])
    return condition


def thread_read_q(user, prefix: str = "") -> Q:
    """Threads the user may read (``prefix`` reaches the thread from another model)."""
    if moderates_all(user):
        return Q()
    if not signed_in(user):
        return _q(prefix, category__public=True, hidden=False)
    in_space = _q(prefix, category__isnull=False) & category_read_q(user, f"{prefix}category__")
    groups = group_read_q(user, f"{prefix}group__")
    if groups != NOTHING:
        in_space |= _q(prefix, group__isnull=False) & groups
    return in_space & (_q(prefix, hidden=False) | moderated_spaces_q(user, prefix))


def post_read_q(user, prefix: str = "") -> Q:
    """Posts whose text the user may read: hidden ones only for their author and moderators."""
    condition = thread_read_q(user, f"{prefix}thread__")
    if moderates_all(user):
        return condition
    shown = _q(prefix, state="visible")
    if signed_in(user):
        shown |= _q(prefix, author_id=user.pk) | moderated_spaces_q(user, f"{prefix}thread__")
    return condition & shown


# --- Object predicates ---------------------------------------------------------------------


def _space_of(obj):
    from forum.models import Category, ForumGroup, Post, Thread

    if isinstance(obj, Post):
        obj = obj.thread
    if isinstance(obj, Thread):
        return obj.category if obj.category_id else obj.group
    if isinstance(obj, Category | ForumGroup):
        return obj
    return None


def may_read_space(user, space) -> bool:
    from forum.models import Category

    if space is None:
        return False
    if moderates_all(user):
        return True
    if isinstance(space, Category):
        if space.public or is_member(user):
            return True
        return signed_in(user) and space.pk in _facts(user)["moderated_categories"]
    if not signed_in(user):
        return False
    facts = _facts(user)
    if space.pk in facts["groups"]:
        return True
    if not is_member(user):
        return False
    return not space.is_private or space.organisation_id in facts["organisations"]


def may_moderate_space(user, space) -> bool:
    from forum.models import Category

    if space is None or not signed_in(user):
        return False
    if moderates_all(user):
        return True
    facts = _facts(user)
    if isinstance(space, Category):
        return space.pk in facts["moderated_categories"]
    return space.pk in facts["moderated_groups"] or (
        space.organisation_id is not None and space.organisation_id in facts["administered"]
    )


def may_post_in_space(user, space) -> bool:
    """Members who read the space, are not suspended, and (in a group) belong to it."""
    from forum.models import ForumGroup

    if not is_member(user) or is_suspended(user) or not may_read_space(user, space):
        return False
    if isinstance(space, ForumGroup):
        facts = _facts(user)
        return (
            space.pk in facts["groups"]
            or (
                space.organisation_id is not None
                and space.organisation_id in facts["organisations"]
            )
            or moderates_all(user)
        )
    return True


@rules.predicate
def can_read_space(user, space) -> bool:
    return may_read_space(user, space)


@rules.predicate
def can_start_thread(user, space) -> bool:
    return may_post_in_space(user, space)


@rules.predicate
def can_read_thread(user, thread) -> bool:
    if thread is None or not may_read_space(user, _space_of(thread)):
        return False
    return not thread.hidden or may_moderate_space(user, _space_of(thread))


@rules.predicate
def can_moderate(user, obj) -> bool:
    return may_moderate_space(user, _space_of(obj))


@rules.predicate
def can_reply(user, thread) -> bool:
    if not can_read_thread(user, thread):
        return False
    if thread.locked and not may_moderate_space(user, _space_of(thread)):
        return False
    return may_post_in_space(user, _space_of(thread))


@rules.predicate
def can_read_hidden_post(user, post) -> bool:
    if post is None:
        return False
    if not post.is_hidden:
        return can_read_thread(user, post.thread)
    if signed_in(user) and post.author_id == user.pk:
        return can_read_thread(user, post.thread)
    return may_moderate_space(user, _space_of(post))


@rules.predicate
def can_edit_post(user, post) -> bool:
    if post is None or not can_read_thread(user, post.thread):
        return False
    if may_moderate_space(user, _space_of(post)):
        return True
    return (
        signed_in(user)
        and post.author_id == user.pk
        and not post.thread.locked
        and post.state != post.State.HIDDEN
        and may_post_in_space(user, _space_of(post))
    )


@rules.predicate
def can_react(user, post) -> bool:
    if post is None or post.is_hidden or not can_read_thread(user, post.thread):
        return False
    return may_post_in_space(user, _space_of(post))


@rules.predicate
def can_flag(user, post) -> bool:
    if post is None or not can_read_thread(user, post.thread):
        return False
    if signed_in(user) and post.author_id == user.pk:
        return False
    return is_member(user) and not is_suspended(user)


@rules.predicate
def can_accept_answer(user, thread) -> bool:
    if not can_read_thread(user, thread):
        return False
    if may_moderate_space(user, _space_of(thread)):
        return True
    return (
        signed_in(user)
        and thread.author_id == user.pk
        and not thread.locked
        and not is_suspended(user)
    )


@rules.predicate
def can_view_queue(user) -> bool:
    if moderates_all(user):
        return True
    if not signed_in(user):
        return False
    facts = _facts(user)
    return bool(facts["moderated_categories"] or facts["moderated_groups"] or facts["administered"])


@rules.predicate
def can_join_group(user, group) -> bool:
    if group is None or not is_member(user) or is_suspended(user):
        return False
    facts = _facts(user)
    if group.pk in facts["groups"]:
        return False
    # An organisation's space: its members belong without joining.
    return group.organisation_id is None


@rules.predicate
def can_manage_group(user, group) -> bool:
    return group is not None and may_moderate_space(user, group)


rules.add_perm(READ_SPACE, can_read_space)
rules.add_perm(START_THREAD, can_start_thread)
rules.add_perm(READ_THREAD, can_read_thread)
rules.add_perm(REPLY, can_reply)
rules.add_perm(EDIT_POST, can_edit_post)
rules.add_perm(REACT, can_react)
rules.add_perm(FLAG, can_flag)
rules.add_perm(READ_HIDDEN_POST, can_read_hidden_post)
rules.add_perm(ACCEPT_ANSWER, can_accept_answer)
rules.add_perm(MODERATE, can_moderate)
rules.add_perm(VIEW_QUEUE, can_view_queue)
rules.add_perm(JOIN_GROUP, can_join_group)
rules.add_perm(MANAGE_GROUP, can_manage_group)
