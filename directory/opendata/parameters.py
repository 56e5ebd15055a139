"""The HSDS API's query parameters, read with Django REST framework serializers.

Every parameter is optional and a blank value means "not given". A value the
API cannot use is refused with a ``ValidationError`` whose message names the
parameter, in the request's language; the views turn it into a JSON 400
(``views.exception_handler``). Nothing unchecked reaches a selector: no
impossible date, no out-of-range or 5,000-digit number, no NUL byte for
PostgreSQL to choke on. Unknown parameters are ignored, as HTTP APIs do.

Names and meanings are those of the HSDS 3.0 OpenAPI description
(``spec/openapi.json``, ``components.parameters``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from rest_framework import serializers
from rest_framework.fields import empty

from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT_JSON = "json"
FORMAT_NDJSON = "ndjson"

#: Query strings turn "+" into a space: "2025-01-31T12:00:00 05:00" meant "+05:00".
SPACED_OFFSET = re.compile(r" (\d{2}(?::?\d{2})?)$")
MOMENT_MAX_LENGTH = 40
DIGITS = re.compile(r"[0-9]+")


class Parameter(serializers.Field):
    """A query parameter: optional, blank when absent, its errors naming it.

    Override point: :meth:`parse` gets the value stripped of surrounding
    spaces and returns what the selectors expect, or calls :meth:`refuse`.
    """

    def __init__(self, *, default=None, **kwargs):
        super().__init__(required=False, default=default, **kwargs)

    def run_validation(self, data=empty):
        if isinstance(data, str) and not data.strip():
            data = empty
        return super().run_validation(data)

    def to_internal_value(self, data):
        return self.parse(str(data).strip())

    def to_representation(self, value):
        return value

    def parse(self, raw: str):
        raise NotImplementedError

    def refuse(self, message: str):
        raise serializers.ValidationError(message, code="invalid")


class Text(Parameter):
    """Free text or an identifier: printable, at most ``max_length`` characters."""

    def __init__(self, *, max_length: int = 200, **kwargs):
        self.max_length = max_length
        super().__init__(default="", **kwargs)

    def parse(self, raw: str) -> str:
        if len(raw) > self.max_length or any(_is_control(char) for char in raw):
            self.refuse(
                _(
                    "%(name)s must be text of at most %(maximum)s characters, "
                    "without control characters."
                )
                % {"name": self.field_name, "maximum": self.max_length}
            )
        return raw


def _is_control(char: str) -> bool:
    # Cc: NUL and the other control characters; Cs: lone surrogates.
    return unicodedata.category(char) in {"Cc", "Cs"}


class WholeNumber(Parameter):
    """A whole number between ``minimum`` and ``maximum``, written with ASCII digits."""

    def __init__(self, *, minimum: int, maximum: int, default: int, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(default=default, **kwargs)

    def parse(self, raw: str) -> int:
        # Bounded before int(): a 5,000-digit value costs nothing and is refused.
        digits = raw.removeprefix("+")
        if (
            DIGITS.fullmatch(digits)
            and len(digits) <= len(str(self.maximum))
            and self.minimum <= int(digits) <= self.maximum
        ):
            return int(digits)
        self.refuse(
            _("%(name)s must be a whole number between %(minimum)s and %(maximum)s.")
            % {"name": self.field_name, "minimum": self.minimum, "maximum": self.maximum}
        )


class Flag(Parameter):
    """A boolean: true, false (also 1, 0, yes, no), in any case."""

    TRUE = frozenset({"true", "1", "yes"})
    FALSE = frozenset({"false", "0", "no"})

    def __init__(self, **kwargs):
        super().__init__(default=False, **kwargs)

    def parse(self, raw: str) -> bool:
        value = raw.lower()
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        self.refuse(_("%(name)s must be true or false.") % {"name": self.field_name})


class Moment(Parameter):
    """An ISO 8601 date (midnight, local time) or date-time, as an aware UTC datetime.

    An impossible date (2025-02-30, 2025-13-45), time (T25:00:00) or offset
    (+99:00), and a moment outside the years 1–9999 once in UTC, are refused.
    A date-time without an offset is local time (America/Toronto).
    """

    def parse(self, raw: str) -> datetime:
        value = self._moment(raw) if len(raw) <= MOMENT_MAX_LENGTH else None
        if value is None:
            self.refuse(
                _("%(name)s must be an ISO 8601 date or date-time, such as 2025-01-31T12:00:00Z.")
                % {"name": self.field_name}
            )
        return value

    @staticmethod
    def _moment(raw: str) -> datetime | None:
        for text in dict.fromkeys([raw, SPACED_OFFSET.sub(r"+\1", raw)]):
            if not text.isascii():
                continue
            try:
                value = datetime.fromisoformat(text)
                if timezone.is_naive(value):
                    value = timezone.make_aware(value)
                return value.astimezone(UTC)
            except (ValueError, OverflowError):
                continue
        return None


class Choice(Parameter):
    """One of a few words, in any case."""

    def __init__(self, *, choices: tuple[str, ...], **kwargs):
        self.choices = choices
        super().__init__(default=choices[0], **kwargs)

    def parse(self, raw: str) -> str:
        value = raw.lower()
        if value not in self.choices:
            self.refuse(
                _("%(name)s must be one of: %(choices)s.")
                % {"name": self.field_name, "choices": ", ".join(self.choices)}
            )
        return value


class Unsupported(Parameter):
    """An HSDS parameter this API does not serve: refused rather than silently ignored."""

    def parse(self, raw: str):
        self.refuse(_("%(name)s is not supported by this API.") % {"name": self.field_name})


# --- Parameters of each endpoint -----------------------------------------------------


class PageParameters(serializers.Serializer):
    """HSDS paging, read by ``pagination.HSDSPagination``."""

    page = WholeNumber(minimum=1, maximum=1_000_000, default=1)

    def __init__(self, *args, per_page_default: int, per_page_maximum: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["per_page"] = WholeNumber(
            minimum=1, maximum=per_page_maximum, default=per_page_default
        )


class ListParameters(serializers.Serializer):
    """What every list accepts besides paging: ``search`` and ``format``."""

    search = Text(max_length=1000)  # the search bounds it further (search/text.py)
    format = Choice(choices=(FORMAT_JSON, FORMAT_NDJSON))


class ServiceFilters(ListParameters):
    taxonomy_term_id = Text()
    taxonomy_id = Text()
    organization_id = Text()
    modified_after = Moment()
    full = Flag()


class ServiceListParameters(ServiceFilters):
    minimal = Flag()


class ServiceAtLocationListParameters(ServiceFilters):
    postcode = Unsupported()
    proximity = Unsupported()


class OrganisationListParameters(ListParameters):
    full = Flag()
    full_service = Flag()


class OrganisationParameters(serializers.Serializer):
    full_service = Flag()


class TaxonomyTermListParameters(ListParameters):
    taxonomy_id = Text()
    parent_id = Text()
    top_only = Flag()


class NoParameters(serializers.Serializer):
    """An endpoint that takes no query parameter."""
