"""Writes of polls: create, vote (once, or change if the poll allows), close.

One ballot per member and poll under a unique constraint: two votes sent
at once (a double click, two tabs) give one ballot, and the second either
replaces the choices (polls that allow changing) or gets "you have already
voted". The closing time is checked under the poll's lock, at the vote.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from forum import access
from forum.models import Poll, PollBallot, PollChoice, PollOption

MIN_OPTIONS = 2
MAX_OPTIONS = 20


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def poll_create(
    *,
    thread,
    by,
    question: str,
    options: list[str],
    kind: str = Poll.Kind.SINGLE,
    results: str = Poll.Results.AFTER_VOTE,
    allow_change: bool = True,
    closes_at: datetime | None = None,
) -> Poll:
    """Add a poll to ``thread`` (its author or a moderator of its space)."""
    _require(by, access.ADD_POLL, thread)
    labels = []
    for label in options:
        label = " ".join(label.split())
        if label and label.casefold() not in {known.casefold() for known in labels}:
            labels.append(label)
    errors = {}
    if not (MIN_OPTIONS <= len(labels) <= MAX_OPTIONS):
        errors["options"] = gettext(
            "Give between %(min)s and %(max)s different options, one per line."
        ) % {"min": MIN_OPTIONS, "max": MAX_OPTIONS}
    if closes_at is not None and closes_at <= timezone.now():
        errors["closes_at"] = gettext("The closing date must be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        poll = Poll(
            thread=thread,
            question=" ".join(question.split()),
            kind=kind,
            results=results,
            allow_change=allow_change,
            closes_at=closes_at,
            created_by=by,
        )
        poll.full_clean(exclude=["thread", "created_by"])
        poll.save()
        PollOption.objects.bulk_create(
            PollOption(poll=poll, label=label[:200], position=number)
            for number, label in enumerate(labels)
        )
    return poll


def poll_vote(*, poll: Poll, voter, option_ids: list[int]) -> PollBallot:
    """Record ``voter``'s choices (replacing their previous ones when the poll allows it)."""
    _require(voter, access.VOTE, poll)
    chosen = set(
        PollOption.objects.filter(poll=poll, pk__in=[int(i) for i in option_ids]).values_list(
            "pk", flat=True
        )
    )
    if not chosen:
        raise ValidationError(gettext("Choose an option."), code="empty")
    if poll.kind == Poll.Kind.SINGLE and len(chosen) > 1:
        raise ValidationError(gettext("Choose only one option."), code="single")
    with transaction.atomic():
        # The poll's row first: a vote and the poll's closing are ordered, never crossed.
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        ballot = PollBallot.objects.select_for_update().filter(poll=poll, voter=voter).first()
        if ballot is None:
            try:
                with transaction.atomic():
                    ballot = PollBallot.objects.create(poll=poll, voter=voter)
                new = True
            except IntegrityError:
                # Another request of the same member created it meanwhile.
                ballot = PollBallot.objects.select_for_update().get(poll=poll, voter=voter)
                new = False
        else:
            new = False
        if poll.is_closed():
            raise ValidationError(gettext("This poll is closed."), code="closed")
        if not new and not poll.allow_change:
            raise ValidationError(
                gettext("You have already voted, and this poll does not allow changing a vote."),
                code="already_voted",
            )
        PollChoice.objects.filter(ballot=ballot).delete()
        PollChoice.objects.bulk_create(PollChoice(ballot=ballot, option_id=pk) for pk in chosen)
        if not new:
            ballot.save(update_fields=["updated_at"])
    return ballot


def poll_close(*, poll: Poll, by) -> Poll:
    """Close the poll now (its author, or whoever may add polls to the thread)."""
    if not (poll.created_by_id == by.pk or by.has_perm(access.ADD_POLL, poll.thread)):
        raise PermissionDenied
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if not poll.is_closed():
            poll.closes_at = timezone.now()
            poll.save(update_fields=["closes_at"])
    return poll
