"""Series: validating an RRULE, expanding it in local wall time, materialising occurrences.

Why local wall time: a meeting "every 2nd Tuesday at 19:00" is at 19:00 in
Sherbrooke in January and in July, i.e. 00:00 UTC in winter and 23:00 UTC in
summer. Expanding in UTC would move it by an hour at each daylight-saving
change. So the rule is expanded on the *naive local* start, and each result
is then made aware in ``TIME_ZONE`` (America/Toronto). A local time that
does not exist (the hour skipped in March) is read with ``fold=0``, i.e. as
the wall-clock time before the change, shifted forward by zoneinfo; an
ambiguous one (the hour repeated in November) is its first instance.

``UNTIL`` is stored in UTC (``…Z``), as RFC 5545 requires when DTSTART has a
zone (and the feeds write it as is); for expansion it becomes local naive.

:func:`occurrences_sync` is the only writer of rule-made
:class:`~events.models.Occurrence` rows. Rows moved, changed or cancelled by
a person (``modified`` / ``cancelled``) are never touched by it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as du_rrule

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

#: Frequencies a person may choose; hourly and finer rules are not events of a community.
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
#: Parts of an RRULE we accept (RFC 5545 3.3.10, without the sub-daily ones).
ALLOWED_PARTS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "BYYEARDAY",
    "BYWEEKNO",
    "WKST",
}
#: The most occurrences one series may have.
MAX_COUNT = 500


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def horizon(now: datetime | None = None) -> datetime:
    """How far ahead occurrences of series are materialised (``EVENTS_HORIZON_DAYS``)."""
    days = settings.EVENTS_HORIZON_DAYS
    return (now or timezone.now()) + timedelta(days=days)


def local_naive(value: datetime) -> datetime:
    return value.astimezone(zone()).replace(tzinfo=None)


def aware(naive: datetime) -> datetime:
    """A local wall time made aware in the calendar's zone (see module docstring)."""
    return naive.replace(tzinfo=zone(), fold=0)


def _parts(text: str) -> dict[str, str]:
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise ValidationError(
                _("The recurrence rule is not valid: “%(part)s”.") % {"part": item}
            )
        key = key.strip().upper()
        if key in parts:
            raise ValidationError(_("The recurrence rule repeats “%(part)s”.") % {"part": key})
        parts[key] = value.strip().upper()
    return parts


def _until_parse(value: str) -> datetime | date:
    for pattern, kind in (
        ("%Y%m%dT%H%M%SZ", "utc"),
        ("%Y%m%dT%H%M%S", "local"),
        ("%Y%m%d", "date"),
    ):
        try:
            parsed = datetime.strptime(value, pattern)
        except ValueError:
            continue
        if kind == "utc":
            return parsed.replace(tzinfo=ZoneInfo("UTC"))
        if kind == "local":
            return aware(parsed)
        return parsed.date()
    raise ValidationError(_("The end date of the recurrence (UNTIL) is not valid."))


