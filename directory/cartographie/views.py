"""The portrait's pages, exports and open data: thin views over the cartographie's reads.

Every page reads a :class:`PortraitScope` (the public's records, or every
record for those who may see the full portrait) and the filters of the query
string; a bad filter answers 400 with the message, the page shown unfiltered.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from directory.models import Partnership
from directory.spreadsheets import spreadsheet_writer

from . import continuum as continuum_module
from . import exports, gaps, needs, network, services, suggestions
from .charts import svg
from .coverage import (
    CSV_COLUMNS,
    CoverageFilterError,
    CoverageFilters,
    Reference,
    coverage_matrix,
    coverage_rows,
)
from .selectors import FULL, PUBLIC, may_connect, portrait_scope

NETWORK_PAGE_SIZE = 50
#: Organisations without a partner listed by name above the table (the table has them all).
ISOLATED_LISTED = 60


def _base(request, *, strict_filters: bool = True):
    """Scope, reference data, filters (or the error that made them empty)."""
    scope = portrait_scope(user=request.user, requested=request.GET.get("version"))
    reference = Reference.load()
    error = ""
    try:
        filters = CoverageFilters.from_query(request.GET, reference)
    except CoverageFilterError as exception:
        filters, error = CoverageFilters(), str(exception)
    return scope, reference, filters, error


def _context(request, scope, reference, filters, error, section: str, **extra) -> dict:
    query = filters.query_items()
    if request.GET.get("version") == PUBLIC:
        query.append(("version", PUBLIC))
    status = reference.status_by_code.get(filters.status)
    language = reference.language_by_code.get(filters.language)
    return {
        "status_label": status.label if status else "",
        "language_label": language.label if language else "",
        "scope": scope,
        "reference": reference,
        "filters": filters,
        "filter_error": error,
        "section": section,
        "may_see_full": request.user.has_perm("directory.view_full_portrait"),
        "may_connect": may_connect(request.user),
        "query": urlencode(query),
        "public_query": urlencode([*filters.query_items(), ("version", PUBLIC)]),
        "full_query": urlencode(filters.query_items()),
        **extra,
    }


def _render(request, template: str, context: dict):
    return render(request, template, context, status=400 if context["filter_error"] else 200)


def _territory_levels_chart(matrix):
    rows = matrix.territory_levels()
    return svg.bar_chart(
        title=_("Gaps and thin coverage by territory"),
        description=_(
            "For each territory, the number of service categories with no provider (gaps) "
            "and with a single provider (thin coverage). The table below the matrix gives "
            "the same figures."
        ),
        series=[
            svg.Series("gaps", _("Gaps (no provider)"), "bar--gap hatch", "#b3261e"),
            svg.Series("thin", _("Thin (one provider)"), "bar--thin", "#d9a21b"),
        ],
        groups=[svg.BarGroup(t.name, (gap_count, thin)) for t, gap_count, thin in rows],
    )


@require_safe
def portrait(request):
    """The coverage matrix: territory × category, with its heat map, chart and legend."""
    scope, reference, filters, error = _base(request)
    expand = set(request.GET.getlist("expand"))
    if "all" in expand:
        expand = {c.code for c in reference.top_categories}
    matrix = coverage_matrix(scope=scope, filters=filters, reference=reference, expand=expand)
    context = _context(
        request,
        scope,
        reference,
        filters,
        error,
        "matrix",
        matrix=matrix,
        rows=matrix.rows(),
        chart=_territory_levels_chart(matrix),
        territory_levels=matrix.territory_levels(),
        gap_count=matrix.counts("gap"),
        thin_count=matrix.counts("thin"),
        convergence_count=matrix.counts("convergence"),
        matrix_hidden=[("expand", code) for code in sorted(matrix.expanded)],
    )
    return _render(request, "directory/portrait/matrix.html", context)


@require_safe
def portrait_gaps(request):
    scope, reference, filters, error = _base(request)
    matrix = coverage_matrix(scope=scope, filters=filters, reference=reference, links=True)
    context = _context(
        request,
        scope,
        reference,
        filters,
        error,
        "gaps",
        territories=gaps.gaps_by_territory(matrix),
        providers=gaps.sole_providers(matrix, scope),
        overlaps=gaps.overlaps(scope=scope, filters=filters, reference=reference),
        overlap_limit=gaps.OVERLAP_LIMIT,
    )
    return _render(request, "directory/portrait/gaps.html", context)


def _territory(request, reference):
    code = request.GET.get("territory", "").strip()
    if not code:
        return None, ""
    for territory in reference.territories:
        if territory.code == code:
            return territory, ""
    return None, _("“%(value)s” is not a territory code.") % {"value": code[:60]}


@require_safe
def portrait_network(request):
    scope, reference, filters, error = _base(request)
    territory, territory_error = _territory(request, reference)
    graph = network.partnership_network(scope=scope, territory=territory)
    page = Paginator(graph.nodes, NETWORK_PAGE_SIZE).get_page(request.GET.get("page"))
    chart = svg.network_chart(
        title=_("Partnership network"),
        description=_(
            "%(organisations)s organisations and %(partnerships)s partnerships; "
            "%(isolated)s organisations have no partner (dashed squares in the centre)."
        )
        % {
            "organisations": len(graph.nodes),
            "partnerships": len(graph.edges),
            "isolated": len(graph.isolated),
        },
        nodes=graph.drawn_nodes,
        edges=graph.drawn_edges,
        size=network.SIZE,
    )
    context = _context(
        request,
        scope,
        reference,
        filters,
        error or territory_error,
        "network",
        graph=graph,
        isolated_shown=graph.isolated[:ISOLATED_LISTED],
        page=page,
        chart=chart,
        territory=territory,
        kinds=Partnership.Kind.choices,
        edge_styles=svg.EDGE_STYLES,
    )
    return _render(request, "directory/portrait/network.html", context)


@require_safe
def portrait_suggestions(request):
    scope, reference, filters, error = _base(request)
    slug = request.GET.get("organisation", "").strip()
    organisations = scope.organisations().only("pk", "name", "slug", "acronym").order_by("name")
    organisation = None
    found = []
    if slug:
        organisation = organisations.filter(slug=slug).first()
        if organisation is None:
            error = _("No organisation of the portrait has this address: “%(value)s”.") % {
                "value": slug[:80]
            }
        else:
            found = suggestions.suggestions_for(organisation, scope=scope, reference=reference)
    context = _context(
        request,
        scope,
        reference,
        filters,
        error,
        "suggestions",
        organisations=organisations,
        organisation=organisation,
        suggestions=found,
        isolated=network.without_partner(scope=scope)[:60],
        kinds=Partnership.Kind.choices,
    )
    return _render(request, "directory/portrait/suggestions.html", context)


def _pair(request, scope):
    ids = [request.POST.get("organisation", ""), request.POST.get("partner", "")]
    if not all(value.isdigit() for value in ids):
        raise Http404
    found = scope.organisations().in_bulk([int(value) for value in ids])
    if len(found) != len(set(ids)):
        raise Http404
    return found[int(ids[0])], found[int(ids[1])]


def _back(organisation):
    query = urlencode({"organisation": organisation.slug})
    return redirect(f"{reverse('directory:portrait_suggestions')}?{query}")


@require_POST
def portrait_introduce(request):
    if not may_connect(request.user):
        raise PermissionDenied
    scope = portrait_scope(user=request.user, requested=FULL)
    organisation, partner = _pair(request, scope)
    try:
        count = services.introduction_send(
            by=request.user,
            organisation=organisation,
            partner=partner,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exception:
        messages.error(request, " ".join(exception.messages))
    else:
        messages.success(
            request,
            _("Introduction of %(one)s and %(other)s sent to %(count)s administrators.")
            % {"one": organisation.name, "other": partner.name, "count": count},
        )
    return _back(organisation)


@require_POST
def portrait_partnership(request):
    if not may_connect(request.user):
        raise PermissionDenied
    scope = portrait_scope(user=request.user, requested=FULL)
    organisation, partner = _pair(request, scope)
    try:
        services.partnership_record(
            by=request.user,
            organisation=organisation,
            partner=partner,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", ""),
        )
    except ValidationError as exception:
        messages.error(request, " ".join(exception.messages))
    else:
        messages.success(
            request,
            _("Partnership of %(one)s and %(other)s recorded.")
            % {"one": organisation.name, "other": partner.name},
        )
    return _back(organisation)


@require_safe
def portrait_continuum(request):
    scope, reference, filters, error = _base(request)
    status = reference.status_by_code.get(filters.status) or (
        reference.statuses[0] if reference.statuses else None
    )
    result = chart = None
    if status is not None:
        result = continuum_module.continuum(
            scope=scope, status=status, language=filters.language, reference=reference
        )
        steps = [str(label) for _key, label in continuum_module.STEPS]
        chart = svg.continuum_chart(
            title=_("The continuum for: %(status)s") % {"status": status.label},
            description=_(
                "For each territory, which of the five steps of the path are covered "
                "(a check and the number of organisations) or missing (a cross). "
                "The table below gives the same figures."
            ),
            steps=steps,
            rows=[(row.territory.name, [o for o, _s in row.counts]) for row in result.rows],
        )
    context = _context(
        request,
        scope,
        reference,
        filters,
        error,
        "continuum",
        status=status,
        continuum=result,
        chart=chart,
        steps=continuum_module.STEPS,
    )
    return _render(request, "directory/portrait/continuum.html", context)


@require_safe
def portrait_needs(request):
    scope, reference, filters, error = _base(request)
    if not scope.is_full:
        raise PermissionDenied
    matrix = coverage_matrix(scope=scope, filters=filters, reference=reference)
    table = needs.needs_beside_offer(
        user=request.user, scope=scope, filters=filters, reference=reference, matrix=matrix
    )
    context = _context(
        request,
        scope,
        reference,
        filters,
        error,
        "needs",
        needs=table,
        chart=needs.needs_chart(table, matrix) if table.rows else None,
    )
    return _render(request, "directory/portrait/needs.html", context)


@require_safe
def portrait_export_xlsx(request):
    scope, reference, filters, error = _base(request)
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    content = exports.portrait_workbook(
        user=request.user, scope=scope, filters=filters, reference=reference
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(scope, "xlsx")}"'
    return response


@require_safe
def portrait_export_csv(request, table: str):
    scope, reference, filters, error = _base(request)
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    tables = exports.portrait_tables(
        user=request.user, scope=scope, filters=filters, reference=reference
    )
    if table not in tables:
        raise Http404
    header, rows = tables[table]
    buffer = io.StringIO()
    writer = spreadsheet_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(scope, "csv", table)}"'
    )
    return response


@require_safe
def coverage_csv(request):
    """``/directory/coverage.csv``: the matrix as open data (README: contracts).

    Published data only, whoever asks; the same function as the page.
    """
    reference = Reference.load()
    try:
        filters = CoverageFilters.from_query(request.GET, reference)
    except CoverageFilterError as exception:
        return HttpResponseBadRequest(f"{exception}\n", content_type="text/plain; charset=utf-8")
    unknown = sorted(set(request.GET) - {"status", "language"})
    if unknown:
        return HttpResponseBadRequest(
            _("Unknown parameter: %(names)s. This file takes “status” and “language”.")
            % {"names": ", ".join(name[:40] for name in unknown)}
            + "\n",
            content_type="text/plain; charset=utf-8",
        )
    matrix = coverage_matrix(
        scope=portrait_scope(user=None), filters=filters, reference=reference, links=False
    )
    buffer = io.StringIO()
    writer = spreadsheet_writer(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(coverage_rows(matrix))
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="coverage.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept-Language"
    return response
