"""iCalendar (RFC 5545, RFC 5546) for the events: build, serialise, parse.

- ``model.py``: the values the builder takes (no database);
- ``timezone.py``: VTIMEZONE blocks as yearly RRULEs (never RDATE lists);
- ``serialise.py``: checked bytes (CRLF, 75-octet folding, UTF-8);
- ``build.py``: VEVENTs of single events and series, whole calendars;
- ``parse.py``: partner feeds read for import (strict, all-or-nothing).
"""
