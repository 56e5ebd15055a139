"""What a phone number, a postal code and a plain text value are, written once.

The self-service forms, the Wagtail admin, the importer and the template tag
that builds ``tel:`` links all ask these functions, so that a value one of
them accepts is never refused (or shown differently) by another:

- :func:`phone_number_parse` reads a phone number as people write it
  ("(819) 555-0123 poste 12", "+33 1 23 45 67 89", "811") and gives its
  written form ("819 555-0123"), its extension and its ``tel:`` URI, or
  raises :class:`~django.core.exceptions.ValidationError`;
- :func:`postal_code_normalise` gives a Canadian postal code as Canada Post
  writes it ("J1H 5N4");
- :func:`text_problem` finds the invisible control characters that no text
  of the directory may hold (NUL, escape codes, lone surrogates…).

The model fields of ``directory/models/fields.py`` carry the validators, and
their form fields normalise what people type; so every ``ModelForm``
(editing forms, Wagtail viewsets) gets both without being told.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Plain text ----------------------------------------------------------------------------

# C0 controls except tab and line breaks, DEL, C1 controls, lone surrogates (which
# PostgreSQL cannot store) and the noncharacters. Tabs and line breaks are text.
_CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)

# Invisible formatting that copy and paste leaves around a value (byte order mark,
# zero-width space, direction marks and embeddings): removed from the ends of a value,
# and from inside the values that are codes rather than text (postal codes, phones).
FORMAT_CHARACTERS = (
    "\ufeff\u200b\u200c\u200d\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_FORMAT_CHARACTERS = re.compile(f"[{FORMAT_CHARACTERS}]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (in the active language), or None."""
    match = _CONTROL_CHARACTERS.search(value)
    if match is None:
        return None
    return str(
        _(
            "The text holds an invisible control character (U+%(code)04X) at character "
            "%(position)s: remove it (retyping the text is the surest way)."
        )
        % {"code": ord(match.group()), "position": match.start() + 1}
    )


def validate_plain_text(value) -> None:
    """Validator for text fields: refuses control characters (Django refuses only NUL)."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem, code="control_character")


# White space (but not the control characters that str.strip() also takes) and
# invisible formatting: what copy and paste leaves around a value.
STRIP_CHARACTERS = (
    " \t\n\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000" + FORMAT_CHARACTERS
)


def strip_text(value: str) -> str:
    """White space and invisible formatting removed from both ends."""
    return value.strip(STRIP_CHARACTERS)


def _plain_digits(value: str) -> str:
    """Full-width and other scripts' digits (٨١٩, ８１９) as ASCII digits; NFKC otherwise."""
    value = unicodedata.normalize("NFKC", value)
    return "".join(
        str(unicodedata.decimal(char)) if not char.isascii() and char.isdecimal() else char
        for char in value
    )


# --- Canadian postal codes ----------------------------------------------------------------

# Canada Post: no D, F, I, O, Q or U anywhere, no W or Z in first position.
_POSTAL_CODE = re.compile(
    r"([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z])[ -]?([0-9][ABCEGHJ-NPRSTV-Z][0-9])"
)
POSTAL_CODE_MESSAGE = _("Not a Canadian postal code: write it as J1H 5N4.")


def postal_code_normalise(value: str) -> str:
    """``"j1h5n4"`` → ``"J1H 5N4"``; raises ValidationError for anything else."""
    text = _FORMAT_CHARACTERS.sub("", _plain_digits(value)).strip().upper()
    match = _POSTAL_CODE.fullmatch(" ".join(text.split()))
    if match is None:
        raise ValidationError(POSTAL_CODE_MESSAGE, code="postal_code")
    return f"{match.group(1)} {match.group(2)}"


def validate_postal_code(value: str) -> None:
    if value:
        postal_code_normalise(value)


# --- Phone numbers ------------------------------------------------------------------------

