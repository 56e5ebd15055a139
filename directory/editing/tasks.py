"""The validation's e-mails, as tasks: they get a change request id and read it again.

Enqueued by ``directory/editing/services.py`` once the request, or the
decision, is committed. The task reads the request as it is *now*: a request
withdrawn or superseded before the task runs tells nobody, and the
validators are those holding the permission when the message is written.
Rendering and sending go through ``directory/mail.py``.
"""

from datetime import timedelta

from django_tasks import task

from django.urls import reverse

from directory import access, mail
from directory.background import retrying
from directory.editing.fields import ChangeDescriber, diff
from directory.members import notices
from directory.models import ChangeRequest, Location, Organisation, RecordKind, Service

TEMPLATES = "directory/manage/emails/"


def change_request_changes(change_request: ChangeRequest):
    """The rows "field: before → after" of a request, labelled in the active language."""
    model = {
        RecordKind.ORGANISATION: Organisation,
        RecordKind.SERVICE: Service,
        RecordKind.LOCATION: Location,
    }[change_request.target_kind]
    changes = diff(change_request.previous, change_request.proposed)
    if change_request.kind == ChangeRequest.Kind.CREATE:
        changes = {name: pair for name, pair in changes.items() if pair[1] not in (None, "", [])}
    return ChangeDescriber().describe(model, changes)


def _change_request(change_request_id: int) -> ChangeRequest | None:
    return (
        ChangeRequest.objects.select_related("organisation", "service", "location", "submitted_by")
        .filter(pk=change_request_id)
        .first()
    )


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def change_request_submitted_notify(*, change_request_id: int) -> int:
    """Tell every validator (``validate_changes``) of a new request, if it is still pending."""
    from directory.editing.services import VALIDATION_URL_NAMESPACE

    change_request = _change_request(change_request_id)
    if change_request is None or change_request.status != ChangeRequest.Status.PENDING:
        return 0
    review_url = mail.absolute_url(
        reverse(f"{VALIDATION_URL_NAMESPACE}:review", args=[change_request.pk])
    )
    return mail.members_notify(
        access.users_with_perm(access.VALIDATE_CHANGES),
        notice=notices.CHANGES_TO_VALIDATE.key,
        subject_template=f"{TEMPLATES}change_request_submitted_subject.txt",
        body_template=f"{TEMPLATES}change_request_submitted.txt",
        context=lambda recipient: {
            "change_request": change_request,
            "changes": change_request_changes(change_request),
            "review_url": review_url,
        },
    )


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def change_request_decided_notify(*, change_request_id: int) -> int:
    """Tell the submitter that staff approved or sent back their request, with the comment."""
    change_request = _change_request(change_request_id)
    if (
        change_request is None
        or change_request.submitted_by is None
        or change_request.status
        not in (ChangeRequest.Status.APPROVED, ChangeRequest.Status.SENT_BACK)
    ):
        return 0
    return mail.members_notify(
        [change_request.submitted_by],
        notice=notices.CHANGE_DECISIONS.key,
        subject_template=f"{TEMPLATES}change_request_decided_subject.txt",
        body_template=f"{TEMPLATES}change_request_decided.txt",
        context=lambda recipient: {
            "change_request": change_request,
            "changes": change_request_changes(change_request),
            # Reversed in the recipient's language: /fr/… or /en/….
            "request_url": mail.absolute_url(change_request.get_manage_url()),
        },
    )
