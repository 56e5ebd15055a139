"""The record of what happened in each thread, in order (DESIGN.md: persist first).

Every service that changes a thread writes one :class:`ThreadEvent` in the
same transaction, with ``seq = thread.last_seq + 1`` taken under the
thread row's lock (``forum/events.py``), so a thread's events are
contiguous and a client that was away replays exactly what it missed.
Payloads carry ids only; whoever sends an event renders it for its reader's
permissions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThreadEvent(models.Model):
    class Type(models.TextChoices):
        POST_CREATED = "post.created", "post.created"
        POST_EDITED = "post.edited", "post.edited"
        POST_HIDDEN = "post.hidden", "post.hidden"
        POST_RESTORED = "post.restored", "post.restored"
        REACTION_CHANGED = "reaction.changed", "reaction.changed"
        THREAD_UPDATED = "thread.updated", "thread.updated"

    thread = models.ForeignKey(
        "forum.Thread", verbose_name=_("thread"), on_delete=models.CASCADE, related_name="events"
    )
    seq = models.PositiveBigIntegerField(_("sequence number"))
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("thread event")
        verbose_name_plural = _("thread events")
        ordering = ["thread", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "seq"], name="forum_thread_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.seq} {self.type}"
