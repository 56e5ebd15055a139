"""Questions to peers: to one member, or to every member with an area of expertise.

The question is kept (:class:`~forum.models.PeerQuestion`), each member asked
gets a notification (and an e-mail as they chose: at once or in their
digest), and nobody sees another's e-mail address: they answer on the
platform. A member sends at most ``FORUM_PEER_QUESTIONS_PER_DAY`` questions
a day, and one question reaches at most ``FORUM_PEER_QUESTION_MAX_RECIPIENTS``
members (narrow by territory beyond that).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from forum import access
from forum import services as forum_services
from forum.models import Notification, PeerQuestion
from forum.notifications import delivery
from forum.peers import selectors

User = get_user_model()

SUBJECT_MAX_LENGTH = 160
BODY_MAX_LENGTH = 4000


def questions_per_day() -> int:
    return getattr(settings, "FORUM_PEER_QUESTIONS_PER_DAY", 10)


def max_recipients() -> int:
    return getattr(settings, "FORUM_PEER_QUESTION_MAX_RECIPIENTS", 40)


def peer_question_send(
    *,
    sender,
    subject: str,
    body: str,
    recipient=None,
    expertise=None,
    territory=None,
    category=None,
) -> PeerQuestion:
    """Send a question to ``recipient``, or to everyone with ``expertise`` (in ``territory``).

    With ``category``, the question also opens a thread there (through the forum's
    service, which checks the sender may start one), so that the answers are shared;
    the notifications of those asked then lead to the thread.

    The sender's row is locked while their questions of the day are counted,
    so that two questions sent at once cannot both pass the limit.
    """
    subject, body = " ".join(subject.split()), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = gettext("Write a subject.")
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = gettext("The subject is too long.")
    if not body:
        errors["body"] = gettext("Write your question.")
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = gettext("The question is too long.")
    if errors:
        raise ValidationError(errors)
    if (recipient is None) == (expertise is None):
        raise ValueError("Either one recipient or an area of expertise.")
    if not sender.has_perm(access.SEE_MEMBERS):
        raise PermissionDenied
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=sender.pk).first()
        since = timezone.now() - timedelta(days=1)
        sent = PeerQuestion.objects.filter(sender=sender, created_at__gte=since).count()
        if sent >= questions_per_day():
            raise ValidationError(
                ngettext(
                    "You have sent %(count)s question in the last 24 hours, the most allowed. "
                    "Try again tomorrow, or post it in the forum.",
                    "You have sent %(count)s questions in the last 24 hours, the most allowed. "
                    "Try again tomorrow, or post it in the forum.",
                    sent,
                )
                % {"count": sent},
                code="rate_limited",
            )
        if recipient is not None:
            if recipient.pk == sender.pk:
                raise ValidationError(gettext("You cannot send a question to yourself."))
            if not recipient.is_active:
                raise ValidationError(gettext("This member can no longer receive questions."))
            recipients = [recipient]
        else:
            recipients = list(
                selectors.members_find(
                    viewer=sender, expertise=expertise, territory=territory
                ).exclude(pk=sender.pk)[: max_recipients() + 1]
            )
            if not recipients:
                raise ValidationError(
                    gettext("No other member has declared this expertise here yet.")
                )
            if len(recipients) > max_recipients():
                raise ValidationError(
                    gettext(
                        "More than %(count)s members have this expertise: choose a territory "
                        "or a narrower area, or post your question in the forum."
                    )
                    % {"count": max_recipients()}
                )
        question = PeerQuestion(
            sender=sender,
            recipient=recipient,
            expertise=expertise,
            territory=territory,
            subject=subject,
            body=body,
            recipient_count=len(recipients),
        )
        if category is not None:
            try:
                question.thread = forum_services.thread_create(
                    author=sender, space=category, title=subject, body=body
                )
            except ValidationError as error:
                # The thread's fields are the question's: say it next to them.
                names = {"title": "subject", "body": "body"}
                raise ValidationError(
                    {
                        names.get(field, "category"): messages
                        for field, messages in error.message_dict.items()
                    }
                ) from error
        question.full_clean()
        question.save()
        delivery.notify(
            recipients,
            kind=Notification.Kind.QUESTION,
            actor=sender,
            question=question,
            thread=question.thread,
        )
    return question
