"""What happened in the forum, for the parts that react to it (notifications).

The forum's write services (``forum/services.py`` and friends) send these
signals *inside* the transaction that made the change, once the change is
saved. Receivers (the notifications concern) write their own rows in that
same transaction, so a notification exists exactly when its cause does, and
schedule e-mails with ``transaction.on_commit``: a receiver never sends
anything itself, and never fails the request because a mail server is down.

Every signal's ``sender`` is the model class of the thing that changed.
Arguments are keyword-only, as below; receivers accept ``**kwargs`` so that
an argument added later breaks nobody.
"""

from django.dispatch import Signal

#: A post was published (a new thread's first post too).
#: Arguments: ``post``; ``mentioned`` (the members named with ``@handle``, and
#: the members of organisations named with ``@organisation-slug``, without the
#: author); ``quoted`` (the posts it quotes).
post_created = Signal()

#: A post's text was changed by its author or a moderator.
#: Arguments: ``post``; ``editor``; ``mentioned`` (only members newly mentioned).
post_edited = Signal()

#: A reaction was added to a post. Arguments: ``reaction``.
reaction_added = Signal()

#: A post was marked as the thread's accepted answer. Arguments: ``thread``,
#: ``post``, ``by`` (who accepted it).
answer_accepted = Signal()

#: A moderator decided something about a member's content or account.
#: Arguments: ``action`` (the audit-log row: who, what, on what, why).
moderation_decided = Signal()

#: A member joined or left a group, or was removed from it.
#: Arguments: ``group``, ``user``, ``joined`` (False when leaving or removed).
group_membership_changed = Signal()
