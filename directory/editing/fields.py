"""Directory records as JSON values: snapshot, compare, apply, describe.

Change requests and history entries store field values as JSON so that
they outlive the rows they name and can be shown side by side. One
:class:`RecordSpec` per kind of record says which fields organisations edit
themselves; everything else here is driven by it:

- ``snapshot(record)`` reads the record's values (many-to-many fields as
  sorted lists of codes, foreign keys as a code, phones as objects);
- ``values_from_form(form)`` turns a validated editing form into the same shape;
- ``diff(before, after)`` gives ``{field: [old, new]}`` for what differs;
- ``apply_values(record, values)`` writes values back (validated by
  ``full_clean`` before anything is saved);
- :class:`ChangeDescriber` turns ``{field: [old, new]}`` into labelled rows
  for people (choice labels, category names in the current language).

Reference rows are named by their ``code`` (stable across databases);
locations, organisations and members by their UUID.

Initiatives, partnerships and memberships have a spec too, for their
history only (staff edit them in the admin): ``organisation_fields`` names
the fields that say which organisations a change concerns.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.data_version import data_version_bump
from directory.models import (
    Initiative,
    Location,
    Membership,
    Organisation,
    Partnership,
    Phone,
    RecordKind,
    Service,
)

PHONES = "phones"


@dataclass(frozen=True)
class RecordSpec:
    """What organisations edit on one kind of record, in the order forms show it."""

    kind: str
    model: type[models.Model]
    fields: tuple[str, ...]
    #: Fields kept in history but not edited by organisations (staff, admin).
    tracked_only: tuple[str, ...] = ()
    #: For records that concern several organisations (not owned by one): the
    #: fields naming them, whose history gets every change.
    organisation_fields: tuple[str, ...] = ()

    @property
    def has_phones(self) -> bool:
        return PHONES in self.fields

    @property
    def model_fields(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if name != PHONES)

    @property
    def tracked_fields(self) -> tuple[str, ...]:
        return self.fields + self.tracked_only


ORGANISATION_SPEC = RecordSpec(
    kind=RecordKind.ORGANISATION,
    model=Organisation,
    fields=(
        "name",
        "name_en",
        "acronym",
        "kind",
        "mission",
        "mission_en",
        "website",
        "email",
        "territories",
        PHONES,
    ),
    tracked_only=("state", "source", "source_notes", "slug"),
)

SERVICE_SPEC = RecordSpec(
    kind=RecordKind.SERVICE,
    model=Service,
    fields=(
        "name",
        "name_en",
        "description",
        "description_en",
        "status",
        "categories",
        "client_statuses",
        "eligibility",
        "eligibility_en",
        "languages",
        "territories",
        "locations",
        "fees",
        "fees_en",
        "how_to_access",
        "how_to_access_en",
        "required_documents",
        "required_documents_en",
        "schedule",
        "schedule_en",
        "email",
        "url",
    ),
    tracked_only=("state", "source", "source_notes", "slug", "assured_date"),
)

LOCATION_SPEC = RecordSpec(
    kind=RecordKind.LOCATION,
    model=Location,
    fields=(
        "kind",
        "name",
        "name_en",
        "address",
        "municipality",
        "postal_code",
        "territory",
        "latitude",
        "longitude",
        "url",
        "accessibility",
        "accessibility_en",
    ),
    tracked_only=("archived_at",),
)

INITIATIVE_SPEC = RecordSpec(
    kind=RecordKind.INITIATIVE,
    model=Initiative,
    fields=(),
    tracked_only=(
        "kind",
        "name",
        "name_en",
        "slug",
        "description",
        "description_en",
        "website",
        "start_date",
        "end_date",
        "lead",
        "partners",
        "funders",
        "categories",
        "territories",
        "state",
        "source",
        "source_notes",
    ),
    organisation_fields=("lead", "partners", "funders"),
)

PARTNERSHIP_SPEC = RecordSpec(
    kind=RecordKind.PARTNERSHIP,
    model=Partnership,
    fields=(),
    tracked_only=("source", "target", "kind", "description", "started_on", "ended_on"),
    organisation_fields=("source", "target"),
)

MEMBERSHIP_SPEC = RecordSpec(
    kind=RecordKind.MEMBERSHIP,
    model=Membership,
    fields=(),
    tracked_only=(
        "user",
        "organisation",
        "role",
        "state",
        "message",
        "decision_note",
        "decided_at",
        "decided_by",
    ),
    organisation_fields=("organisation",),
)

SPECS = {
    spec.model: spec
    for spec in (
        ORGANISATION_SPEC,
        SERVICE_SPEC,
        LOCATION_SPEC,
        INITIATIVE_SPEC,
        PARTNERSHIP_SPEC,
        MEMBERSHIP_SPEC,
    )
}


def spec_for(record_or_model) -> RecordSpec:
    model = record_or_model if isinstance(record_or_model, type) else type(record_or_model)
    try:
        return SPECS[model]
    except KeyError as error:
        raise TypeError(f"No editing spec for {model!r}") from error


def _key_attribute(related_model) -> str:
    """Reference rows are named by their code; other records (no code) by their UUID."""
    return "code" if any(f.name == "code" for f in related_model._meta.fields) else "uuid"


def organisation_keys(spec: RecordSpec, values: dict[str, Any]) -> set[str]:
    """UUIDs of the organisations a shared record's snapshot names (``organisation_fields``)."""
    keys: set[str] = set()
    for name in spec.organisation_fields:
        value = values.get(name)
        if isinstance(value, list):
            keys.update(value)
        elif value:
            keys.add(value)
    return keys


