"""Every e-mail of the platform: one message per recipient, in their language, sent by a task.

Two steps, so that a failing mail server never fails the request that
caused a message, and no message shows another recipient's address:

1. **Render** with :func:`message_render`: one message to one member, in
   their preferred language (``context`` may be a function of the recipient,
   called in that language, for the links that carry a language prefix).
2. **Send** with :func:`messages_send`: once the current transaction
   commits, one :func:`mail_send` task per message is enqueued. That task
   is retried with exponential backoff (10 attempts over about six hours),
   then shows as failed in the admin's background tasks.

Notices about a record are tasks themselves (``directory/members/tasks.py``,
``directory/editing/tasks.py``): a service enqueues one after commit with
the record's id; the task re-reads the database, decides then who is told
(a request withdrawn meanwhile tells nobody) and renders each message.
allauth's e-mails (``directory/members/allauth.py``) are rendered in the
request, since their links carry keys, and sent through step 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial

from django_tasks import task

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from directory.background import arguments_hidden, retrying
from directory.members import notices


def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL``), for links in e-mails."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def subject_line(text: str) -> str:
    """One line, with the platform's prefix ("[Continuum] …")."""
    return getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "") + " ".join(text.split())


def message_render(
    *,
    recipient,
    subject_template: str,
    body_template: str,
    context: dict | Callable[[object], dict],
) -> EmailMessage:
    """One e-mail to one member, rendered in their preferred language.

    The templates get ``recipient`` and ``site_name`` besides ``context``.
    When the context holds ``unsubscribe_url`` (members_notify puts it there
    for notices), the message carries RFC 8058's one-click unsubscribe headers.
    """
    language = getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        values = context(recipient) if callable(context) else context
        values = {**values, "recipient": recipient, "site_name": settings.WAGTAIL_SITE_NAME}
        subject = render_to_string(subject_template, values)
        body = render_to_string(body_template, values)
    headers = {}
    if values.get("unsubscribe_url"):
        headers = {
            "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return EmailMessage(
        subject=subject_line(subject), body=body, to=[recipient.email], headers=headers
    )


def members_notify(
    recipients: Iterable,
    *,
    notice: str | None = None,
    subject_template: str,
    body_template: str,
    context: dict | Callable[[object], dict],
) -> int:
    """Render and send one message to each active recipient who has an address; how many.

    ``notice`` names the kind of notice (``directory/members/notices.py``):
    members who turned that kind off are skipped, and the templates get
    ``notices_url``, where each recipient changes their choice, and
    ``unsubscribe_url``, their one-click link to stop this kind (also sent as
    the ``List-Unsubscribe`` header, RFC 8058).
    """
    if notice is not None:
        recipients = [r for r in recipients if notices.member_wants(r, notice)]
        context = _with_notices_url(context, notice)
    messages = [
        message_render(
            recipient=recipient,
            subject_template=subject_template,
            body_template=body_template,
            context=context,
        )
        for recipient in recipients
        if recipient.email and recipient.is_active
    ]
    messages_send(messages)
    return len(messages)


def _with_notices_url(
    context: dict | Callable[[object], dict], notice: str
) -> Callable[[object], dict]:
    def values(recipient) -> dict:
        base = context(recipient) if callable(context) else context
        # Called in the recipient's language: the links open their pages in it.
        url = absolute_url(reverse("directory:my_account") + "#notices")
        return {
            **base,
            "notices_url": url,
            "unsubscribe_url": unsubscribe_url(recipient, notice),
        }

    return values


_UNSUBSCRIBE_SALT = "directory.mail.unsubscribe"


def unsubscribe_url(recipient, notice: str) -> str:
    """The link that stops ``notice`` e-mails for ``recipient``, in the current language.

    A signed token (no expiry: an old e-mail's link must still work, RFC 8058),
    so that it works without signing in; it only ever turns one kind off.
    """
    token = signing.Signer(salt=_UNSUBSCRIBE_SALT).sign_object(
        {"u": str(recipient.uuid), "k": notice}
    )
    return absolute_url(reverse("directory:unsubscribe", args=[token]))


def unsubscribe_token_read(token: str) -> tuple[str, str]:
    """``(member uuid, notice key)`` from a token; ``signing.BadSignature`` when forged."""
    value = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign_object(token)
    if not isinstance(value, dict) or not {"u", "k"} <= value.keys():
        raise signing.BadSignature("Incomplete unsubscribe token")
    return str(value["u"]), str(value["k"])


def messages_send(messages: Iterable[EmailMessage]) -> None:
    """Send each message by its own retrying task, enqueued once the transaction commits.

    Each message must have exactly one recipient; attachments must be text
    (a calendar invitation: a task carries JSON). Outside a transaction the
    tasks are enqueued at once.
    """
    payloads = [message_payload(message) for message in messages]
    if payloads:
        transaction.on_commit(partial(_enqueue, payloads), robust=True)


def _enqueue(payloads: list[dict]) -> None:
    with transaction.atomic():
        for payload in payloads:
            mail_send.enqueue(message=payload)


def message_payload(message: EmailMessage) -> dict:
    """What :func:`mail_send` needs to rebuild ``message``, as JSON."""
    if len(message.recipients()) != 1:
        raise ValueError("One recipient per message, so that no address is shown to another.")
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if not isinstance(content, str):
            raise ValueError("Only text attachments are sent through the queue.")
        attachments.append([filename, content, mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": {str(key): str(value) for key, value in message.extra_headers.items()},
        "content_subtype": message.content_subtype,
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def message_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload.get("cc") or None,
        bcc=payload.get("bcc") or None,
        reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or None,
    )
    message.content_subtype = payload.get("content_subtype", "plain")
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in payload.get("attachments", []):
        message.attach(filename, content, mimetype)
    return message


@arguments_hidden
@retrying(attempts=10, backoff=timedelta(minutes=1), max_backoff=timedelta(hours=2))
@task()
def mail_send(*, message: dict) -> None:
    """Hand one rendered message to the mail server; an error is retried with backoff.

    Sending twice is possible (a worker killed after the server accepted the
    message): a duplicate e-mail is better than a lost one.
    """
    with get_connection() as connection:
        connection.send_messages([message_from_payload(message)])
