"""Writes of the recensement: campaigns, invitations, answers, reminders, document review.

Staff writes ask ``directory.manage_campaigns`` (roles *Animation* and
*Équipe du répertoire*). The answer comes from a private link, with no
account: :func:`campaign_answer_submit` trusts the invitation the caller got
from :func:`directory.recensement.tokens.invitation_from_token`.

**Answers go through validation.** Each corrected record becomes a change
request (``editing.change_request_propose``) that staff approve in the
validation queue like any self-service edit; a new service is created
awaiting verification; a service "no longer offered" is a request to archive
it. Approving a request that came from an answer marks the record verified
on the answer's date (``editing._verified_on``). Records the organisation
left as they were are confirmed: verified on the answer's date at once
(the organisation itself said they are right).

**Two tabs.** A link may be answered more than once; answers are numbered
under the invitation's lock (after the organisation's row: the platform's
lock order). A second answer keeps the first one's changes: both answers
are kept, and a correction the first answer proposed for a record is merged
into the second's (``editing._merge_unseen_proposals``); when both changed
the same field differently the second is refused, nothing saved, with a
message naming the fields (:class:`AnswerConflict`), and sending it again
replaces the first answer's values on those fields only.

**Reminders are sent once per request.** A reminder request records, per
invitation, how many reminders it had; the task sends only if that number
is unchanged under the invitation's lock, then counts it. Two clicks, two
workers or a retried task send one e-mail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory import access
from directory.data_version import data_version_bump
from directory.editing import services as editing
from directory.editing.fields import spec_for
from directory.models import (
    Campaign,
    CampaignAnswer,
    CampaignInvitation,
    CampaignQuestion,
    DocumentFinding,
    Need,
    Organisation,
    PublicationState,
    RecordHistory,
    RecordSource,
    Service,
)

logger = logging.getLogger(__name__)


def _require_manager(user) -> None:
    if user is None or not user.has_perm(access.MANAGE_CAMPAIGNS):
        raise PermissionDenied


# --- Campaigns ------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "title",
    "title_en",
    "introduction",
    "introduction_en",
    "starts_on",
    "ends_on",
    "auto_reminders",
    "reminder_interval_days",
    "max_reminders",
)


def campaign_create(*, user, values: dict) -> Campaign:
    _require_manager(user)
    campaign = Campaign(created_by=user, **{k: values[k] for k in CAMPAIGN_FIELDS if k in values})
    campaign.full_clean()
    campaign.save()
    return campaign


def campaign_update(*, user, campaign: Campaign, values: dict) -> Campaign:
    """Change a campaign's title, period or reminders. A new end of the period moves the
    deadline of every link not yet expired with it."""
    _require_manager(user)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        for name in CAMPAIGN_FIELDS:
            if name in values:
                setattr(campaign, name, values[name])
        campaign.full_clean()
        campaign.save()
        campaign.invitations.update(expires_at=campaign.closes_at)
    return campaign


def campaign_state_set(*, user, campaign: Campaign, state: str) -> Campaign:
    """Open (links work), close (links stop working) or reopen a campaign."""
    _require_manager(user)
    if state not in Campaign.State.values:
        raise ValidationError(gettext("Unknown state."))
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if state == Campaign.State.DRAFT and campaign.invitations.exists():
            raise ValidationError(
                gettext("Organisations were invited: the campaign cannot go back to preparation.")
            )
        campaign.state = state
        campaign.save(update_fields=["state", "updated_at"])
    return campaign


def question_add(*, user, campaign: Campaign, values: dict) -> CampaignQuestion:
    _require_manager(user)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        last = campaign.questions.order_by("-position").values_list("position", flat=True).first()
        question = CampaignQuestion(
            campaign=campaign,
            position=(last or 0) + 1,
            kind=values["kind"],
            label=values["label"],
            label_en=values.get("label_en", ""),
            help_text=values.get("help_text", ""),
            help_text_en=values.get("help_text_en", ""),
            choices=values.get("choices") or [],
            required=bool(values.get("required")),
        )
        question.full_clean()
        question.save()
    return question


def question_delete(*, user, question: CampaignQuestion) -> None:
    """Remove a question nobody answered yet (answers keep what they said otherwise)."""
    _require_manager(user)
    if CampaignAnswer.objects.filter(invitation__campaign=question.campaign_id).exists():
        raise ValidationError(
            gettext("Organisations have already answered: the questions can no longer change.")
        )
    question.delete()


# --- Invitations ----------------------------------------------------------------------------


def campaign_invite(*, user, campaign: Campaign, organisations) -> list[CampaignInvitation]:
    """Invite organisations (those already invited are skipped) and e-mail each its link.

    An organisation without an e-mail address is invited all the same: its
    link is on the campaign's page, for staff to pass on.
    """
    _require_manager(user)
    if campaign.state != Campaign.State.OPEN:
        raise ValidationError(gettext("Open the campaign before inviting organisations."))
    now = timezone.now()
    created: list[CampaignInvitation] = []
    with transaction.atomic():
        already = set(campaign.invitations.values_list("organisation_id", flat=True))
        for organisation in organisations:
            if organisation.pk in already:
                continue
            try:
                with transaction.atomic():
                    invitation = CampaignInvitation.objects.create(
                        campaign=campaign,
                        organisation=organisation,
                        email=organisation.email,
                        expires_at=campaign.closes_at,
                        invited_at=now,
                        invited_by=user,
                    )
            except IntegrityError:  # invited by someone else at the same moment
                continue
            created.append(invitation)
        ids = [invitation.pk for invitation in created if invitation.email]
        if ids:
            transaction.on_commit(lambda: _enqueue_invitations(ids))
    return created


def _enqueue_invitations(ids: list[int]) -> None:
    from directory.recensement import tasks

    for invitation_id in ids:
        try:
            tasks.invitation_send.enqueue(invitation_id=invitation_id)
        except Exception:
            logger.exception("Could not enqueue the invitation e-mail %s", invitation_id)


def invitation_link_renew(*, user, invitation: CampaignInvitation) -> CampaignInvitation:
    """A new private link for an organisation; the old one stops working at once."""
    from directory.models.recensement import _new_token_key

    _require_manager(user)
    CampaignInvitation.objects.filter(pk=invitation.pk).update(token_key=_new_token_key())
    invitation.refresh_from_db()
    return invitation


def invitation_opened(*, invitation: CampaignInvitation) -> None:
    """The link was opened: the first time is recorded (one UPDATE, no race)."""
    CampaignInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=timezone.now()
    )


# --- Answers --------------------------------------------------------------------------------


class AnswerConflict(ValidationError):
    """The answer changes a field that another answer of the same link (another tab)
    proposed differently. Nothing was saved. ``prefix`` names the part of the form,
    ``form`` carries the message, ``proposal`` the other answer's request."""

    def __init__(self, *, prefix: str, form, proposal):
        self.prefix, self.form, self.proposal = prefix, form, proposal
        super().__init__(gettext("Another answer from this link changed the same fields."))