def _json_scalar(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def phone_value(phone) -> dict[str, str]:
    return {
        "number": phone.number,
        "extension": phone.extension,
        "kind": phone.kind,
        "description": phone.description,
    }


def _sorted_phones(phones: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(
        (
            {key: (phone.get(key) or "") for key in ("number", "extension", "kind", "description")}
            for phone in phones
        ),
        key=lambda phone: (phone["number"], phone["extension"], phone["kind"]),
    )


def own_phones(organisation: Organisation):
    """The organisation's own numbers (not those it gives for one service or location)."""
    return organisation.phones.filter(service__isnull=True, location__isnull=True)


def snapshot(record, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The record's values for ``fields`` (default: its spec's tracked fields), as JSON."""
    spec = spec_for(record)
    values: dict[str, Any] = {}
    for name in fields or spec.tracked_fields:
        if name == PHONES:
            values[name] = (
                _sorted_phones([phone_value(p) for p in own_phones(record)]) if record.pk else []
            )
            continue
        model_field = spec.model._meta.get_field(name)
        if model_field.many_to_many:
            key = _key_attribute(model_field.related_model)
            values[name] = (
                sorted(str(v) for v in getattr(record, name).values_list(key, flat=True))
                if record.pk
                else []
            )
        elif model_field.many_to_one:
            related = getattr(record, name)
            values[name] = (
                str(getattr(related, _key_attribute(model_field.related_model)))
                if related
                else None
            )
        else:
            values[name] = _json_scalar(getattr(record, name))
    return values


def values_from_form(spec: RecordSpec, form) -> dict[str, Any]:
    """A validated editing form's values, shaped like :func:`snapshot`."""
    values: dict[str, Any] = {}
    for name in spec.fields:
        if name == PHONES:
            values[name] = _sorted_phones(form.cleaned_phones)
            continue
        model_field = spec.model._meta.get_field(name)
        value = form.cleaned_data.get(name)
        if model_field.many_to_many:
            key = _key_attribute(model_field.related_model)
            values[name] = sorted(str(getattr(obj, key)) for obj in (value or []))
        elif model_field.many_to_one:
            values[name] = (
                str(getattr(value, _key_attribute(model_field.related_model))) if value else None
            )
        else:
            if value is None and not model_field.null:
                value = ""
            values[name] = _json_scalar(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field of ``after`` whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def _resolve(related_model, keys: list[str]) -> list:
    key = _key_attribute(related_model)
    found = {
        str(getattr(obj, key)): obj for obj in related_model.objects.filter(**{f"{key}__in": keys})
    }
    missing = [k for k in keys if k not in found]
    if missing:
        raise ValidationError(
            gettext("Some values no longer exist: %(values)s.") % {"values": ", ".join(missing)}
        )
    return [found[k] for k in keys]


def apply_values(record, values: dict[str, Any]) -> None:
    """Write ``values`` to ``record``, validate, save, then set relations.

    Precondition: called inside a transaction (a ValidationError raised after
    ``save()``, while resolving relations, must roll the save back).
    """
    spec = spec_for(record)
    relations: dict[str, list] = {}
    for name, value in values.items():
        if name == PHONES:
            continue
        model_field = spec.model._meta.get_field(name)
        if model_field.many_to_many:
            relations[name] = _resolve(model_field.related_model, list(value or []))
        elif model_field.many_to_one:
            setattr(
                record, name, _resolve(model_field.related_model, [value])[0] if value else None
            )
        else:
            setattr(record, name, value)
    record.full_clean()
    record.save()
    for name, objects in relations.items():
        getattr(record, name).set(objects)
    if PHONES in values:
        _replace_phones(record, values[PHONES])


def _replace_phones(organisation: Organisation, phones: list[dict[str, str]]) -> None:
    own_phones(organisation).delete()
    new = [Phone(organisation=organisation, **phone) for phone in _sorted_phones(phones)]
    for phone in new:
        phone.full_clean()
    Phone.objects.bulk_create(new)
    data_version_bump()  # bulk_create sends no signal


# --- Describing changes to people ------------------------------------------------------


@dataclass
class FieldChange:
    """One row of a diff: a field's label and its values before and after, for display."""

    name: str
    label: str
    before: str | list[str]
    after: str | list[str]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Review flags (``directory/editing/review.py``): the record's value changed since
    #: the request was submitted — by someone else (``conflict``, an update request) or
    #: by the organisation itself (``changed_since_submission``, a record awaiting
    #: verification, edited directly since it is not public).
    conflict: bool = False
    changed_since_submission: bool = False

    @property
    def is_list(self) -> bool:
        return isinstance(self.after, list) or isinstance(self.before, list)


_PHONE_LABEL = _("phones")


def _model_field(model, name: str):
    """The model field named ``name``, or None (phones, or a field since removed)."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _date_display(model_field, value) -> str:
    """A stored ISO date or moment, written as the current language writes dates."""
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    day = parse_date(str(value))
    return formats.date_format(day, "DATE_FORMAT") if day else str(value)


def _deleted_label(related_model) -> str:
    if related_model is Location:
        return gettext("(deleted location)")
    if related_model is get_user_model():
        return gettext("(deleted account)")
    return gettext("(deleted record)")


class ChangeDescriber:
    """Labels for ``{field: [old, new]}`` dicts, with related labels fetched once.

    One describer serves a whole page (many history entries): reference
    tables are small and loaded whole the first time they are needed;
    records named by UUID (locations, organisations, members) are fetched in
    one query per model by :meth:`prefetch`, given every dict the page shows
    (one query per UUID otherwise).
    """

    def __init__(self):
        self._labels: dict[type, dict[str, str]] = {}

    def prefetch(self, items: Iterable[tuple[type, dict[str, list[Any]]]]) -> None:
        """Load the labels of every UUID named in these ``(model, changes)`` pairs."""
        wanted: dict[type, set[str]] = {}
        for model, changes in items:
            for name, pair in changes.items():
                model_field = _model_field(model, name)
                if model_field is None or not model_field.is_relation:
                    continue
                related = model_field.related_model
                if _key_attribute(related) != "uuid":
                    continue
                for value in pair:
                    keys = value if isinstance(value, list) else [value]
                    wanted.setdefault(related, set()).update(str(k) for k in keys if k)
        for related, keys in wanted.items():
            self._load(related, keys)

    def _load(self, related_model, keys: set[str]) -> None:
        labels = self._labels.setdefault(related_model, {})
        missing = keys - labels.keys()
        if not missing:
            return
        for obj in related_model._default_manager.filter(uuid__in=missing):
            labels[str(obj.uuid)] = str(obj)
        for key in missing - labels.keys():
            labels[key] = _deleted_label(related_model)

    def _label_of(self, related_model, key: str) -> str:
        uuid_keyed = _key_attribute(related_model) == "uuid"
        if related_model not in self._labels:
            self._labels[related_model] = {}
            if not uuid_keyed:
                attr = _key_attribute(related_model)
                self._labels[related_model] = {
                    str(getattr(obj, attr)): str(obj) for obj in related_model.objects.all()
                }
        labels = self._labels[related_model]
        if key not in labels and uuid_keyed:
            self._load(related_model, {key})
        return labels.get(key, key)

    def _display(self, model_field, value) -> str | list[str]:
        if model_field is None:  # phones
            return [self._phone_display(phone) for phone in value or []]
        if model_field.many_to_many:
            return [self._label_of(model_field.related_model, k) for k in value or []]
        if model_field.many_to_one:
            return self._label_of(model_field.related_model, value) if value else ""
        if model_field.choices and value not in (None, ""):
            return str(dict(model_field.flatchoices).get(value, value))
        if value is None:
            return ""
        if isinstance(model_field, (models.DateTimeField, models.DateField)):
            return _date_display(model_field, value)
        return str(value)

    @staticmethod
    def _phone_display(phone: dict[str, str]) -> str:
        text = phone.get("number", "")
        if phone.get("extension"):
            text += " #" + phone["extension"]
        kind = dict(Phone.Kind.choices).get(phone.get("kind"), "")
        details = ", ".join(str(p) for p in (kind, phone.get("description")) if p)
        return f"{text} ({details})" if details else text

    def describe(self, model, changes: dict[str, list[Any]]) -> list[FieldChange]:
        """Rows in the spec's order (then any other field), each with a translated label."""
        spec = spec_for(model)
        order = {name: index for index, name in enumerate(spec.tracked_fields)}
        rows = []
        for name in sorted(changes, key=lambda n: (order.get(n, len(order)), n)):
            old, new = changes[name]
            if name == PHONES:
                model_field, label = None, _PHONE_LABEL
            else:
                try:
                    model_field = spec.model._meta.get_field(name)
                except FieldDoesNotExist:  # a field since removed: show its name
                    rows.append(FieldChange(name, name, str(old or ""), str(new or "")))
                    continue
                label = model_field.verbose_name
            before, after = self._display(model_field, old), self._display(model_field, new)
            row = FieldChange(name=name, label=capfirst(str(label)), before=before, after=after)
            if isinstance(after, list):
                row.added = [item for item in after if item not in before]
                row.removed = [item for item in before if item not in after]
            rows.append(row)
        return rows