def rrule_normalise(text: str, *, all_day: bool = False) -> str:
    """The rule as we store it, or a ValidationError with a message for editors.

    Upper case, no ``RRULE:`` prefix, FREQ first, UNTIL in UTC (a DATE for
    all-day series). Raises when dateutil cannot read it, when it uses parts
    we do not accept, or when it yields more than :data:`MAX_COUNT`
    occurrences with COUNT.
    """
    if not text or not text.strip():
        return ""
    parts = _parts(text)
    unknown = sorted(set(parts) - ALLOWED_PARTS)
    if unknown:
        raise ValidationError(
            _("The recurrence rule may not use %(parts)s.") % {"parts": ", ".join(unknown)}
        )
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise ValidationError(
            _("The recurrence rule needs a frequency: daily, weekly, monthly or yearly.")
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationError(_("The recurrence rule may have a count or an end date, not both."))
    count = parts.get("COUNT")
    if count is not None and (not count.isdigit() or not 1 <= int(count) <= MAX_COUNT):
        raise ValidationError(
            _("The number of occurrences must be between 1 and %(max)s.") % {"max": MAX_COUNT}
        )
    if "UNTIL" in parts:
        until = _until_parse(parts["UNTIL"])
        if all_day:
            if isinstance(until, datetime):
                until = until.astimezone(zone()).date()
            parts["UNTIL"] = until.strftime("%Y%m%d")
        else:
            if not isinstance(until, datetime):
                # A date: the whole local day counts.
                until = aware(datetime.combine(until, time(23, 59, 59)))
            parts["UNTIL"] = until.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
    ordered = "FREQ=" + parts.pop("FREQ")
    normalised = ";".join([ordered, *(f"{key}={value}" for key, value in parts.items())])
    try:
        _rule(normalised, datetime(2026, 1, 1, 9, 0))
    except (ValueError, TypeError) as error:
        raise ValidationError(
            _("The recurrence rule is not valid: %(error)s") % {"error": error}
        ) from error
    return normalised


def _rule(text: str, dtstart_naive: datetime) -> du_rrule.rrule:
    """A dateutil rule on a naive local start, with UNTIL made local naive."""
    parts = _parts(text)
    if "UNTIL" in parts:
        until = _until_parse(parts["UNTIL"])
        if isinstance(until, datetime):
            until_naive = local_naive(until)
        else:
            until_naive = datetime.combine(until, time(23, 59, 59))
        parts["UNTIL"] = until_naive.strftime("%Y%m%dT%H%M%S")
    rebuilt = ";".join(f"{key}={value}" for key, value in parts.items())
    result = du_rrule.rrulestr(rebuilt, dtstart=dtstart_naive, forceset=False)
    if not isinstance(result, du_rrule.rrule):  # pragma: no cover - rrulestr on one rule
        raise ValueError("one rule expected")
    return result


def exdates_parse(values) -> set[datetime]:
    """The event's excluded original starts as aware datetimes (stored as ISO strings)."""
    result = set()
    for value in values or []:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if timezone.is_naive(parsed):
            parsed = aware(parsed)
        result.add(parsed.astimezone(ZoneInfo("UTC")))
    return result


def expand(event, *, until: datetime | None = None) -> list[datetime]:
    """The original starts (aware) the event's rule gives, up to ``until`` (default: the horizon).

    A single event gives its start. Excluded dates are left out. Local wall
    time is kept across daylight-saving changes (module docstring).
    """
    if not event.rrule:
        return [event.start]
    limit = until or horizon()
    start_local = local_naive(event.start).replace(microsecond=0)
    rule = _rule(event.rrule, start_local)
    limit_local = local_naive(limit)
    excluded = exdates_parse(event.exdates)
    starts = []
    for naive in rule.xafter(start_local, count=MAX_COUNT * 4, inc=True):
        if naive > limit_local:
            break
        value = aware(naive)
        # Normalise to a canonical aware value (a skipped hour moves forward).
        value = value.astimezone(ZoneInfo("UTC")).astimezone(zone())
        if value.astimezone(ZoneInfo("UTC")) in excluded:
            continue
        starts.append(value)
    return starts


def occurrence_end(event, start: datetime) -> datetime:
    """The end of an occurrence starting at ``start``: the same local duration as the first one.

    Computed in wall time, so a 19:00–21:00 meeting ends at 21:00 even on the
    night of a daylight-saving change.
    """
    if event.all_day:
        days = (local_naive(event.end).date() - local_naive(event.start).date()).days
        first_day = local_naive(start).date()
        return aware(datetime.combine(first_day + timedelta(days=max(days, 1)), time()))
    wall = local_naive(event.end) - local_naive(event.start)
    return aware(local_naive(start) + wall).astimezone(zone())


def occurrences_sync(event, *, until: datetime | None = None) -> dict[str, list]:
    """(Re)materialise the event's occurrences; what changed, by kind.

    - missing occurrences of the rule (up to ``until``, default the horizon)
      are created;
    - untouched ones (neither ``modified`` nor ``cancelled``) follow the
      series: their end is recomputed;
    - untouched ones the rule no longer gives (rule changed, date excluded)
      are deleted when nobody registered, and otherwise cancelled (kept,
      so that their registrants are told and feeds show the cancellation);
    - ``modified`` and ``cancelled`` occurrences and every registration are
      left as they are.

    A single event has exactly one occurrence, which follows the event's
    start and end (its ``recurrence_id`` is the event's start).

    Precondition: called inside the service's transaction, after the event
    is saved. Returns ``{"created": [...], "cancelled": [...], "deleted": [ids]}``
    so that the caller can tell registrants.
    """
    from events.models import Occurrence

    report: dict[str, list] = {"created": [], "cancelled": [], "deleted": []}
    now = timezone.now()
    with transaction.atomic():
        existing = {
            occurrence.recurrence_id: occurrence
            for occurrence in Occurrence.objects.select_for_update().filter(event=event)
        }
        if not event.rrule:
            occurrence = next(iter(existing.values()), None) if len(existing) == 1 else None
            if len(existing) > 1:
                # A series became a single event: keep the first, drop or cancel the others.
                ordered = sorted(existing.values(), key=lambda o: o.recurrence_id)
                occurrence, others = ordered[0], ordered[1:]
                for other in others:
                    _retire(other, now, report)
            if occurrence is None:
                occurrence = Occurrence.objects.create(
                    event=event, recurrence_id=event.start, start=event.start, end=event.end
                )
                report["created"].append(occurrence)
            elif (occurrence.recurrence_id, occurrence.start, occurrence.end) != (
                event.start,
                event.start,
                event.end,
            ):
                occurrence.recurrence_id = occurrence.start = event.start
                occurrence.end = event.end
                occurrence.save(update_fields=["recurrence_id", "start", "end", "updated_at"])
            return report

        wanted = expand(event, until=until)
        wanted_set = set(wanted)
        limit = until or horizon(now)
        for recurrence_id, occurrence in existing.items():
            if recurrence_id in wanted_set or occurrence.modified or occurrence.cancelled:
                continue
            if recurrence_id > limit:
                continue  # beyond a shorter horizon than before: keep it
            _retire(occurrence, now, report)
        new = []
        for recurrence_id in wanted:
            occurrence = existing.get(recurrence_id)
            end = occurrence_end(event, recurrence_id)
            if occurrence is None:
                new.append(
                    Occurrence(
                        event=event,
                        recurrence_id=recurrence_id,
                        start=recurrence_id,
                        end=end,
                        sequence=event.sequence,
                    )
                )
            elif not (occurrence.modified or occurrence.cancelled) and (
                occurrence.start != recurrence_id or occurrence.end != end
            ):
                occurrence.start = recurrence_id
                occurrence.end = end
                occurrence.save(update_fields=["start", "end", "updated_at"])
        if new:
            report["created"] = Occurrence.objects.bulk_create(new)
    return report


def _retire(occurrence, now: datetime, report: dict[str, list]) -> None:
    if occurrence.registrations.exists():
        occurrence.cancelled = True
        occurrence.cancelled_at = now
        occurrence.sequence += 1
        occurrence.save(update_fields=["cancelled", "cancelled_at", "sequence", "updated_at"])
        report["cancelled"].append(occurrence)
    else:
        report["deleted"].append(occurrence.pk)
        occurrence.delete()


def wall_shift(value: datetime, *, old_start: datetime, new_start: datetime) -> datetime:
    """``value`` moved as the series' start moved, in local wall time (for a series' edit)."""
    delta = local_naive(new_start) - local_naive(old_start)
    return aware(local_naive(value) + delta).astimezone(zone())


_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


def rrule_text(event) -> str:
    """The series' rule in words, in the active language ("Every month, on the second
    Tuesday"), for the common rules people write; a general phrase for the others."""
    from django.utils import formats
    from django.utils.dates import WEEKDAYS
    from django.utils.translation import gettext, pgettext

    if not event.rrule:
        return ""
    parts = _parts(event.rrule)
    frequency, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
    days = [day for day in parts.get("BYDAY", "").split(",") if day]
    text = gettext("Repeats on several dates")
    ordinals = {
        "1": pgettext("the nth weekday of a month", "first"),
        "2": pgettext("the nth weekday of a month", "second"),
        "3": pgettext("the nth weekday of a month", "third"),
        "4": pgettext("the nth weekday of a month", "fourth"),
        "5": pgettext("the nth weekday of a month", "fifth"),
        "-1": pgettext("the nth weekday of a month", "last"),
    }
    if frequency == "DAILY" and interval == "1" and not days:
        text = gettext("Every day")
    elif frequency == "WEEKLY" and len(days) <= 1 and interval in ("1", "2"):
        weekday = WEEKDAYS[_WEEKDAYS[days[0]] if days else local_naive(event.start).weekday()]
        if interval == "1":
            text = gettext("Every week, on %(weekday)s") % {"weekday": weekday}
        else:
            text = gettext("Every other week, on %(weekday)s") % {"weekday": weekday}
    elif frequency == "MONTHLY" and interval == "1" and len(days) == 1 and "BYSETPOS" not in parts:
        match = re.fullmatch(r"([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)", days[0])
        if match and match.group(1).lstrip("+") in ordinals:
            text = gettext("Every month, on the %(ordinal)s %(weekday)s") % {
                "ordinal": ordinals[match.group(1).lstrip("+")],
                "weekday": WEEKDAYS[_WEEKDAYS[match.group(2)]],
            }
    elif frequency == "MONTHLY" and interval == "1" and parts.get("BYMONTHDAY", "").isdigit():
        text = gettext("Every month, on day %(day)s") % {"day": parts["BYMONTHDAY"]}
    if "UNTIL" in parts:
        until = _until_parse(parts["UNTIL"])
        until_date = local_naive(until).date() if isinstance(until, datetime) else until
        text = gettext("%(rule)s, until %(date)s") % {
            "rule": text,
            "date": formats.date_format(until_date, "j F Y"),
        }
    elif "COUNT" in parts:
        text = gettext("%(rule)s (%(count)s dates)") % {"rule": text, "count": parts["COUNT"]}
    return text
