"""Questions members send to a peer, or to everyone with an area of expertise.

Kept so that the recipients' notifications point at the question, and so
that the rate limit counts what a member really sent (across processes).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeerQuestion(models.Model):
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.CASCADE,
        related_name="forum_questions_sent",
    )
    #: The one member asked, or None when asked of everyone with ``expertise``.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="forum_questions_received",
    )
    expertise = models.ForeignKey(
        "directory.ServiceCategory",
        verbose_name=_("area of expertise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    territory = models.ForeignKey(
        "directory.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=160)
    body = models.TextField(_("question"))
    recipient_count = models.PositiveIntegerField(_("members asked"), default=0)
    #: The forum thread the question opened, when the sender chose to share it there.
    thread = models.ForeignKey(
        "forum.Thread",
        verbose_name=_("thread"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("question to peers")
        verbose_name_plural = _("questions to peers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
