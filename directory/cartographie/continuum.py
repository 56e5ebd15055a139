"""The continuum: for one client status, which steps of the path each territory covers.

The path is the project's: pre-arrival → accueil → installation → intégration
→ établissement durable. Each service category belongs to one step
(:data:`CATEGORY_STEPS`, a sub-category's own entry first, else its parent's);
services to organisations (``ORG``) belong to none. A step is covered in a
territory when at least one service of its categories serves the territory
and accepts the status. One aggregate query (a ``CASE`` over the category ids).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Value, When
from django.utils.translation import gettext_lazy as _

from directory.models import ClientStatus, Territory

from . import cache
from .coverage import CoverageFilters, Reference, offer_filtered
from .selectors import PortraitScope

PRE_ARRIVAL = "pre_arrival"
ACCUEIL = "accueil"
INSTALLATION = "installation"
INTEGRATION = "integration"
ETABLISSEMENT = "etablissement"

STEPS = (
    (PRE_ARRIVAL, _("Pre-arrival")),
    (ACCUEIL, _("Reception")),
    (INSTALLATION, _("Settlement")),
    (INTEGRATION, _("Integration")),
    (ETABLISSEMENT, _("Lasting settlement")),
)

#: Category code → step. A sub-category not listed takes its parent's step.
CATEGORY_STEPS = {
    # Before arriving: attraction, immigration procedures, French and recognition from abroad.
    "REG.ATTRACTION": PRE_ARRIVAL,
    "JUR.STATUT": PRE_ARRIVAL,
    "FRA.LIGNE": PRE_ARRIVAL,
    "RAC.EVAL": PRE_ARRIVAL,
    # Arrival and reception.
    "ACC": ACCUEIL,
    "REG.ACCUEIL_LOCAL": ACCUEIL,
    # Settling in: papers, housing, basic needs, health care, school, childcare, transport.
    "ACC.DEMARCHES": INSTALLATION,
    "LOG": INSTALLATION,
    "BES": INSTALLATION,
    "SAN": INSTALLATION,
    "SAN.PSY": INTEGRATION,
    "EDU.SCOLAIRE": INSTALLATION,
    "FAM.GARDE": INSTALLATION,
    "TRA": INSTALLATION,
    # Integration: French, work, recognition, education, rights, families.
    "FRA": INTEGRATION,
    "EMP": INTEGRATION,
    "RAC": INTEGRATION,
    "EDU": INTEGRATION,
    "FAM": INTEGRATION,
    "JUR": INTEGRATION,
    "NUM": INTEGRATION,
    "VIE.JUMELAGE": INTEGRATION,
    # Staying for good: community life, participation, retention, entrepreneurship.
    "VIE": ETABLISSEMENT,
    "REG": ETABLISSEMENT,
    "EMP.ENTREPRENEURIAT": ETABLISSEMENT,
}


def category_steps(reference: Reference) -> dict[int, str]:
    """Category id → step, for every category that belongs to one."""
    result = {}
    for category in reference.categories:
        step = CATEGORY_STEPS.get(category.code)
        if step is None and category.parent_id:
            step = CATEGORY_STEPS.get(reference.category_by_id[category.parent_id].code)
        if step is not None:
            result[category.pk] = step
    return result


@dataclass
class ContinuumRow:
    territory: Territory
    #: Per step, in order: (organisations, services).
    counts: list[tuple[int, int]]

    @property
    def covered(self) -> int:
        return sum(1 for organisations, _services in self.counts if organisations)


@dataclass
class Continuum:
    status: ClientStatus
    rows: list[ContinuumRow]

    @property
    def steps(self):
        return STEPS


def continuum(
    *, scope: PortraitScope, status: ClientStatus, language: str, reference: Reference
) -> Continuum:
    filters = CoverageFilters(status=status.code, language=language)
    services = offer_filtered(scope, filters, reference)
    steps = category_steps(reference)
    by_step: dict[str, list[int]] = {}
    for category_id, step in steps.items():
        by_step.setdefault(step, []).append(category_id)
    step_expression = Case(
        *(When(categories__in=ids, then=Value(step)) for step, ids in by_step.items()),
        default=Value(""),
        output_field=CharField(),
    )
    territory_ids = [t.pk for t in reference.territories]
    counts: dict[tuple[int, str], tuple[int, int]] = {}
    rows = (
        services.filter(territories__in=territory_ids, categories__in=list(steps))
        .values(territory=F("territories"), step=step_expression)
        .annotate(
            n_organisations=Count("organisation_id", distinct=True),
            n_services=Count("pk", distinct=True),
        )
        .order_by()
    )
    for row in cache.rows(rows):
        counts[(row["territory"], row["step"])] = (row["n_organisations"], row["n_services"])
    return Continuum(
        status=status,
        rows=[
            ContinuumRow(
                territory=territory,
                counts=[counts.get((territory.pk, key), (0, 0)) for key, _label in STEPS],
            )
            for territory in reference.territories
        ],
    )
