"""Watching, notifications and each member's e-mail preferences.

Levels follow Discourse's, which members of communities of practice know:

- **watching**: a notification for every new post (and, on a category,
  group or tag, for every new thread and every post in it);
- **tracking**: a notification only when someone mentions, quotes or
  answers the member; the thread still counts as followed;
- **normal**: the same, without following (the default);
- **muted**: nothing at all, mentions included.

A level is set on a thread, a category, a group or a tag. A thread's own
level wins; otherwise the strongest level of its category or group and
its tags applies (a muted container mutes only when nothing else watches
or tracks). See ``forum/notifications/levels.py``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WatchLevel(models.IntegerChoices):
    MUTED = 0, _("Muted")
    NORMAL = 1, _("Normal")
    TRACKING = 2, _("Tracking")
    WATCHING = 3, _("Watching")


#: The four things a member may watch, as the names of :class:`Watch`'s fields.
WATCH_TARGETS = ("thread", "category", "group", "tag")


class Watch(models.Model):
    """One member's level on one thread, category, group or tag (exactly one)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_watches",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=WatchLevel.choices)
    thread = models.ForeignKey(
        "forum.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    category = models.ForeignKey(
        "forum.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    group = models.ForeignKey(
        "forum.ForumGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    tag = models.ForeignKey(
        "forum.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(thread__isnull=False, category=None, group=None, tag=None)
                    | Q(thread=None, category__isnull=False, group=None, tag=None)
                    | Q(thread=None, category=None, group__isnull=False, tag=None)
                    | Q(thread=None, category=None, group=None, tag__isnull=False)
                ),
                name="forum_watch_one_target",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"forum_watch_once_per_{target}",
                )
                for target in WATCH_TARGETS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.get_level_display()}"


class Notification(models.Model):
    """Something that happened that concerns one member, shown in their notification centre.

    Written in the transaction of its cause (``forum/notifications/receivers.py``),
    so it exists exactly when the cause does; e-mailed after commit, at once
    or in a digest, only if the member may still read it then.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("New post")
        MENTION = "mention", _("Mention")
        QUOTE = "quote", _("Quote")
        REACTION = "reaction", _("Reaction")
        ACCEPTED = "accepted", _("Accepted answer")
        MODERATION = "moderation", _("Moderation")
        QUESTION = "question", _("Question from a peer")

    class Email(models.TextChoices):
        NONE = "none", _("Not e-mailed")
        IMMEDIATE = "immediate", _("E-mail queued")
        DIGEST = "digest", _("Waiting for the digest")
        SENT = "sent", _("E-mailed")
        DROPPED = "dropped", _("No longer readable: not e-mailed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_notifications",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    thread = models.ForeignKey(
        "forum.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "forum.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    question = models.ForeignKey(
        "forum.PeerQuestion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    #: What the kind needs besides: a reaction's kind, a moderation action's name and reason.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("on"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)
    email = models.CharField(_("e-mail"), max_length=10, choices=Email.choices, default=Email.NONE)
    emailed_at = models.DateTimeField(_("e-mailed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same signal delivered twice notifies once.
            models.UniqueConstraint(
                fields=["recipient", "kind", "post", "actor"],
                condition=Q(post__isnull=False),
                name="forum_notification_once_per_post",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at=None),
                name="forum_notification_unread",
            ),
            models.Index(
                fields=["email", "recipient"],
                condition=Q(email="digest"),
                name="forum_notification_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"


class NotificationSettings(models.Model):
    """How one member receives the forum's e-mails; a member without a row has the defaults."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("One e-mail each time")
        DAILY = "daily", _("One summary a day")
        WEEKLY = "weekly", _("One summary a week")
        NEVER = "never", _("No e-mail: I read them on the site")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="forum_notification_settings",
    )
    frequency = models.CharField(
        _("e-mail frequency"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )
    include_content = models.BooleanField(
        _("include the text of posts in e-mails"),
        default=True,
        help_text=_(
            "Leave it unchecked to receive only the title and a link: the text stays on the site."
        ),
    )
    #: Start of the last period whose digest was sent (so that it is sent once per period).
    digest_period = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"
