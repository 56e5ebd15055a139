"""The forum's permission matrix: every kind of reader against every kind of space,
on every surface (thread page, space page, search, the selector every surface uses)."""

import pytest

from django.urls import reverse

from forum.models import Thread

from .factories import thread_started

pytestmark = pytest.mark.django_db

SPACES = ["public_category", "members_category", "open_group", "private_group"]
READERS = [
    "visitor",
    "outsider",
    "member",
    "group_member",
    "organisation_admin",
    "moderator",
    "staff",
]

#: Who reads what: public categories for everyone, members' spaces for members of an
#: organisation, a private group for its members, everything for the Modérateurs role.
READS = {
    "visitor": {"public_category"},
    "outsider": {"public_category"},
    "member": {"public_category", "members_category", "open_group"},
    "group_member": {"public_category", "members_category", "open_group", "private_group"},
    "organisation_admin": {"public_category", "members_category", "open_group"},
    "moderator": set(SPACES),
    "staff": {"public_category"},
}
#: Who may reply: members in the categories they read; in a group, its members.
REPLIES = {
    "visitor": set(),
    "outsider": set(),
    "member": {"public_category", "members_category"},
    "group_member": {"public_category", "members_category", "private_group"},
    "organisation_admin": {"public_category", "members_category"},
    "moderator": set(SPACES),
    "staff": set(),
}


@pytest.fixture
def threads(request, moderator, site):
    """One thread in each space, each with a word of its own and a shared one."""
    return {
        name: thread_started(
            request.getfixturevalue(name),
            moderator,
            title=f"Discussion {name.replace('_', ' ')}",
            body=f"Le mot zorglub et le mot propre mot{name.replace('_', '')}.",
        )
        for name in SPACES
    }


def _reader(request, name):
    if name == "visitor":
        return None
    if name == "outsider":
        return request.getfixturevalue("signed_in_outsider")
    if name == "member":
        return request.getfixturevalue("forum_member")
    return request.getfixturevalue(name)


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("reader_name", READERS)
def test_thread_pages_answer_only_readers(client, request, threads, reader_name):
    user = _reader(request, reader_name)
    client = _client(client, user)
    for space, thread in threads.items():
        response = client.get(reverse("forum:thread", args=[thread.pk, thread.slug]))
        expected = 200 if space in READS[reader_name] else 404
        assert response.status_code == expected, (reader_name, space)


@pytest.mark.parametrize("reader_name", READERS)
def test_the_selector_every_surface_uses_agrees_with_the_matrix(request, threads, reader_name):
    user = _reader(request, reader_name)
    visible = set(Thread.objects.visible_to(user).values_list("pk", flat=True))
    expected = {threads[space].pk for space in READS[reader_name]}
    assert visible == expected


@pytest.mark.parametrize("reader_name", READERS)
def test_search_never_returns_what_the_reader_may_not_read(client, request, threads, reader_name):
    user = _reader(request, reader_name)
    client = _client(client, user)
    response = client.get(reverse("forum:search"), {"q": "zorglub"})
    assert response.status_code == 200
    content = response.content.decode()
    for space, thread in threads.items():
        assert (thread.title in content) == (space in READS[reader_name]), (reader_name, space)


@pytest.mark.parametrize("reader_name", READERS)
def test_space_pages_list_threads_only_to_readers(client, request, threads, reader_name):
    user = _reader(request, reader_name)
    client = _client(client, user)
    for space, thread in threads.items():
        obj = thread.space
        name = "forum:category" if thread.category_id else "forum:group"
        response = client.get(reverse(name, args=[obj.slug]))
        listed = response.status_code == 200 and thread.title in response.content.decode()
        assert listed == (space in READS[reader_name]), (reader_name, space)


@pytest.mark.parametrize("reader_name", READERS)
def test_replies_are_taken_only_from_those_who_may_post(client, request, threads, reader_name):
    user = _reader(request, reader_name)
    client = _client(client, user)
    for space, thread in threads.items():
        before = thread.posts.count()
        client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Une réponse."})
        posted = thread.posts.count() > before
        assert posted == (space in REPLIES[reader_name]), (reader_name, space)


def test_the_organisation_page_lists_only_public_discussions(
    client, threads, moderator, organisation, site
):
    client.force_login(moderator)  # reads everything, yet the section stays public
    response = client.get(reverse("directory:organisation_detail", args=[organisation.slug]))
    content = response.content.decode()
    assert threads["public_category"].title in content
    for space in ("members_category", "open_group", "private_group"):
        assert threads[space].title not in content


def test_the_organisation_section_costs_the_same_queries_for_one_or_many_threads(
    moderator, organisation, public_category, django_assert_num_queries, rf
):
    from forum.profile import organisation_discussions

    thread_started(public_category, moderator, title="Une première discussion")
    with django_assert_num_queries(1):
        section = organisation_discussions(organisation, request=rf.get("/"))
    assert len(section.context["threads"]) == 1
    for number in range(6):
        thread_started(public_category, moderator, title=f"Une autre discussion {number}")
    with django_assert_num_queries(1):
        section = organisation_discussions(organisation, request=rf.get("/"))
    assert len(section.context["threads"]) == 5
