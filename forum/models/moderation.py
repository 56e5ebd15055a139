"""Moderation: members' flags, moderators' decisions (the audit log) and suspensions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive or disrespectful")
        PRIVATE = "private", _("Personal information that should not be here")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    post = models.ForeignKey(
        "forum.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.CASCADE,
        related_name="forum_flags",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(_("flagged on"), auto_now_add=True)
    #: Set when a moderator decided on the post: the flag leaves the queue.
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="forum_flag_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.post_id})"


class ModerationAction(models.Model):
    """One moderator decision, kept for ever: the audit log."""

    class Action(models.TextChoices):
        HIDE_POST = "hide_post", _("Hid a post")
        RESTORE_POST = "restore_post", _("Restored a post")
        DISMISS_FLAGS = "dismiss_flags", _("Dismissed flags")
        EDIT_POST = "edit_post", _("Edited a post")
        LOCK = "lock", _("Locked a thread")
        UNLOCK = "unlock", _("Unlocked a thread")
        PIN = "pin", _("Pinned a thread")
        UNPIN = "unpin", _("Unpinned a thread")
        HIDE_THREAD = "hide_thread", _("Hid a thread")
        RESTORE_THREAD = "restore_thread", _("Restored a thread")
        MOVE = "move", _("Moved a thread")
        SPLIT = "split", _("Split a thread")
        MERGE = "merge", _("Merged threads")
        SUSPEND = "suspend", _("Suspended a member")
        UNSUSPEND = "unsuspend", _("Lifted a suspension")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_moderation_actions",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    thread = models.ForeignKey(
        "forum.Thread",
        verbose_name=_("thread"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    post = models.ForeignKey(
        "forum.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_moderation_received",
    )
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("on"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class SuspensionQuerySet(models.QuerySet):
    def current(self):
        from django.utils import timezone

        return self.filter(until__gt=timezone.now(), lifted_at__isnull=True)


class Suspension(models.Model):
    """A member may not post, react or flag until ``until`` (unless lifted earlier)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_suspensions",
    )
    until = models.DateTimeField(_("until"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("on"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted on"), null=True, blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.until:%Y-%m-%d}"
