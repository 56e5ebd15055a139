"""Registration: members in one click, the public confirmed by e-mail, capacity, waitlist,
promotion, deadline, cancellation, attendance, and the e-mails each step sends."""

from datetime import timedelta

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events import services, tasks
from events.models import EventAudience, Registration, RegistrationState
from tests.factories import UserFactory

MEETING_LINK = "https://meet.example.org/continuum-secret-42"


@pytest.fixture
def workshop(event_make):
    return event_make(capacity=1, mode="hybrid", online_url=MEETING_LINK)


def only_occurrence(event):
    return event.occurrences.get()


def register(occurrence, user, capture):
    with capture(execute=True):
        return services.registration_create(occurrence=occurrence, user=user)


def test_a_member_registers_in_one_click_and_gets_the_link_by_e_mail(
    workshop, member, mailoutbox, django_capture_on_commit_callbacks
):
    registration = register(only_occurrence(workshop), member, django_capture_on_commit_callbacks)
    assert registration.state == RegistrationState.CONFIRMED
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Vous êtes inscrit" in mailoutbox[0].subject
    assert MEETING_LINK in mailoutbox[0].body


def test_the_second_person_on_a_full_occurrence_is_waitlisted_without_the_link(
    workshop, member, mailoutbox, django_capture_on_commit_callbacks
):
    occurrence = only_occurrence(workshop)
    register(occurrence, member, django_capture_on_commit_callbacks)
    second = register(occurrence, UserFactory(), django_capture_on_commit_callbacks)
    assert second.state == RegistrationState.WAITLISTED
    assert "liste d’attente" in mailoutbox[-1].subject
    assert MEETING_LINK not in mailoutbox[-1].body


def test_a_cancellation_promotes_the_first_on_the_waitlist_who_is_told_by_e_mail(
    workshop, member, mailoutbox, django_capture_on_commit_callbacks
):
    occurrence = only_occurrence(workshop)
    first = register(occurrence, member, django_capture_on_commit_callbacks)
    early, late = UserFactory(), UserFactory()
    register(occurrence, early, django_capture_on_commit_callbacks)
    register(occurrence, late, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first, by=member)

    states = dict(Registration.objects.values_list("user_id", "state"))
    assert states == {
        member.pk: RegistrationState.CANCELLED,
        early.pk: RegistrationState.CONFIRMED,
        late.pk: RegistrationState.WAITLISTED,
    }
    promoted = Registration.objects.get(user=early)
    assert promoted.promoted_at is not None and promoted.sequence == 1
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {member.email, early.email}
    assert "Une place" in by_address[early.email].subject
    assert MEETING_LINK in by_address[early.email].body


def test_registering_twice_is_a_clear_error(workshop, member):
    occurrence = only_occurrence(workshop)
    services.registration_create(occurrence=occurrence, user=member)
    with pytest.raises(ValidationError, match="déjà inscrit"):
        services.registration_create(occurrence=occurrence, user=member)
    assert Registration.objects.count() == 1


def test_registration_closes_at_the_deadline(event_make, member):
    event = event_make(start=timezone.now() + timedelta(hours=20), registration_deadline_hours=24)
    with pytest.raises(ValidationError, match=r"fermées|closed"):
        services.registration_create(occurrence=only_occurrence(event), user=member)
    assert not Registration.objects.exists()


def test_the_public_registers_with_name_and_e_mail_and_takes_a_place_on_confirming(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    occurrence = only_occurrence(workshop)
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(
            occurrence=occurrence, name="Aïcha Diallo", email=" Aicha@Example.org ", language="fr"
        )
    assert registration.state == RegistrationState.PENDING
    assert registration.email == "aicha@example.org"
    assert registration.token in mailoutbox[0].body
    assert MEETING_LINK not in mailoutbox[0].body  # the address is not confirmed yet

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.registration_confirm(token=registration.token)
    assert confirmed.state == RegistrationState.CONFIRMED
    assert MEETING_LINK in mailoutbox[-1].body
    # Confirming again changes nothing.
    assert services.registration_confirm(token=registration.token).state == "confirmed"


def test_a_pending_public_registration_holds_no_place(workshop, member):
    occurrence = only_occurrence(workshop)
    pending = services.registration_create(occurrence=occurrence, name="A", email="a@example.org")
    services.registration_create(occurrence=occurrence, user=member)  # takes the only place
    assert services.registration_confirm(token=pending.token).state == "waitlisted"


def test_the_public_cannot_register_for_a_members_event(event_make):
    event = event_make(audience=EventAudience.MEMBERS)
    with pytest.raises(ValidationError):
        services.registration_create(
            occurrence=only_occurrence(event), name="A", email="a@example.org"
        )
    assert not Registration.objects.exists()


def test_the_e_mail_link_cancels_a_public_registration_and_nothing_else_does(workshop, member):
    registration = services.registration_create(
        occurrence=only_occurrence(workshop), name="A", email="a@example.org"
    )
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, by=member, token="wrong")
    services.registration_cancel(registration=registration, token=registration.token)
    assert Registration.objects.get().state == RegistrationState.CANCELLED


