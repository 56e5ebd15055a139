"""The fiche's "open a discussion" slot, for the forum once it exists.

:func:`fiche_discussion` returns ``None`` (the slot stays hidden) or a dict
with ``url`` and ``label`` (``"Discuss this fiche"`` or the thread's title):
integrating the forum means returning the thread linked to the fiche (by its
translation key) or the URL that opens one, when the reader may post.
"""

from __future__ import annotations


def fiche_discussion(fiche, request) -> dict | None:
    return None