class AnswerInvalid(ValidationError):
    """A record's part did not validate once the locks were taken (``form`` has the errors)."""

    def __init__(self, *, prefix: str, form):
        self.prefix, self.form = prefix, form
        super().__init__(gettext("The form has errors."))


class LinkExpired(ValidationError):
    def __init__(self):
        super().__init__(gettext("This link has expired."), code="expired")


@dataclass
class AnswerOutcome:
    answer: CampaignAnswer
    #: Answers made from the same link while this one was being filled in (other tabs).
    concurrent: list[CampaignAnswer]


def campaign_answer_submit(
    *,
    invitation: CampaignInvitation,
    respondent: dict,
    questions: dict,
    needs: list[dict],
    data,
    organisation_changed: bool,
    changed_services: list[Service],
    gone_services: list[Service],
    confirmed_services: list[Service],
    adds_service: bool,
    replace: dict[str, str] | None = None,
    language: str = "fr",
) -> AnswerOutcome:
    """Record one answer of an invitation's form, all of it or nothing.

    ``data`` is the submitted form data; the record parts are validated
    again from it by the editing services (prefixes ``org``, ``s<id>``,
    ``new``). ``replace`` maps a part's prefix to the proposal its user was
    told about and chose to override (see :class:`AnswerConflict`).
    """
    replace = replace or {}
    now = timezone.now()
    try:
        with transaction.atomic():
            organisation = Organisation.objects.lock(invitation.organisation_id)
            invitation = (
                CampaignInvitation.objects.select_for_update(of=("self",))
                .select_related("campaign")
                .get(pk=invitation.pk)
            )
            if invitation.is_expired or invitation.campaign.state != Campaign.State.OPEN:
                raise LinkExpired()
            previous = list(invitation.answers.order_by("sequence"))
            seen = respondent.get("answers_seen") or 0
            answer = CampaignAnswer.objects.create(
                invitation=invitation,
                sequence=len(previous) + 1,
                respondent_name=respondent["respondent_name"],
                respondent_email=respondent.get("respondent_email", ""),
                comment=respondent.get("comment", ""),
                language=language,
                answers=_json_answers(questions),
                submitted_at=now,
            )
            requests = []

            def propose(target, prefix: str):
                try:
                    outcome = editing.change_request_propose(
                        target=target,
                        data=data,
                        seen_proposal="",
                        replace_proposal=replace.get(prefix),
                        prefix=prefix,
                    )
                except editing.ProposalConflict as error:
                    raise AnswerConflict(
                        prefix=prefix, form=error.form, proposal=error.proposal
                    ) from None
                except editing.InvalidEdit as error:
                    raise AnswerInvalid(prefix=prefix, form=error.form) from None
                if outcome.change_request is not None:
                    requests.append(outcome.change_request)
                return outcome

            if organisation_changed:
                propose(organisation, "org")
            else:
                _confirm(organisation, now)
            for service in changed_services:
                propose(service, f"s{service.pk}")
            for service in gone_services:
                outcome = editing.service_archive_propose(service=service)
                if outcome.change_request is not None:
                    requests.append(outcome.change_request)
            if adds_service:
                outcome = propose(Service(organisation=organisation), "new")
                Service.objects.filter(pk=outcome.record.pk).update(source=RecordSource.SURVEY)
            confirmed = [s for s in confirmed_services if s.organisation_id == organisation.pk]
            for service in confirmed:
                _confirm(service, now)
            answer.confirmed_services.set(confirmed)
            answer.change_requests.set(requests)
            for row in needs:
                Need.objects.create(
                    organisation=organisation,
                    category=row.get("category"),
                    territory=row.get("territory"),
                    text=row["text"],
                    source=Need.Source.SURVEY,
                    campaign_answer=answer,
                    recorded_on=timezone.localdate(now),
                )
            invitation.answered_at = now
            invitation.save(update_fields=["answered_at"])
    except IntegrityError:
        # Only the answer's number can clash, if a second answer got past the lock.
        raise ValidationError(
            gettext("Another answer from this link was being saved: send the form again.")
        ) from None
    return AnswerOutcome(answer=answer, concurrent=previous[seen:])


