"""Validating against the HSDS 3.0 JSON Schemas kept in tests/hsds_schema/.

Formats are checked, not just annotated: ``uuid`` and ``email`` strictly,
``uri`` as an absolute URI, ``date-time`` as RFC 3339 with an offset.
"""

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "hsds_schema"

_checker = FormatChecker()


@_checker.checks("uri")
def _is_absolute_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.scheme in {"mailto", "tel", "urn"})


@_checker.checks("date-time")
def _is_rfc3339(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value and moment.tzinfo is not None


@_checker.checks("email")
def _is_email(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(_load(path), default_specification=DRAFT202012))
        for path in sorted((SCHEMA_DIR / "schema").glob("*.json"))
    ]
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    """``kind`` is a compiled schema ("service") or a canonical one ("taxonomy_term")."""
    compiled = SCHEMA_DIR / "schema" / "compiled" / f"{kind}.json"
    path = compiled if compiled.exists() else SCHEMA_DIR / "schema" / f"{kind}.json"
    return Draft202012Validator(_load(path), registry=_registry(), format_checker=_checker)


def errors(kind: str, instance: dict) -> list[str]:
    """Every violation, as "path: message" lines (empty when the instance is valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in sorted(validator(kind).iter_errors(instance), key=str)
    ]


def assert_valid(kind: str, instance: dict) -> None:
    problems = errors(kind, instance)
    assert not problems, f"{kind} {instance.get('id')} is not valid HSDS:\n" + "\n".join(
        problems[:20]
    )


def datapackage() -> dict:
    return _load(SCHEMA_DIR / "datapackage.json")
