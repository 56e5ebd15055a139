"""Members and peers: handles, profiles, "who to ask", questions to peers."""

import pytest

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils.html import escape

from directory.members import services as member_services
from directory.models import PublicationState
from forum.models import Notification, PeerQuestion
from forum.peers import services
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _profile(user, **changes):
    values = {"display_name": user.display_name, "preferred_language": "fr", **changes}
    return member_services.member_profile_update(user=user, **values)


# --- Handles ---------------------------------------------------------------------------


def test_a_member_changes_their_handle_and_it_is_normalised(member):
    _profile(member, handle="  @Ana-R  ")
    member.refresh_from_db()
    assert member.handle == "ana-r"


@pytest.mark.parametrize(
    ("handle", "code"),
    [
        ("ab", "length"),
        ("x" * 41, "length"),
        ("héloïse", "invalid"),
        ("-ana", "invalid"),
        ("ana r", "invalid"),
        ("tous", "reserved"),
    ],
)
def test_a_bad_handle_is_refused_with_its_reason_and_nothing_changes(member, handle, code):
    before = member.handle
    with pytest.raises(ValidationError) as error:
        _profile(member, handle=handle, job_title="Agente")
    assert error.value.error_dict["handle"][0].code == code
    member.refresh_from_db()
    assert (member.handle, member.job_title) == (before, "")


def test_a_handle_another_member_has_is_refused(member):
    UserFactory(handle="marie-t")
    with pytest.raises(ValidationError) as error:
        _profile(member, handle="Marie-T")
    assert "marie-t" in error.value.message_dict["handle"][0]


def test_an_organisations_slug_is_refused_as_a_handle_since_it_mentions_the_organisation(
    member,
):
    OrganisationFactory(slug="sanc")
    with pytest.raises(ValidationError) as error:
        _profile(member, handle="sanc")
    assert error.value.error_dict["handle"][0].code == "organisation"


