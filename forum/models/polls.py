"""Polls in threads: choosing a meeting date or the topics of the next one.

One :class:`PollBallot` per member and poll (a unique constraint: two
submissions at once give one ballot), holding the options chosen
(:class:`PollChoice`). Changing one's vote replaces the choices of the
ballot under its row lock.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Poll(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")

    class Results(models.TextChoices):
        AFTER_VOTE = "after_vote", _("To those who voted, and to all once closed")
        AFTER_CLOSE = "after_close", _("To all, once the poll is closed")

    thread = models.ForeignKey(
        "forum.Thread", verbose_name=_("thread"), on_delete=models.CASCADE, related_name="polls"
    )
    question = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    results = models.CharField(
        _("results shown"), max_length=12, choices=Results.choices, default=Results.AFTER_VOTE
    )
    allow_change = models.BooleanField(_("voters may change their vote"), default=True)
    closes_at = models.DateTimeField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.question

    def is_closed(self, now=None) -> bool:
        return self.closes_at is not None and self.closes_at <= (now or timezone.now())


class PollOption(models.Model):
    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="options"
    )
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "label"], name="forum_poll_option_once"),
        ]

    def __str__(self) -> str:
        return self.label


class PollBallot(models.Model):
    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="ballots"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.CASCADE,
        related_name="forum_poll_ballots",
    )
    options = models.ManyToManyField(PollOption, through="PollChoice", related_name="ballots")
    updated_at = models.DateTimeField(_("voted on"), auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="forum_poll_one_ballot"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.voter_id}"


class PollChoice(models.Model):
    ballot = models.ForeignKey(PollBallot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "option"], name="forum_poll_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.option_id}"
