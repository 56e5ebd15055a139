"""Bytes of a calendar that every client reads alike.

icalendar 7 writes CRLF line endings, escapes ``\\``, ``;``, ``,`` and
newlines in TEXT values and folds lines at 75 octets without splitting a
UTF-8 character. :func:`calendar_bytes` checks those promises on every
output (a regression in the library fails loudly rather than showing an
event an hour off or a broken accent in somebody's calendar), and
:func:`text_clean` normalises what editors type before it is escaped.
"""

from __future__ import annotations

import re

from icalendar import Calendar

MAX_LINE_OCTETS = 75
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SerialisationError(ValueError):
    """The bytes would break a calendar client's parser."""


def text_clean(value: str | None) -> str:
    """A TEXT value as RFC 5545 allows it: newlines as ``\\n``, no other control characters."""
    if not value:
        return ""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def parameter_clean(value: str | None) -> str:
    """A parameter value (a CN): no double quote (few clients read RFC 6868's ``^'``)."""
    return " ".join(text_clean(value).replace('"', "'").split())


def calendar_bytes(calendar: Calendar) -> bytes:
    """The calendar's bytes, checked: CRLF only, lines of at most 75 octets, valid UTF-8."""
    data = calendar.to_ical()
    lines_check(data)
    return data


def lines_check(data: bytes) -> None:
    """Raise :class:`SerialisationError` unless ``data`` follows RFC 5545's line rules.

    Whole-buffer checks (a thousand events take milliseconds): a multi-byte
    character split by a fold is invalid UTF-8 in the buffer too, since the
    fold puts CRLF and a space between its bytes.
    """
    if not data.endswith(b"\r\n"):
        raise SerialisationError("A calendar ends with CRLF.")
    crlf = data.count(b"\r\n")
    if data.count(b"\r") != crlf or data.count(b"\n") != crlf:
        raise SerialisationError("A bare CR or LF.")
    longest = max(map(len, data.split(b"\r\n")))
    if longest > MAX_LINE_OCTETS:
        raise SerialisationError(f"A line of {longest} octets.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SerialisationError(f"Invalid UTF-8 at octet {error.start}.") from error
