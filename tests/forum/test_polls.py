"""Polls in threads: one vote per member, changing it when allowed, closing, results."""

from datetime import timedelta

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forum.models import Poll, PollBallot, PollChoice
from forum.polls import selectors, services
from tests.directory.concurrency import Worker, run_together

from .factories import CategoryFactory, thread_started

pytestmark = pytest.mark.django_db

DATES = ["Mardi 8 décembre, 13 h 30", "Jeudi 10 décembre, 9 h", "Lundi 14 décembre, 10 h"]


@pytest.fixture
def thread(make_member):
    category = CategoryFactory(name="Rencontres", slug="rencontres", public=False)
    return thread_started(
        category, make_member(display_name="Animatrice"), title="Prochaine rencontre"
    )


def _poll(thread, **options) -> Poll:
    return services.poll_create(
        thread=thread,
        by=thread.author,
        question="Quelle date pour la prochaine rencontre ?",
        options=DATES,
        **options,
    )


def _option(poll, number):
    return poll.options.all()[number].pk


def _view(poll, user):
    [view] = selectors.thread_polls(thread=poll.thread, user=user)
    return view


def test_a_member_votes_once_and_the_count_shows_their_choice(thread, make_member):
    poll = _poll(thread)
    voter = make_member()
    services.poll_vote(poll=poll, voter=voter, option_ids=[_option(poll, 1)])
    view = _view(poll, voter)
    assert view.voters == 1 and view.voted and view.results_visible
    assert [(o.votes, o.chosen) for o in view.options] == [(0, False), (1, True), (0, False)]


def test_changing_a_vote_replaces_it_when_the_poll_allows(thread, make_member):
    poll = _poll(thread, allow_change=True)
    voter = make_member()
    services.poll_vote(poll=poll, voter=voter, option_ids=[_option(poll, 0)])
    services.poll_vote(poll=poll, voter=voter, option_ids=[_option(poll, 2)])
    assert list(PollChoice.objects.values_list("option", flat=True)) == [_option(poll, 2)]
    assert PollBallot.objects.count() == 1


def test_a_second_vote_is_refused_when_the_poll_does_not_allow_changes(thread, make_member):
    poll = _poll(thread, allow_change=False)
    voter = make_member()
    services.poll_vote(poll=poll, voter=voter, option_ids=[_option(poll, 0)])
    with pytest.raises(ValidationError) as error:
        services.poll_vote(poll=poll, voter=voter, option_ids=[_option(poll, 2)])
    assert error.value.code == "already_voted"
    assert list(PollChoice.objects.values_list("option", flat=True)) == [_option(poll, 0)]


def test_a_single_choice_poll_refuses_two_options_and_a_multiple_one_takes_them(
    thread, make_member
):
    voter = make_member()
    single = _poll(thread)
    with pytest.raises(ValidationError):
        services.poll_vote(
            poll=single, voter=voter, option_ids=[_option(single, 0), _option(single, 1)]
        )
    multiple = services.poll_create(
        thread=thread,
        by=thread.author,
        question="Quels thèmes ?",
        options=["Logement", "Emploi", "Francisation"],
        kind=Poll.Kind.MULTIPLE,
    )
    services.poll_vote(
        poll=multiple, voter=voter, option_ids=[_option(multiple, 0), _option(multiple, 2)]
    )
    assert PollChoice.objects.filter(ballot__poll=multiple).count() == 2
    assert not PollBallot.objects.filter(poll=single).exists()


def test_options_of_another_poll_count_for_nothing(thread, make_member):
    poll, other = _poll(thread), _poll(thread)
    with pytest.raises(ValidationError):
        services.poll_vote(poll=poll, voter=make_member(), option_ids=[_option(other, 0)])


def test_a_closed_poll_takes_no_vote_and_shows_its_results_to_everyone(thread, make_member):
    poll = _poll(thread, results=Poll.Results.AFTER_VOTE)
    services.poll_vote(poll=poll, voter=make_member(), option_ids=[_option(poll, 0)])
    late = make_member()
    assert not _view(poll, late).results_visible
    services.poll_close(poll=poll, by=thread.author)
    with pytest.raises(ValidationError) as error:
        services.poll_vote(poll=poll, voter=late, option_ids=[_option(poll, 1)])
    assert error.value.code == "closed"
    view = _view(poll, late)
    assert view.closed and view.results_visible and not view.may_vote


def test_a_poll_past_its_closing_date_is_closed(thread, make_member):
    poll = _poll(thread, closes_at=timezone.now() + timedelta(hours=1))
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()
    with pytest.raises(ValidationError):
        services.poll_vote(poll=poll, voter=make_member(), option_ids=[_option(poll, 0)])


def test_results_after_closing_stay_hidden_from_voters_until_then(thread, make_member):
    poll = _poll(thread, results=Poll.Results.AFTER_CLOSE)
    voter = make_member()
    services.poll_vote(poll=poll, voter=voter, option_ids=[_option(poll, 0)])
    assert not _view(poll, voter).results_visible
    services.poll_close(poll=poll, by=thread.author)
    assert _view(poll, voter).results_visible


def test_only_the_threads_author_or_a_moderator_adds_a_poll(thread, make_member, moderator):
    with pytest.raises(PermissionDenied):
        services.poll_create(thread=thread, by=make_member(), question="?", options=["a", "b"])
    services.poll_create(thread=thread, by=moderator, question="?", options=["a", "b"])


def test_a_poll_needs_two_different_options(thread):
    with pytest.raises(ValidationError) as error:
        services.poll_create(
            thread=thread, by=thread.author, question="?", options=["Oui", " oui ", ""]
        )
    assert "options" in error.value.message_dict


def test_someone_outside_the_community_cannot_vote(thread, signed_in_outsider):
    poll = _poll(thread)
    with pytest.raises(PermissionDenied):
        services.poll_vote(poll=poll, voter=signed_in_outsider, option_ids=[_option(poll, 0)])


def test_the_thread_page_shows_the_poll_and_its_form_votes_without_javascript(
    client, thread, make_member
):
    poll = _poll(thread)
    voter = make_member()
    client.force_login(voter)
    url = f"/fr/forum/threads/{thread.pk}/{thread.slug}/"
    page = client.get(url).content.decode()
    assert f'action="/fr/forum/polls/{poll.pk}/vote/"' in page
    assert "Mardi 8 décembre" in page
    response = client.post(f"/fr/forum/polls/{poll.pk}/vote/", {"option": [_option(poll, 1)]})
    assert response.status_code == 302
    assert response["Location"] == f"{url}#poll-{poll.pk}"
    assert PollChoice.objects.get().option_id == _option(poll, 1)
    assert "<progress" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_votes_sent_at_once_give_one_ballot_and_one_clear_refusal(make_member):
    category = CategoryFactory(name="Rencontres", slug="rencontres-2", public=False)
    thread = thread_started(category, make_member(), title="Date de la rencontre")
    poll = _poll(thread, allow_change=False)
    voter = make_member()
    workers = run_together(
        *(
            Worker(
                lambda option=option: services.poll_vote(
                    poll=poll, voter=voter, option_ids=[_option(poll, option)]
                ),
                pause_after=r'FROM "forum_pollballot".*FOR UPDATE',
            )
            for option in (0, 1)
        )
    )
    errors = [w.error for w in workers if w.error is not None]
    assert [getattr(e, "code", e) for e in errors] == ["already_voted"]
    assert PollBallot.objects.filter(poll=poll).count() == 1
    assert PollChoice.objects.filter(ballot__poll=poll).count() == 1
