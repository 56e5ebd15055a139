"""The e-mail notices a member may choose to receive or not.

Every e-mail the platform sends because something happened (a request to
answer, a change to validate, a decision) is a *notice* of one kind. Members
turn kinds off on their account page; the code that sends a notice asks
:func:`member_wants` for each recipient first. E-mails a person asked for
(password reset, address confirmation, an invitation sent to them) are not
notices and always go.

Other apps register their kinds from their ``AppConfig.ready()`` (forum
replies and digests, event reminders...)::

    from directory.members import notices

    notices.register(
        notices.NoticeKind(
            key="forum.reply",
            label=_("Replies in threads I follow"),
            applies_to=lambda user: True,
        )
    )

``applies_to`` says whether the kind concerns this member at all (a
validator's notice is not offered to someone who cannot validate), so the
account page lists only what the member could receive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from directory import access


@dataclass(frozen=True)
class NoticeKind:
    key: str
    label: str | Promise
    help_text: str | Promise = ""
    #: Whether this member could receive notices of this kind at all.
    applies_to: Callable[[object], bool] = lambda user: True


_KINDS: dict[str, NoticeKind] = {}


def register(kind: NoticeKind) -> NoticeKind:
    _KINDS[kind.key] = kind
    return kind


def kind_get(key: str) -> NoticeKind | None:
    """The registered kind of this key, or None."""
    return _KINDS.get(key)


def kinds_for(user) -> list[NoticeKind]:
    """The kinds this member could receive, in registration order."""
    return [kind for kind in _KINDS.values() if kind.applies_to(user)]


def member_wants(user, key: str) -> bool:
    """Whether to send this member a notice of this kind (unknown kinds are sent)."""
    return user.is_active and key not in (user.notices_off or [])


def _administers(user) -> bool:
    """Whether the member administers an organisation; asked once per member object."""
    if not hasattr(user, "_notices_administers"):
        user._notices_administers = access.administered_organisation_ids(user).exists()
    return user._notices_administers


MEMBERSHIP_REQUESTS = register(
    NoticeKind(
        key="directory.membership_requested",
        label=_("Requests to join an organisation I administer"),
        help_text=_("When someone asks to join, so that you accept or refuse."),
        applies_to=lambda user: _administers(user) or user.has_perm(access.MANAGE_ANY_MEMBERSHIP),
    )
)
MEMBERSHIP_DECISIONS = register(
    NoticeKind(
        key="directory.membership_decided",
        label=_("Answers to my requests to join"),
    )
)
CHANGES_TO_VALIDATE = register(
    NoticeKind(
        key="directory.change_submitted",
        label=_("Changes to the directory awaiting validation"),
        help_text=_("Each change an organisation submits, with a link to review it."),
        applies_to=lambda user: user.has_perm(access.VALIDATE_CHANGES),
    )
)
CHANGE_DECISIONS = register(
    NoticeKind(
        key="directory.change_decided",
        label=_("Decisions on the changes I submitted"),
        applies_to=lambda user: _administers(user) or user.has_perm(access.EDIT_ANY_ORGANISATION),
    )
)