def _json_answers(questions: dict) -> dict:
    return {key: value for key, value in questions.items() if value not in (None, "")}


def _confirm(record, when) -> None:
    """The organisation says the record is still right: verified on the answer's date.

    Only for records it can see as its own and that are in the directory (a
    draft or pending record is verified when staff publish it).
    """
    if record.state != PublicationState.PUBLISHED:
        return
    fields = {"verified_at": when, "verified_by": None}
    if isinstance(record, Service):
        fields["assured_date"] = timezone.localdate(when)
    type(record).objects.filter(pk=record.pk).update(**fields)
    data_version_bump()  # update() sends no signal
    RecordHistory.objects.create(
        organisation=record if isinstance(record, Organisation) else record.organisation,
        target_kind=spec_for(record).kind,
        service=record if isinstance(record, Service) else None,
        target_label=str(record)[:250],
        action=RecordHistory.Action.UPDATED,
        channel=RecordHistory.Channel.SITE,
        changes={},
        note=gettext("Confirmed by the organisation in a survey answer."),
    )


# --- Reminders ------------------------------------------------------------------------------


def campaign_reminders_request(*, user, campaign: Campaign, invitations=None) -> int:
    """Ask for one reminder to each of ``invitations`` (default: every one not answered).

    Returns how many reminders were requested; they are sent by tasks, once each.
    """
    _require_manager(user)
    if campaign.state != Campaign.State.OPEN:
        raise ValidationError(gettext("Reminders are sent only while the campaign is open."))
    queryset = _remindable(campaign.invitations.all())
    if invitations is not None:
        queryset = queryset.filter(pk__in=[i.pk for i in invitations])
    expected = dict(queryset.values_list("pk", "reminders_sent"))
    if expected:
        transaction.on_commit(lambda: _enqueue_reminders(expected))
    return len(expected)


