"""Server-rendered SVG charts: no JavaScript, readable by assistive technologies, printable.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described
by its ``<desc>`` (what it shows, in a sentence with the figures that
matter); the page puts a data table with the same figures beside it, the
accessible equivalent. Series differ by pattern or shape as well as colour
(WCAG 1.4.1), and the colours come from classes in ``portrait.css`` (no
inline style: the public site's CSP forbids it), with presentation
attributes as the fallback for print and for files opened alone.

Pure functions: they take figures and return safe markup; text is escaped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)


def _uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    #: CSS class of the bars (colour and pattern in portrait.css).
    css_class: str
    #: Fallback fill (print, file opened alone).
    fill: str


@dataclass(frozen=True)
class BarGroup:
    label: str
    values: tuple[int, ...]


def _text(value: object) -> str:
    return escape(str(value))


def _open(
    uid: str, title: str, description: str, width: int, height: int, css: str, margin: int = 0
) -> list[str]:
    """``margin`` widens the drawing on both sides (labels outside the plot)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="{-margin} 0 {width + 2 * margin} {height}" width="{width + 2 * margin}" '
        f'height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-title {uid}-desc" focusable="false">',
        f'<title id="{uid}-title">{_text(title)}</title>',
        f'<desc id="{uid}-desc">{_text(description)}</desc>',
    ]


def _patterns(uid: str) -> str:
    """A hatch, so that one series differs from another by more than its colour."""
    return (
        "<defs>"
        f'<pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        '<rect width="3" height="6" fill="#b3261e"/></pattern>'
        "</defs>"
    )


