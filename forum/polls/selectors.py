"""Reads of polls: what a member sees of each poll of a thread (a few queries per thread)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from forum import access
from forum.models import Poll, PollBallot, PollChoice


@dataclass
class OptionView:
    option: object
    votes: int = 0
    chosen: bool = False

    @property
    def pk(self):
        return self.option.pk

    @property
    def label(self):
        return self.option.label


@dataclass
class PollView:
    poll: Poll
    options: list[OptionView] = field(default_factory=list)
    voters: int = 0
    voted: bool = False
    closed: bool = False
    may_vote: bool = False
    results_visible: bool = False


def thread_polls(*, thread, user) -> list[PollView]:
    """The polls of ``thread`` as ``user`` sees them (the caller checked the thread is readable).

    Results show once the poll is closed, or, for "after voting" polls, to
    members who voted: nobody is swayed by the tally before choosing.
    """
    polls = list(Poll.objects.filter(thread=thread).prefetch_related("options"))
    if not polls:
        return []
    now = timezone.now()
    counts = dict(
        PollChoice.objects.filter(option__poll__in=polls)
        .values("option")
        .annotate(n=Count("pk"))
        .values_list("option", "n")
    )
    voters = dict(
        PollBallot.objects.filter(poll__in=polls)
        .values("poll")
        .annotate(n=Count("pk"))
        .values_list("poll", "n")
    )
    mine: set[int] = set()
    if user is not None and user.is_authenticated:
        mine = set(
            PollChoice.objects.filter(ballot__poll__in=polls, ballot__voter=user).values_list(
                "option_id", flat=True
            )
        )
    views = []
    for poll in polls:
        view = PollView(poll=poll, voters=voters.get(poll.pk, 0), closed=poll.is_closed(now))
        for option in poll.options.all():
            view.options.append(
                OptionView(option=option, votes=counts.get(option.pk, 0), chosen=option.pk in mine)
            )
        view.voted = any(o.chosen for o in view.options)
        view.results_visible = view.closed or (
            poll.results == Poll.Results.AFTER_VOTE and view.voted
        )
        view.may_vote = (
            not view.closed
            and (poll.allow_change or not view.voted)
            and bool(user is not None and user.has_perm(access.VOTE, poll))
        )
        views.append(view)
    return views
