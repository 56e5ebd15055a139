"""What a validator sees when reviewing a change request, and the fingerprint of it.

Staff approve exactly what they saw. A record awaiting verification (a new
service, a draft organisation submitted for publication) is not public, so
its organisation keeps editing it directly after submitting it; an import
or a staff edit may change it too. Approval publishes the record as it is
then. So the review shows the record's *current* values (beside those it had
when it was submitted, with the fields changed since flagged), and carries
a :attr:`Review.fingerprint` of everything it showed; approval recomputes the
fingerprint under the locks and refuses, changing nothing, when it differs
(:class:`~directory.editing.services.ChangeRequestChanged`): the reviewer
reloads the page and judges what is there now.

We chose this over folding later edits into the pending request because a
pending record changes through several paths (the organisation's form, the
importer, the Wagtail admin): comparing what was shown with what would be
published covers them all, and the race of an edit landing while the page
is open.

What the fingerprint covers, by kind of request:

- *update*: the request's proposed values, the values they replace (as
  submitted and as they are now: a difference is a conflict, and approval is
  refused until the organisation resubmits);
- *new organisation or service* (the record exists, pending): every field
  the organisation edits, as it is now; for an organisation, also each of
  its locations, which become public with it;
- *new location*: the proposed values (the location does not exist yet);
- *archive*, *restore*: the record's state (a location: when it was archived).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from directory.editing.fields import (
    LOCATION_SPEC,
    ChangeDescriber,
    FieldChange,
    diff,
    snapshot,
    spec_for,
)
from directory.editing.selectors import MODELS_BY_KIND
from directory.models import ChangeRequest, Location, Organisation

EMPTY = (None, "", [])


@dataclass
class LocationReview:
    """A location that becomes public with the organisation under review."""

    label: str
    rows: list[FieldChange]


@dataclass
class Review:
    change_request: ChangeRequest
    #: Labelled rows: for an update, before → proposed; for a new record, its values when
    #: submitted → its values now (what approval publishes).
    rows: list[FieldChange]
    #: Update: fields whose value on the record changed since submission (approval refused).
    conflicts: list[str] = field(default_factory=list)
    #: New record: fields the record changed since it was submitted (shown, not refused).
    changed_since_submission: list[str] = field(default_factory=list)
    locations: list[LocationReview] = field(default_factory=list)
    #: What approval of a new record publishes (its current values); None otherwise.
    current: dict[str, Any] | None = None
    fingerprint: str = ""

    @property
    def shows_current_values(self) -> bool:
        return self.current is not None


def change_request_conflicts(change_request: ChangeRequest, *, record=None) -> list[str]:
    """Fields of an update request whose value on the record changed since submission.

    ``record``: the target as read under the approval's locks (default: as loaded).
    """
    if change_request.kind != ChangeRequest.Kind.UPDATE:
        return []
    record = record if record is not None else change_request.target
    if record is None:
        return []
    current = snapshot(record, tuple(change_request.proposed))
    return [
        name
        for name in change_request.proposed
        if current.get(name) != change_request.previous.get(name)
    ]


def _fingerprint(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def change_request_review(
    change_request: ChangeRequest, *, record=None, describer: ChangeDescriber | None = None
) -> Review:
    """The review of a request as a validator sees it, with its fingerprint.

    ``record``: the target as read under the approval's locks (default: as
    loaded with the request). The page and the approval both call this, so
    that they compare the same thing.
    """
    describer = describer or ChangeDescriber()
    record = record if record is not None else change_request.target
    model = MODELS_BY_KIND[change_request.target_kind]
    kind = change_request.kind
    proposed = change_request.proposed or {}
    content: dict[str, Any] = {
        "request": change_request.pk,
        "status": change_request.status,
        "kind": kind,
        "proposed": proposed,
    }
    review = Review(change_request=change_request, rows=[])

    if kind == ChangeRequest.Kind.CREATE and record is not None:
        fields = spec_for(record).fields
        current = snapshot(record, fields)
        names = [n for n in fields if current.get(n) not in EMPTY or proposed.get(n) not in EMPTY]
        review.rows = describer.describe(model, {n: [proposed.get(n), current[n]] for n in names})
        review.changed_since_submission = [n for n in names if proposed.get(n) != current[n]]
        for row in review.rows:
            row.changed_since_submission = row.name in review.changed_since_submission
        review.current = current
        content["current"] = current
        if isinstance(record, Organisation):
            locations = []
            for location in record.locations.current().order_by("pk"):
                values = snapshot(location, LOCATION_SPEC.fields)
                locations.append([str(location.uuid), values])
                review.locations.append(
                    LocationReview(
                        label=str(location),
                        rows=describer.describe(
                            Location,
                            {n: [None, v] for n, v in values.items() if v not in EMPTY},
                        ),
                    )
                )
            content["locations"] = locations
    else:
        changes = diff(change_request.previous, proposed)
        if kind == ChangeRequest.Kind.CREATE:
            changes = {n: pair for n, pair in changes.items() if pair[1] not in EMPTY}
        review.rows = describer.describe(model, changes)
        if kind == ChangeRequest.Kind.UPDATE and record is not None:
            content["previous"] = {n: change_request.previous.get(n) for n in proposed}
            content["current"] = snapshot(record, tuple(proposed))
            review.conflicts = change_request_conflicts(change_request, record=record)
            for row in review.rows:
                row.conflict = row.name in review.conflicts
        elif isinstance(record, Location):  # archive or restore a location
            content["current"] = snapshot(record, ("archived_at",))
        elif kind == ChangeRequest.Kind.ARCHIVE and record is not None:
            content["current"] = {"state": record.state}

    review.fingerprint = _fingerprint(content)
    return review