def _remindable(queryset):
    return queryset.filter(
        answered_at__isnull=True, expires_at__gt=timezone.now(), invited_at__isnull=False
    ).exclude(email="")


def _enqueue_reminders(expected: dict[int, int]) -> None:
    from directory.recensement import tasks

    for invitation_id, count in expected.items():
        try:
            tasks.invitation_remind.enqueue(invitation_id=invitation_id, reminders_before=count)
        except Exception:
            logger.exception("Could not enqueue the reminder of invitation %s", invitation_id)


def invitation_remind(*, invitation_id: int, reminders_before: int) -> bool:
    """Send one reminder, unless it was sent already (or the invitation was answered).

    ``reminders_before``: how many reminders the invitation had when this one
    was requested. Under the invitation's lock, a different count means this
    reminder went out already (a second click, a retried task): nothing is sent.
    """
    from directory.recensement import emails

    with transaction.atomic():
        invitation = (
            CampaignInvitation.objects.select_for_update(of=("self",))
            .select_related("campaign", "organisation")
            .filter(pk=invitation_id)
            .first()
        )
        if (
            invitation is None
            or invitation.reminders_sent != reminders_before
            or invitation.answered_at is not None
            or invitation.is_expired
            or invitation.campaign.state != Campaign.State.OPEN
            or not invitation.email
        ):
            return False
        emails.invitation_email_send(invitation, reminder=True)
        invitation.reminders_sent = F("reminders_sent") + 1
        invitation.last_reminder_at = timezone.now()
        invitation.save(update_fields=["reminders_sent", "last_reminder_at"])
        return True


def reminders_due(now=None) -> dict[int, int]:
    """The automatic reminders due now: ``{invitation id: reminders sent so far}``.

    For open campaigns with automatic reminders: invitations not answered,
    with an address, under the campaign's maximum, whose last e-mail (the
    invitation or the last reminder) is older than the campaign's interval.
    """
    now = now or timezone.now()
    due: dict[int, int] = {}
    campaigns = Campaign.objects.open().filter(auto_reminders=True)
    for campaign in campaigns:
        limit = now - timedelta(days=campaign.reminder_interval_days)
        rows = (
            _remindable(campaign.invitations.all())
            .filter(reminders_sent__lt=campaign.max_reminders)
            .filter(
                Q(last_reminder_at__lte=limit)
                | Q(last_reminder_at__isnull=True, invited_at__lte=limit)
            )
            .values_list("pk", "reminders_sent")
        )
        due.update(dict(rows))
    return due


# --- Document review ------------------------------------------------------------------------


def document_finding_record(
    *,
    user,
    organisation: Organisation,
    name: str,
    reference: str,
    description: str = "",
    categories=(),
    territories=(),
    document_date=None,
    notes: str = "",
) -> DocumentFinding:
    """A service found in a document: a record awaiting verification, with its source.

    The service is not public (state *awaiting verification*, source
    *document review*) until staff publish it, typically once the
    organisation confirmed it in a campaign (its answer form lists it).
    """
    _require_manager(user)
    if not reference.strip():
        raise ValidationError({"reference": gettext("Say which document the service is in.")})
    source_notes = reference.strip()
    if document_date:
        source_notes += f" ({document_date:%Y-%m-%d})"
    with transaction.atomic():
        organisation = Organisation.objects.lock(organisation.pk)
        service = Service(
            organisation=organisation,
            state=PublicationState.PENDING,
            source=RecordSource.DOCUMENT,
            source_notes=source_notes,
        )
        values = {
            "name": name.strip(),
            "description": description.strip(),
            "categories": [c.code for c in categories],
            "territories": [t.code for t in territories],
        }
        editing._service_insert(service, values)
        finding = DocumentFinding.objects.create(
            service=service,
            reference=reference.strip(),
            document_date=document_date,
            notes=notes,
            recorded_by=user,
        )
        RecordHistory.objects.create(
            organisation=organisation,
            target_kind=spec_for(service).kind,
            service=service,
            target_label=str(service)[:250],
            action=RecordHistory.Action.CREATED,
            channel=RecordHistory.Channel.ADMIN,
            actor=user,
            changes={"source_notes": [None, source_notes]},
            note=str(_("Found in a document, awaiting verification.")),
        )
    return finding