def test_cancelling_one_occurrence_tells_its_registrants(
    event_make, animator, member, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_make(rrule="FREQ=WEEKLY;COUNT=3")
    first = event.occurrences.order_by("start").first()
    register(first, member, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_cancel(occurrence=first, by=animator, note="Salle inondée.")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[Continuum] Annulé : Atelier : accueillir en région"
    assert "Salle inondée." in mailoutbox[0].body
    assert event.occurrences.filter(cancelled=False).count() == 2


def test_moving_an_event_tells_registrants_in_their_language(
    event_make, animator, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_make()
    english = UserFactory(preferred_language="en")
    register(only_occurrence(event), english, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            event=event,
            by=animator,
            start=event.start + timedelta(days=1),
            end=event.end + timedelta(days=1),
        )
    assert [m.subject for m in mailoutbox] == [f"[Continuum] Changed: {event.title}"]


def test_raising_the_capacity_promotes_the_waitlist(event_make, animator, member):
    event = event_make(capacity=1)
    occurrence = only_occurrence(event)
    services.registration_create(occurrence=occurrence, user=member)
    waiting = services.registration_create(occurrence=occurrence, user=UserFactory())
    services.event_update(event=event, by=animator, capacity=2)
    waiting.refresh_from_db()
    assert waiting.state == RegistrationState.CONFIRMED


def test_attendance_is_recorded_after_the_start_only(event_make, animator, member):
    event = event_make(start=timezone.now() + timedelta(hours=1))
    occurrence = only_occurrence(event)
    registration = services.registration_create(occurrence=occurrence, user=member)
    with pytest.raises(ValidationError):
        services.attendance_record(
            occurrence=occurrence, by=animator, attended={registration.pk: True}
        )
    occurrence.start = timezone.now() - timedelta(minutes=5)
    occurrence.save()
    services.attendance_record(occurrence=occurrence, by=animator, attended={registration.pk: True})
    registration.refresh_from_db()
    assert registration.attended is True


def test_the_reminder_goes_once_to_confirmed_registrants_the_day_before(
    event_make, member, mailoutbox, django_capture_on_commit_callbacks
):
    soon = event_make(start=timezone.now() + timedelta(hours=20), online_url=MEETING_LINK,
                      mode="online")  # fmt: skip
    later = event_make(start=timezone.now() + timedelta(days=3))
    services.registration_create(occurrence=only_occurrence(soon), user=member)
    services.registration_create(occurrence=only_occurrence(later), user=member)
    waiting_soon = event_make(start=timezone.now() + timedelta(hours=5), capacity=1)
    services.registration_create(occurrence=only_occurrence(waiting_soon), user=UserFactory())
    services.registration_create(occurrence=only_occurrence(waiting_soon), user=member)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.reminders_send.call()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.reminders_send.call()

    to_member = [m for m in mailoutbox if m.to == [member.email]]
    assert len(to_member) == 1  # the soon one only: not the later, not the waitlisted
    assert soon.title in to_member[0].subject and MEETING_LINK in to_member[0].body
    assert len(mailoutbox) == 2  # and the other person's confirmed place at waiting_soon


def test_minutes_attach_to_the_occurrence(event_make, animator):
    occurrence = only_occurrence(event_make())
    services.occurrence_minutes_update(
        occurrence=occurrence, by=animator, minutes="Présents : 12. Suivi : fiche d’accueil."
    )
    occurrence.refresh_from_db()
    assert occurrence.minutes.startswith("Présents")


def test_an_admin_of_another_organisation_cannot_change_or_cancel_an_occurrence(event_make):
    from tests.factories import MembershipFactory

    occurrence = event_make(rrule="FREQ=WEEKLY;COUNT=2").occurrences.first()
    outsider = MembershipFactory(role="admin", state="active").user
    with pytest.raises(PermissionDenied):
        services.occurrence_cancel(occurrence=occurrence, by=outsider)
    with pytest.raises(PermissionDenied):
        services.occurrence_update(occurrence=occurrence, by=outsider, venue="Ailleurs")
    occurrence.refresh_from_db()
    assert not occurrence.cancelled and not occurrence.modified


def test_the_hosts_admin_cancels_an_occurrence_of_their_organisations_series(
    event_make, host_admin
):
    occurrence = event_make(rrule="FREQ=WEEKLY;COUNT=2").occurrences.first()
    services.occurrence_cancel(occurrence=occurrence, by=host_admin)
    occurrence.refresh_from_db()
    assert occurrence.cancelled


def test_registering_an_address_again_sends_its_link_again_and_reveals_nothing(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    occurrence = only_occurrence(workshop)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_create(
            occurrence=occurrence, name="Aïcha Diallo", email="aicha@example.org"
        )
        again = services.registration_create(
            occurrence=occurrence, name="Aïcha D.", email="AICHA@example.org"
        )
    assert again.pk == first.pk and Registration.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["aicha@example.org"]] * 2
    assert all(first.token in m.body for m in mailoutbox)


def test_a_draft_is_deleted_not_cancelled_so_it_never_shows_publicly(event_make, animator):
    from events.models import Event

    draft = event_make(state="draft")
    with pytest.raises(ValidationError):
        services.event_cancel(event=draft, by=animator)
    assert not Event.objects.visible_to(None).filter(pk=draft.pk).exists()
    services.event_draft_delete(event=draft, by=animator)
    assert not Event.objects.filter(pk=draft.pk).exists()
    published = event_make()
    with pytest.raises(ValidationError):
        services.event_draft_delete(event=published, by=animator)
