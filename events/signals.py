"""Signals of the events app, for code that follows events without being called by them.

``event_changed`` is sent after the commit of every write that changes what
a calendar shows of an event (created, edited, published, cancelled, one
occurrence moved, changed or cancelled), with ``event_id``. The feeds
(``events/ics.py`` and its cache) listen to it to rebuild what they serve.
"""

from django.dispatch import Signal

#: Sent after commit with ``event_id`` (int).
event_changed = Signal()