PHONE_MESSAGE = _(
    "Not a phone number: write the 10 digits with the area code (819 555-0123), "
    "or an international number starting with + (+33 1 23 45 67 89)."
)
EXTENSION_MESSAGE = _("The extension takes digits only (for example 12).")
EXTENSION_IN_NUMBER_MESSAGE = _("Give the extension in its own field, not after the number.")
EXTENSIONS_DIFFER_MESSAGE = _(
    "The number ends with the extension %(inside)s but the extension given is %(given)s."
)

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_EXTENSION_WORDS = r"(?:poste|post\.?|p\.?|extension|ext\.?|x|#)"
_EXTENSION_SUFFIX = re.compile(
    rf"\s*[,;]?\s*{_EXTENSION_WORDS}\s*[.:]?\s*([0-9]{{1,10}})$", re.IGNORECASE
)
_EXTENSION = re.compile(rf"(?:{_EXTENSION_WORDS}\s*[.:]?\s*)?([0-9]{{1,10}})", re.IGNORECASE)
# What a number may be written with: digits and the usual separators.
_NUMBER_CHARACTERS = re.compile(r"\+?[0-9 ().\-/]+")
_NANP = re.compile(r"([2-9][0-9]{2})([2-9][0-9]{2})([0-9]{4})")
_SERVICE_CODE = re.compile(r"[2-9]11")  # 211, 311, 411, 511, 811, 911


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number as the directory stores it: written form, extension, ``tel:`` URI."""

    number: str
    extension: str
    dial: str  # what the tel: URI dials: +18195550123, or 811

    @property
    def uri(self) -> str:
        return f"tel:{self.dial};ext={self.extension}" if self.extension else f"tel:{self.dial}"


def phone_extension_normalise(value: str) -> str:
    """``"poste 12"``, ``"#12"``, ``" 12 "`` → ``"12"``; raises ValidationError otherwise."""
    text = " ".join(_FORMAT_CHARACTERS.sub("", _plain_digits(value)).split())
    if not text:
        return ""
    match = _EXTENSION.fullmatch(text)
    if match is None:
        raise ValidationError(EXTENSION_MESSAGE, code="phone_extension")
    return match.group(1)


def _north_american(digits: str, prefix: str) -> tuple[str, str]:
    match = _NANP.fullmatch(digits)
    if match is None:
        raise ValidationError(PHONE_MESSAGE, code="phone_number")
    area, exchange, line = match.groups()
    return f"{prefix}{area} {exchange}-{line}", f"+1{digits}"


def phone_number_parse(value: str, extension: str = "") -> PhoneNumber:
    """Read a phone number as people write it; raises ValidationError (translated).

    North American numbers are written ``819 555-0123`` (``1 800 555-0123``
    and ``+1 819 555-0123`` keep the prefix they were given with); the
    N11 service numbers (211, 811) as their three digits; other countries'
    numbers start with ``+`` and keep their grouping. An extension may end
    the number ("poste 12", "ext. 12", "#12", "x12"); if ``extension`` is
    also given, both must agree. Letters, markup and seven-digit numbers
    (Québec dials ten) are refused.
    """
    text = " ".join(_FORMAT_CHARACTERS.sub("", _plain_digits(value)).translate(_DASHES).split())
    given_extension = phone_extension_normalise(extension)
    inside_extension = ""
    suffix = _EXTENSION_SUFFIX.search(text)
    if suffix:
        inside_extension, text = suffix.group(1), text[: suffix.start()].rstrip()
    if given_extension and inside_extension and given_extension != inside_extension:
        raise ValidationError(
            EXTENSIONS_DIFFER_MESSAGE,
            code="phone_extension",
            params={"inside": inside_extension, "given": given_extension},
        )
    if not _NUMBER_CHARACTERS.fullmatch(text):
        raise ValidationError(PHONE_MESSAGE, code="phone_number")
    international = text.startswith("+")
    if international:
        text = text.replace("(0)", "")  # the trunk prefix is not dialled after a country code
    digits = re.sub(r"[^0-9]", "", text)
    if international and digits.startswith("1"):
        number, dial = _north_american(digits[1:], "+1 ")
    elif international:
        if not 7 <= len(digits) <= 15 or digits.startswith("0"):
            raise ValidationError(PHONE_MESSAGE, code="phone_number")
        number = "+" + " ".join(re.sub(r"[^0-9]+", " ", text).split())
        dial = f"+{digits}"
    elif _SERVICE_CODE.fullmatch(digits) and text == digits:
        number, dial = digits, digits
    elif len(digits) == 11 and digits.startswith("1"):
        number, dial = _north_american(digits[1:], "1 ")
    elif len(digits) == 10:
        number, dial = _north_american(digits, "")
    else:
        raise ValidationError(PHONE_MESSAGE, code="phone_number")
    return PhoneNumber(number=number, extension=given_extension or inside_extension, dial=dial)


def validate_phone_number(value: str) -> None:
    """Model validator: a phone number, its extension (if any) kept in its own field."""
    if value and phone_number_parse(value).extension:
        raise ValidationError(EXTENSION_IN_NUMBER_MESSAGE, code="phone_extension")


def validate_phone_extension(value: str) -> None:
    if value:
        phone_extension_normalise(value)


# --- Form fields: what people type, normalised -------------------------------------------


class PostalCodeFormField(forms.CharField):
    """``j1h5n4`` typed, ``J1H 5N4`` saved."""

    default_validators = [validate_postal_code]

    def widget_attrs(self, widget):
        # No autocomplete token: the address is the organisation's, not the person's own.
        return {
            **super().widget_attrs(widget),
            "autocapitalize": "characters",
            "spellcheck": "false",
        }

    def clean(self, value):
        value = super().clean(value)
        return postal_code_normalise(value) if value else value


class TelInput(forms.TextInput):
    input_type = "tel"  # the phone keypad on phones; no validation by the browser


class PhoneNumberFormField(forms.CharField):
    """A phone number, saved in its written form.

    ``allow_extension``: the form has an extension field of its own and
    moves an extension typed after the number into it (see
    :class:`directory.editing.forms.PhoneForm`); the field then returns
    what was typed, validated, for the form to split.
    """

    widget = TelInput

    def __init__(self, *, allow_extension: bool = False, **kwargs):
        self.allow_extension = allow_extension
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No autocomplete token: the number is the organisation's, not the person's own.
        return {**super().widget_attrs(widget), "spellcheck": "false"}

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        phone = phone_number_parse(value)
        if self.allow_extension:
            return value
        if phone.extension:
            raise ValidationError(EXTENSION_IN_NUMBER_MESSAGE, code="phone_extension")
        return phone.number


class PhoneExtensionFormField(forms.CharField):
    """``poste 12`` typed, ``12`` saved."""

    default_validators = [validate_phone_extension]

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric", "spellcheck": "false"}

    def clean(self, value):
        value = super().clean(value)
        return phone_extension_normalise(value) if value else value


def with_text_validation(form_field):
    """The form field, refusing control characters if it takes text (a formfield callback
    helper for ModelForms: the editing forms and the Wagtail viewsets)."""
    if isinstance(form_field, forms.CharField) and validate_plain_text not in form_field.validators:
        form_field.validators.append(validate_plain_text)
    return form_field
