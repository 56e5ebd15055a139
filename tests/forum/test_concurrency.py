"""Members posting at once in one thread: each post its own number, events contiguous.

Real concurrent transactions (each worker its own connection, committing for real):
the thread's row lock serialises writers, so ``seq`` has neither gap nor duplicate.
"""

import pytest

from django.db import connection

from forum import services
from forum.models import Post, ThreadEvent
from tests.directory.concurrency import Worker, run_together
from tests.factories import MembershipFactory, OrganisationFactory

from .factories import CategoryFactory, thread_started

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 6
POSTS_EACH = 4


def test_concurrent_replies_get_contiguous_event_numbers_and_post_numbers():
    category = CategoryFactory(public=True)
    organisation = OrganisationFactory()
    members = [MembershipFactory(organisation=organisation).user for _index in range(WRITERS)]
    thread = thread_started(category, members[0])

    def writer(member):
        def run():
            for number in range(POSTS_EACH):
                services.post_create(author=member, thread=thread, body=f"Message {number}")
                if member == members[1] and number == 0:
                    # One writer also reacts while others post: another kind of event.
                    services.reaction_toggle(post=thread.posts.first(), user=member, kind="like")

        return run

    # Each worker pauses inside its first transaction right after locking the thread row,
    # so the others pile up behind the lock: the interleaving a race needs, every time.
    workers = [Worker(writer(member), pause_after=r"FOR UPDATE") for member in members]
    run_together(*workers)
    for worker in workers:
        worker.outcome()

    expected_posts = 1 + WRITERS * POSTS_EACH
    numbers = sorted(Post.objects.filter(thread=thread).values_list("number", flat=True))
    assert numbers == list(range(1, expected_posts + 1))
    seqs = list(
        ThreadEvent.objects.filter(thread=thread).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, expected_posts + 2))  # posts and one reaction
    thread.refresh_from_db()
    assert (thread.last_seq, thread.post_count) == (expected_posts + 1, expected_posts)
    assert connection.vendor == "postgresql"
