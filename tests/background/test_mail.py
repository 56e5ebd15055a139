"""E-mails are tasks: a failing mail server delays them, never fails the request."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone

from directory import mail
from directory.models import Membership
from tests.factories import MembershipFactory, UserFactory

from .conftest import wait_for

MAIL_SEND = "directory.mail.mail_send"


def _join(client, member, organisation):
    client.force_login(member)
    return client.post(
        "/fr/directory/account/memberships/",
        {"join-organisation": organisation.slug, "join-message": "Bonjour"},
    )


def test_a_request_succeeds_while_the_mail_server_is_down(
    transactional_db, client, member, organisation, settings, caplog
):
    MembershipFactory(organisation=organisation, role="admin", state="active")
    settings.EMAIL_BACKEND = "tests.background.tasks.RefusingEmailBackend"

    response = _join(client, member, organisation)

    assert response.status_code == 302
    assert Membership.objects.get(user=member).state == Membership.State.REQUESTED
    assert "Service not available" in caplog.text  # logged, as a failed task


def test_a_mail_refused_by_the_server_is_sent_again_after_its_backoff(
    workers, client, member, organisation, tmp_path
):
    admin = MembershipFactory(organisation=organisation, role="admin", state="active").user

    assert _join(client, member, organisation).status_code == 302
    workers.start(FLAKY_SMTP_DIR=str(tmp_path), FLAKY_SMTP_FAILURES="1")

    def first_attempt_failed():
        sending = DBTaskResult.objects.filter(task_path=MAIL_SEND).first()
        return sending if sending and sending.exception_class_path else None

    sending = wait_for(first_attempt_failed, what="the first attempt to fail")
    assert sending.status == TaskResultStatus.READY
    assert sending.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert len(sending.worker_ids) == 1
    wait_before_retry = sending.run_after - timezone.now()
    assert timedelta(seconds=40) < wait_before_retry <= timedelta(minutes=1)
    assert not list(tmp_path.glob("*.eml"))

    # A minute later (brought forward rather than waited for), it is sent.
    DBTaskResult.objects.filter(pk=sending.pk).update(run_after=timezone.now())
    [sent] = wait_for(lambda: list(tmp_path.glob("*.eml")), what="the mail to be sent")
    message = message_from_bytes(sent.read_bytes())
    assert message["To"] == admin.email
    assert member.email not in sent.read_text(errors="replace")
    sending = wait_for(
        lambda: DBTaskResult.objects.filter(pk=sending.pk, status="SUCCESSFUL").first(),
        what="the sending task to be recorded as done",
    )
    assert len(sending.worker_ids) == 2


def test_each_recipient_gets_their_own_message_in_their_language(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    french = UserFactory(preferred_language="fr")
    english = UserFactory(preferred_language="en")
    inactive = UserFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        sent = mail.members_notify(
            [french, english, inactive],
            subject_template="directory/account/email/membership_refused_subject.txt",
            body_template="directory/account/email/membership_refused_message.txt",
            context=lambda recipient: {
                "organisation": {"i18n": {"name": "SANC"}},
                "membership": {"decision_note": ""},
                "my_account_url": mail.absolute_url("/account/"),
            },
        )

    assert sent == 2
    assert [message.to for message in mailoutbox] == [[french.email], [english.email]]
    assert mailoutbox[0].subject != mailoutbox[1].subject
    assert all(message.subject.startswith("[Continuum] ") for message in mailoutbox)


def test_a_message_crosses_the_queue_with_its_html_part_and_headers():
    message = EmailMultiAlternatives(
        "Sujet",
        "Texte",
        "Continuum <no-reply@example.org>",
        ["ana@example.org"],
        headers={"X-Continuum": "1"},
    )
    message.attach_alternative("<p>Texte</p>", "text/html")

    again = mail.message_from_payload(mail.message_payload(message))

    assert (again.subject, again.body, again.from_email, again.to) == (
        "Sujet",
        "Texte",
        "Continuum <no-reply@example.org>",
        ["ana@example.org"],
    )
    assert again.alternatives == [("<p>Texte</p>", "text/html")]
    assert again.extra_headers == {"X-Continuum": "1"}


def test_a_message_to_several_addresses_is_refused_so_that_none_leaks():
    with pytest.raises(ValueError, match="One recipient"):
        mail.message_payload(EmailMessage("S", "B", to=["a@example.org", "b@example.org"]))
