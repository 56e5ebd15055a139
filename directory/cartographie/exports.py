"""The portrait as tables to download: CSV (one table per file) and XLSX (one sheet each).

The figures come from the same functions as the pages. Text cells that a
spreadsheet would run as formulas are neutralised: in CSV by
``directory/spreadsheets.py``; in XLSX by storing them as strings, never as
formulas (openpyxl otherwise writes a value starting with ``=`` as one).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Partnership
from directory.spreadsheets import FORMULA_PREFIXES, PLAIN_NUMBER

from . import continuum as continuum_module
from . import gaps, network
from .coverage import CoverageFilters, Reference, coverage_matrix
from .needs import needs_beside_offer
from .selectors import PortraitScope

TABLES = ("matrix", "gaps", "overlaps", "network", "continuum", "needs")


def filename(scope: PortraitScope, extension: str, table: str = "portrait") -> str:
    version = "complet" if scope.is_full else "public"
    return f"portrait-{table}-{version}-{timezone.localdate():%Y-%m-%d}.{extension}"


def portrait_tables(
    *, user, scope: PortraitScope, filters: CoverageFilters, reference: Reference
) -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the portrait: name → (header, rows). Needs in the full version only."""
    matrix = coverage_matrix(
        scope=scope,
        filters=filters,
        reference=reference,
        expand={c.code for c in reference.top_categories},
        links=False,
    )
    tables: dict[str, tuple[list[str], list[list]]] = {}
    levels = {"gap": _("gap"), "thin": _("thin"), "convergence": _("convergence")}
    rows = []
    for row in matrix.rows():
        for cell in [*row.cells, row.region]:
            rows.append(
                [
                    cell.territory.code if cell.territory else "",
                    cell.territory.name if cell.territory else _("All of Estrie"),
                    row.category.code,
                    row.category.label,
                    _("sub-category") if row.is_sub else _("category"),
                    cell.services,
                    cell.organisations,
                    levels[cell.level],
                ]
            )
    tables["matrix"] = (
        [
            _("territory"),
            _("territory name"),
            _("category"),
            _("category name"),
            _("level"),
            _("services"),
            _("organisations"),
            _("coverage"),
        ],
        rows,
    )
    providers = gaps.sole_providers(matrix, scope)
    rows = []
    for item in gaps.gaps_by_territory(matrix):
        for cell in [*item.gaps, *item.thin]:
            provider = providers.get(cell.sole_organisation_id)
            rows.append(
                [
                    item.territory.name,
                    cell.category.code,
                    cell.category.label,
                    levels[cell.level],
                    provider.name if provider else "",
                ]
            )
    tables["gaps"] = (
        [_("territory"), _("category"), _("category name"), _("coverage"), _("sole provider")],
        rows,
    )
    tables["overlaps"] = (
        [
            _("territory"),
            _("category"),
            _("category name"),
            _("client status"),
            _("organisations"),
            _("services"),
            _("organisation names"),
        ],
        [
            [
                o.territory.name,
                o.category.code,
                o.category.label,
                o.status.label,
                o.organisation_count,
                o.services,
                "; ".join(org.name for org in o.organisations),
            ]
            for o in gaps.overlaps(scope=scope, filters=filters, reference=reference)
        ],
    )
    graph = network.partnership_network(scope=scope, drawn_limit=0)
    kinds = dict(Partnership.Kind.choices)
    tables["network"] = (
        [_("organisation"), _("partners"), _("partnerships")],
        [
            [
                node.organisation.name,
                node.degree,
                "; ".join(
                    f"{partner.name} ({kinds.get(kind, kind)})" for partner, kind in node.partners
                ),
            ]
            for node in graph.nodes
        ],
    )
    statuses = (
        [reference.status_by_code[filters.status]] if filters.status else list(reference.statuses)
    )
    rows = []
    for status in statuses:
        result = continuum_module.continuum(
            scope=scope, status=status, language=filters.language, reference=reference
        )
        for row in result.rows:
            rows.append(
                [status.label, row.territory.name]
                + [organisations for organisations, _services in row.counts]
            )
    tables["continuum"] = (
        [_("client status"), _("territory")]
        + [str(label) for _key, label in continuum_module.STEPS],
        rows,
    )
    if scope.is_full:
        table = needs_beside_offer(
            user=user, scope=scope, filters=filters, reference=reference, matrix=matrix
        )
        tables["needs"] = (
            [
                _("category"),
                _("territory"),
                _("needs"),
                _("organisations expressing them"),
                _("services offered"),
                _("organisations offering"),
            ],
            [
                [
                    r.category.label if r.category else _("not given"),
                    r.territory.name if r.territory else _("not given"),
                    r.needs,
                    r.organisations,
                    r.offer.services if r.offer else "",
                    r.offer.organisations if r.offer else "",
                ]
                for r in table.rows
            ],
        )
    return tables


def xlsx_neutralise(cell) -> None:
    """A text cell that a spreadsheet would run stays text: stored as a string, marked with
    Excel's own "this is text" prefix (the apostrophe the user would type)."""
    value = cell.value
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        cell.data_type = "s"
        cell.quotePrefix = True


def sheet_titles() -> dict[str, str]:
    return {
        "matrix": _("Coverage"),
        "gaps": _("Gaps"),
        "overlaps": _("Overlaps"),
        "network": _("Partnerships"),
        "continuum": _("Continuum"),
        "needs": _("Needs"),
    }


def portrait_workbook(
    *, user, scope: PortraitScope, filters: CoverageFilters, reference: Reference
) -> bytes:
    titles = sheet_titles()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in portrait_tables(
        user=user, scope=scope, filters=filters, reference=reference
    ).items():
        sheet = workbook.create_sheet(titles[name][:31])
        sheet.append([str(title) for title in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                xlsx_neutralise(cell)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
