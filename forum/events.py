"""Writing the per-thread event log (``ThreadEvent``), the record live updates replay.

Precondition of :func:`event_append`: the caller holds the thread's row lock
(:func:`thread_lock`) inside ``transaction.atomic``, and the change the event
describes is saved in the same transaction. The lock serialises writers of
one thread, so ``seq`` is contiguous: 1, 2, 3… with neither gap nor
duplicate, and a rolled-back change leaves no event.

Payloads carry ids, never text: the sender (the WebSocket consumer and
``/forum/threads/<id>/events``, issue 10) renders each event for its
reader's permissions. Broadcasting after commit is issue 10's, added here
with ``transaction.on_commit``.
"""

from __future__ import annotations

from forum.models import Thread, ThreadEvent

Type = ThreadEvent.Type


def thread_lock(thread_id: int) -> Thread:
    """Lock a thread's row until the transaction ends: the first lock of any thread write."""
    return Thread.objects.select_for_update().get(pk=thread_id)


def event_append(*, thread: Thread, type: str, payload: dict) -> ThreadEvent:
    from forum import realtime

    thread.last_seq += 1
    Thread.objects.filter(pk=thread.pk).update(last_seq=thread.last_seq)
    event = ThreadEvent.objects.create(
        thread=thread, seq=thread.last_seq, type=type, payload={"thread": thread.pk, **payload}
    )
    realtime.thread_event_broadcast(event)  # after commit; a Redis outage fails nothing
    return event