def bar_chart(
    *,
    title: str,
    description: str,
    series: list[Series],
    groups: list[BarGroup],
    label_width: int = 210,
) -> SafeString:
    """Horizontal bars, one group per row (a label and one bar per series), values printed.

    A series whose ``css_class`` contains ``hatch`` is drawn with a hatch pattern.
    """
    uid = _uid("bars")
    bar_height, gap, group_gap = 14, 2, 12
    plot_width = 300
    group_height = len(series) * (bar_height + gap) + group_gap
    legend_height = 24
    height = legend_height + max(len(groups), 1) * group_height + 8
    width = label_width + plot_width + 50
    largest = max([value for group in groups for value in group.values] or [0]) or 1
    parts = _open(uid, title, description, width, height, "chart--bars")
    parts.append(_patterns(uid))
    # Legend.
    x = 0
    for item in series:
        fill = f"url(#{uid}-hatch)" if "hatch" in item.css_class else item.fill
        parts.append(
            f'<rect class="{item.css_class}" x="{x}" y="4" width="14" height="14" '
            f'fill="{fill}" stroke="#1d2330" stroke-width="0.5"/>'
            f'<text x="{x + 20}" y="16" class="chart__legend">{_text(item.label)}</text>'
        )
        x += 30 + 7 * len(item.label)
    for row, group in enumerate(groups):
        top = legend_height + row * group_height
        middle = top + (len(series) * (bar_height + gap)) / 2
        parts.append(
            f'<text x="{label_width - 8}" y="{middle + 4}" text-anchor="end" '
            f'class="chart__label">{_text(group.label)}</text>'
        )
        for index, (item, value) in enumerate(zip(series, group.values, strict=True)):
            y = top + index * (bar_height + gap)
            length = round(plot_width * value / largest, 1)
            fill = f"url(#{uid}-hatch)" if "hatch" in item.css_class else item.fill
            parts.append(
                f'<rect class="{item.css_class}" x="{label_width}" y="{y}" '
                f'width="{max(length, 1)}" height="{bar_height}" fill="{fill}" '
                f'stroke="#1d2330" stroke-width="0.5"/>'
                f'<text x="{label_width + max(length, 1) + 4}" y="{y + bar_height - 3}" '
                f'class="chart__value">{value}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


#: How each kind of partnership is drawn: a dash pattern as well as a colour.
EDGE_STYLES = {
    "referral": ("", "#0b5cab"),
    "co_delivery": ("8 4", "#1b7f5b"),
    "funding": ("2 3", "#6b4a00"),
    "concertation": ("10 3 2 3", "#5a3d8a"),
}


def network_chart(*, title: str, description: str, nodes, edges, size: int) -> SafeString:
    """Organisations as circles (bigger with more partners) joined by their partnerships;
    organisations without a partner as dashed squares. ``nodes`` carry ``x``, ``y``,
    ``degree``, ``is_isolated`` and ``short_name`` (``directory/cartographie/network.py``)."""
    uid = _uid("network")
    parts = _open(uid, title, description, size, size, "chart--network", margin=120)
    for edge in edges:
        dash, colour = EDGE_STYLES.get(edge.kind, ("", "#4a5262"))
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line class="edge edge--{_text(edge.kind)}" x1="{edge.source.x}" '
            f'y1="{edge.source.y}" x2="{edge.target.x}" y2="{edge.target.y}" '
            f'stroke="{colour}" stroke-width="2"{dash_attribute}/>'
        )
    centre = size / 2
    for node in nodes:
        if node.is_isolated:
            parts.append(
                f'<rect class="node node--isolated" x="{node.x - 7}" y="{node.y - 7}" '
                f'width="14" height="14" fill="#fff4d6" stroke="#b3261e" stroke-width="2" '
                f'stroke-dasharray="3 2"/>'
                f'<text class="node__label node__label--isolated" x="{node.x}" '
                f'y="{node.y + 20}" text-anchor="middle">{_text(node.short_name)}</text>'
            )
            continue
        radius = min(6 + 2 * node.degree, 16)
        # Labels outside the circle, away from the centre.
        dx, dy = node.x - centre, node.y - centre
        distance = max((dx * dx + dy * dy) ** 0.5, 1)
        lx = round(node.x + dx / distance * (radius + 6), 1)
        ly = round(node.y + dy / distance * (radius + 6) + 4, 1)
        anchor = "start" if dx > 5 else "end" if dx < -5 else "middle"
        parts.append(
            f'<circle class="node" cx="{node.x}" cy="{node.y}" r="{radius}" '
            f'fill="#0b5cab" stroke="#ffffff" stroke-width="2"/>'
            f'<text class="node__label" x="{lx}" y="{ly}" '
            f'text-anchor="{anchor}">{_text(node.short_name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def continuum_chart(
    *, title: str, description: str, steps: list[str], rows: list[tuple[str, list[int]]]
) -> SafeString:
    """One line per territory: the steps of the path as a row of markers, each a filled
    circle with a check when covered (the number of organisations beside it), a dashed
    hollow circle with a cross when not."""
    uid = _uid("continuum")
    label_width, step_width, row_height, header = 190, 150, 34, 46
    width = label_width + step_width * len(steps) + 10
    height = header + row_height * max(len(rows), 1)
    parts = _open(uid, title, description, width, height, "chart--continuum")
    for index, step in enumerate(steps):
        x = label_width + step_width * index + step_width / 2
        parts.append(
            f'<text class="chart__label" x="{x}" y="18" text-anchor="middle">{_text(step)}</text>'
        )
    for row, (label, counts) in enumerate(rows):
        y = header + row * row_height + row_height / 2 - 6
        parts.append(
            f'<text class="chart__label" x="{label_width - 10}" y="{y + 4}" '
            f'text-anchor="end">{_text(label)}</text>'
        )
        first = label_width + step_width / 2
        last = label_width + step_width * (len(steps) - 1) + step_width / 2
        parts.append(
            f'<line x1="{first}" y1="{y}" x2="{last}" y2="{y}" stroke="#c9d0db" stroke-width="2"/>'
        )
        for index, count in enumerate(counts):
            x = label_width + step_width * index + step_width / 2
            if count:
                parts.append(
                    f'<circle class="step step--covered" cx="{x}" cy="{y}" r="10" '
                    f'fill="#1b7f5b"/>'
                    f'<path d="M{x - 5} {y} l3.5 4 l6.5 -8" fill="none" stroke="#ffffff" '
                    f'stroke-width="2.5"/>'
                    f'<text class="chart__value" x="{x + 14}" y="{y + 4}">{count}</text>'
                )
            else:
                parts.append(
                    f'<circle class="step step--missing" cx="{x}" cy="{y}" r="10" '
                    f'fill="#ffffff" stroke="#b3261e" stroke-width="2" stroke-dasharray="3 2"/>'
                    f'<path d="M{x - 4} {y - 4} l8 8 M{x + 4} {y - 4} l-8 8" '
                    f'stroke="#b3261e" stroke-width="2"/>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))