def test_the_profile_form_saves_handle_expertise_and_territories(client, member, areas):
    client.force_login(member)
    response = client.post(
        "/fr/directory/account/profile/",
        {
            "profile-display_name": "Ana R.",
            "profile-preferred_language": "fr",
            "profile-handle": "ana-r",
            "profile-expertise": [areas["sub"].pk],
            "profile-territories": [areas["territories"][0].pk],
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.handle == "ana-r"
    assert list(member.expertise.all()) == [areas["sub"]]
    assert list(member.territories.all()) == [areas["territories"][0]]


def test_the_profile_form_shows_a_taken_handle_next_to_the_field_and_keeps_the_input(
    client, member
):
    UserFactory(handle="pris")
    client.force_login(member)
    response = client.post(
        "/fr/directory/account/profile/",
        {
            "profile-display_name": "Ana R.",
            "profile-preferred_language": "fr",
            "profile-handle": "pris",
        },
    )
    assert response.status_code == 200
    assert "pris" in response.context["profile_form"].errors["handle"][0]
    assert 'value="Ana R."' in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Ana Rodríguez"


# --- Profiles ----------------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in_to_see_a_profile(client, make_member):
    someone = make_member(handle="marie-t")
    response = client.get(f"/fr/forum/members/{someone.handle}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_signed_in_person_outside_the_community_is_told_how_to_join(client, make_member):
    someone = make_member(handle="marie-t")
    client.force_login(UserFactory())
    response = client.get(f"/fr/forum/members/{someone.handle}/")
    assert response.status_code == 403
    assert "Marie" not in response.content.decode()


def test_a_profile_shows_role_organisations_territory_and_expertise_never_the_address(
    client, make_member, areas, community
):
    hidden = OrganisationFactory(name="Organisme en attente", state=PublicationState.DRAFT)
    someone = make_member(
        handle="marie-t", display_name="Marie Tremblay", job_title="Agente de la MRC"
    )
    someone.memberships.create(organisation=hidden, state="active")
    someone.expertise.set([areas["sub"]])
    someone.territories.set([areas["territories"][0]])
    client.force_login(make_member())
    page = client.get("/fr/forum/members/marie-t/").content.decode()
    assert "Marie Tremblay" in page and "Agente de la MRC" in page
    assert community.get_absolute_url() in page
    assert "Organisme en attente" not in page
    assert escape(areas["sub"].label_fr) in page
    assert areas["territories"][0].name in page
    assert someone.email not in page


def test_who_to_ask_finds_a_sub_area_expert_under_the_top_level_area(client, make_member, areas):
    expert = make_member(display_name="Experte Logement")
    expert.expertise.set([areas["sub"]])
    expert.territories.set([areas["territories"][0]])
    elsewhere = make_member(display_name="Expert Ailleurs")
    elsewhere.expertise.set([areas["sub"]])
    elsewhere.territories.set([areas["territories"][1]])
    make_member(display_name="Sans Expertise")
    outsider = UserFactory(display_name="Hors Communauté")
    outsider.expertise.set([areas["sub"]])
    client.force_login(make_member())
    page = client.get(
        "/fr/forum/members/",
        {"expertise": areas["top"].code, "territory": areas["territories"][0].code},
    ).content.decode()
    assert "Experte Logement" in page
    assert "Expert Ailleurs" not in page
    assert "Sans Expertise" not in page
    assert "Hors Communauté" not in page


# --- Questions to peers ------------------------------------------------------------------------


def test_a_question_to_a_peer_notifies_and_emails_them_without_the_senders_address(
    make_member, mailoutbox, django_capture_on_commit_callbacks
):
    sender = make_member(display_name="Paul Gagnon")
    peer = make_member(display_name="Marie Tremblay")
    with django_capture_on_commit_callbacks(execute=True):
        question = services.peer_question_send(
            sender=sender, recipient=peer, subject="Cours de francisation", body="Où ?"
        )
    notification = Notification.objects.get(recipient=peer)
    assert notification.question == question
    [mail] = mailoutbox
    assert mail.to == [peer.email]
    assert "Paul Gagnon" in mail.subject
    assert sender.email not in mail.body + mail.subject + str(mail.extra_headers)
    assert not mail.reply_to


@override_settings(FORUM_PEER_QUESTIONS_PER_DAY=2)
def test_a_member_who_sent_too_many_questions_today_is_told_and_nothing_is_sent(
    make_member,
):
    sender, peer = make_member(), make_member()
    for number in range(2):
        services.peer_question_send(sender=sender, recipient=peer, subject=f"Q{number}", body="?")
    with pytest.raises(ValidationError) as error:
        services.peer_question_send(sender=sender, recipient=peer, subject="Q3", body="?")
    assert error.value.code == "rate_limited"
    assert PeerQuestion.objects.count() == 2
    assert Notification.objects.filter(recipient=peer).count() == 2


def test_a_question_to_an_expertise_reaches_every_expert_but_the_sender(make_member, areas):
    sender = make_member()
    sender.expertise.set([areas["sub"]])
    experts = [make_member() for _ in range(3)]
    for expert in experts:
        expert.expertise.set([areas["sub"]])
    make_member()  # no expertise
    question = services.peer_question_send(
        sender=sender, expertise=areas["top"], subject="Logement", body="Des pistes ?"
    )
    assert question.recipient_count == 3
    assert set(
        Notification.objects.filter(question=question).values_list("recipient", flat=True)
    ) == {e.pk for e in experts}


@override_settings(FORUM_PEER_QUESTION_MAX_RECIPIENTS=2)
def test_a_question_to_too_many_experts_asks_to_narrow_it(make_member, areas):
    for _ in range(3):
        make_member().expertise.set([areas["sub"]])
    with pytest.raises(ValidationError):
        services.peer_question_send(
            sender=make_member(), expertise=areas["sub"], subject="Logement", body="?"
        )
    assert not PeerQuestion.objects.exists()


def test_the_ask_page_sends_the_question_and_its_recipient_can_read_it(client, make_member):
    sender, peer = make_member(), make_member(handle="marie-t")
    client.force_login(sender)
    response = client.post(
        "/fr/forum/members/marie-t/ask/", {"subject": "Bonjour", "body": "Une question"}
    )
    assert response.status_code == 302
    question = PeerQuestion.objects.get()
    client.force_login(peer)
    assert "Une question" in client.get(f"/fr/forum/questions/{question.pk}/").content.decode()
    client.force_login(make_member())
    assert client.get(f"/fr/forum/questions/{question.pk}/").status_code == 404


def test_the_welcome_page_guides_a_newcomer_who_has_no_organisation_yet(client):
    client.force_login(UserFactory())
    page = client.get("/fr/forum/welcome/").content.decode()
    assert "/fr/directory/account/#join" in page


def test_a_new_member_finds_the_welcome_path_on_their_account_page(client, member):
    client.force_login(member)
    assert "/fr/forum/welcome/" in client.get("/fr/directory/account/").content.decode()


def test_a_long_standing_member_no_longer_sees_the_welcome_panel(client, member):
    member.date_joined = member.date_joined.replace(year=member.date_joined.year - 1)
    member.save(update_fields=["date_joined"])
    client.force_login(member)
    assert "/fr/forum/welcome/" not in client.get("/fr/directory/account/").content.decode()


def test_a_question_to_experts_can_open_a_thread_where_answers_are_shared(make_member, areas):
    from forum.models import Thread

    from .factories import CategoryFactory

    category = CategoryFactory(name="Logement", slug="logement", public=False)
    expert = make_member()
    expert.expertise.set([areas["sub"]])
    question = services.peer_question_send(
        sender=make_member(),
        expertise=areas["sub"],
        subject="Logement temporaire à Coaticook",
        body="Des pistes pour une famille de cinq ?",
        category=category,
    )
    thread = Thread.objects.get(category=category)
    assert question.thread == thread and thread.title == "Logement temporaire à Coaticook"
    notification = Notification.objects.get(recipient=expert, kind="question")
    assert notification.thread == thread


def test_a_too_short_subject_for_a_thread_is_refused_next_to_the_subject(make_member, areas):
    from .factories import CategoryFactory

    make_member().expertise.set([areas["sub"]])
    with pytest.raises(ValidationError) as error:
        services.peer_question_send(
            sender=make_member(),
            expertise=areas["sub"],
            subject="Toit",
            body="?",
            category=CategoryFactory(public=False),
        )
    assert "subject" in error.value.message_dict
    assert not PeerQuestion.objects.exists()


def test_a_profile_lists_recent_posts_only_from_threads_the_reader_may_read(client, make_member):
    from .factories import (
        CategoryFactory,
        ForumGroupFactory,
        GroupMembershipFactory,
        thread_started,
    )

    author = make_member(handle="marie-t")
    group = ForumGroupFactory(visibility="private")
    GroupMembershipFactory(group=group, user=author)
    thread_started(CategoryFactory(public=False), author, title="Francisation en usine")
    thread_started(group, author, title="Budget confidentiel du comité")
    client.force_login(make_member())
    page = client.get("/fr/forum/members/marie-t/").content.decode()
    assert "Francisation en usine" in page
    assert "Budget confidentiel" not in page
