"""Names sorted as a French reader expects: Carrefour, Cégep, CIUSSS, Comité.

The databases' default order is the bytes' (C.UTF-8): capitals before small letters
("CIUSSS" before "Carrefour") and accented letters after z ("Cégep" after "Comité").
Name columns therefore carry their own collation, ``continuum_fr`` (``db_collation``
on the model fields), so that every ``order_by("name")`` — search results and the
facet index's positions, profiles, manage pages, admin listings, form choices — sorts
the same way without anyone having to remember it:

- PostgreSQL: an ICU collation for Canadian French, created by migration 0013. It
  is *deterministic*: letters first, ignoring accents and case; then accents (from
  the end of the word, as Canadian French does); then case (small letters first);
  strings that differ are never equal, so equality, uniqueness and LIKE behave as
  before.
- SQLite (``make run``): :func:`french_compare` in Python, registered on every
  connection under the same name by :func:`sqlite_collation_register`. It follows
  the same rules, so both databases agree on directory names (a test checks a list
  of them on PostgreSQL). A tool that opens ``db.sqlite3`` outside Django must
  register it too, or SQLite answers "no such collation sequence".
"""

import unicodedata
from functools import lru_cache

FRENCH_COLLATION = "continuum_fr"
# The ICU locale behind FRENCH_COLLATION on PostgreSQL (migration 0013).
FRENCH_COLLATION_LOCALE = "fr-CA"

# Letters ICU sorts as two (œ as "oe"…); apostrophes, which ICU sorts before letters and
# digits like the other punctuation, the plain one first.
_EXPANSIONS = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "'": "'\x01", "’": "'\x02"}
)


@lru_cache(maxsize=8192)
def french_sort_key(text: str) -> tuple:
    """The key :func:`french_compare` sorts by; also usable with ``sorted()``."""
    letters, accents = [], []
    for char in unicodedata.normalize("NFD", text.translate(_EXPANSIONS)):
        if unicodedata.combining(char):
            if accents:
                accents[-1] += char
        else:
            letters.append(char)
            accents.append("")
    return (
        "".join(letters).casefold(),  # the letters, without accents or case
        tuple(reversed(accents)),  # then the accents, from the end of the word
        tuple(char.isupper() for char in letters),  # then the case, small letters first
        text,  # and never equal unless identical (deterministic)
    )


def french_compare(left: str, right: str) -> int:
    """SQLite collation function: negative, zero or positive, like ``strcmp``."""
    a, b = french_sort_key(left), french_sort_key(right)
    return (a > b) - (a < b)


def sqlite_collation_install(dbapi_connection) -> None:
    """Teach one sqlite3 connection the ``continuum_fr`` collation."""
    dbapi_connection.create_collation(FRENCH_COLLATION, french_compare)


def sqlite_collation_register(sender, connection, **kwargs) -> None:
    """``connection_created`` handler (connected by directory/search/signals.py)."""
    if connection.vendor == "sqlite":
        sqlite_collation_install(connection.connection)
