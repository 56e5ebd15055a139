"""Complementarity: the partnership network (organisations as nodes, partnerships as edges).

Nodes are the scope's organisations (optionally those whose services serve
one territory); edges the partnerships between two of them that have not
ended. Organisations with no partner stand out, in the drawing and at the
top of the table. Queries: 3, whatever the size of the network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from directory.models import Partnership, Service, Territory

from . import cache
from .selectors import PortraitScope

#: The drawing shows at most this many organisations (the most connected first);
#: the table lists every one.
DRAWN_LIMIT = 60
#: ... and at most this many organisations without a partner, in a grid at the centre.
ISOLATED_DRAWN = 15


@dataclass(frozen=True)
class OrganisationRef:
    """What a node shows of an organisation, read from cached rows (thousands of nodes:
    no model instance each)."""

    pk: int
    name: str
    slug: str
    acronym: str

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation_detail", kwargs={"slug": self.slug})


@dataclass
class Node:
    organisation: OrganisationRef
    partners: list[tuple[OrganisationRef, str]] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0

    @property
    def degree(self) -> int:
        return len({partner.pk for partner, _kind in self.partners})

    @property
    def is_isolated(self) -> bool:
        return not self.partners

    @property
    def short_name(self) -> str:
        name = self.organisation.acronym or self.organisation.name
        return name if len(name) <= 18 else name[:17] + "…"


@dataclass
class Edge:
    source: Node
    target: Node
    kind: str
    label: str


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]
    territory: Territory | None = None
    drawn_nodes: list[Node] = field(default_factory=list)
    drawn_edges: list[Edge] = field(default_factory=list)

    @property
    def isolated(self) -> list[Node]:
        return [node for node in self.nodes if node.is_isolated]

    @property
    def connected(self) -> list[Node]:
        return [node for node in self.nodes if not node.is_isolated]

    @property
    def is_truncated(self) -> bool:
        return len(self.drawn_nodes) < len(self.nodes)


def partnership_network(
    *, scope: PortraitScope, territory: Territory | None = None, drawn_limit: int = DRAWN_LIMIT
) -> Network:
    organisations = scope.organisations()
    if territory is not None:
        organisations = organisations.filter(
            pk__in=scope.offer()
            .filter(
                pk__in=Service.territories.through.objects.filter(territory=territory).values(
                    "service_id"
                )
            )
            .values("organisation_id")
        )
    rows = cache.rows(
        organisations.order_by("name", "pk").values_list("pk", "name", "slug", "acronym")
    )
    nodes = {row[0]: Node(OrganisationRef(*row)) for row in rows}
    today = timezone.localdate()
    partnerships = (
        scope.partnerships()
        .filter(source__in=organisations.values("pk"), target__in=organisations.values("pk"))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .order_by("source_id", "target_id", "kind")
    )
    labels = dict(Partnership.Kind.choices)
    edges = []
    for source_id, target_id, kind in cache.rows(
        partnerships.values_list("source_id", "target_id", "kind")
    ):
        source, target = nodes[source_id], nodes[target_id]
        source.partners.append((target.organisation, kind))
        target.partners.append((source.organisation, kind))
        edges.append(Edge(source, target, kind, str(labels.get(kind, kind))))
    for node in nodes.values():
        node.partners.sort(key=lambda item: (item[0].name.casefold(), item[1]))
    ordered = sorted(
        nodes.values(), key=lambda n: (n.is_isolated, -n.degree, n.organisation.name.casefold())
    )
    network = Network(nodes=ordered, edges=edges, territory=territory)
    connected = [node for node in ordered if not node.is_isolated]
    isolated = [node for node in ordered if node.is_isolated]
    network.drawn_nodes = _circle_layout(
        connected[:drawn_limit] + isolated[: min(drawn_limit, ISOLATED_DRAWN)]
    )
    drawn = {id(node) for node in network.drawn_nodes}
    network.drawn_edges = [e for e in edges if id(e.source) in drawn and id(e.target) in drawn]
    return network


#: Size of the drawing (SVG user units); the CSS scales it to the page.
SIZE = 640
RADIUS = 230


def _circle_layout(nodes: list[Node]) -> list[Node]:
    """Connected organisations on a circle, grouped with their partners (a greedy order:
    each next node is a partner of the previous one when it can be), isolated ones in
    a grid at the centre, so that they stand out."""
    connected = [node for node in nodes if not node.is_isolated]
    isolated = [node for node in nodes if node.is_isolated]
    order: list[Node] = []
    remaining = list(connected)
    by_org = {node.organisation.pk: node for node in connected}
    while remaining:
        current = remaining.pop(0)
        order.append(current)
        stack = [current]
        while stack:
            node = stack.pop()
            for partner, _kind in node.partners:
                follower = by_org.get(partner.pk)
                if follower in remaining:
                    remaining.remove(follower)
                    order.append(follower)
                    stack.append(follower)
    centre = SIZE / 2
    for index, node in enumerate(order):
        angle = 2 * math.pi * index / max(len(order), 1) - math.pi / 2
        node.x = round(centre + RADIUS * math.cos(angle), 1)
        node.y = round(centre + RADIUS * math.sin(angle), 1)
    # Isolated organisations in a grid at the centre, wide enough for their labels.
    columns = min(3, max(1, math.ceil(math.sqrt(len(isolated)))))
    step_x, step_y = 120, 40
    rows = math.ceil(len(isolated) / columns) if isolated else 0
    width, height = (columns - 1) * step_x, (rows - 1) * step_y
    for index, node in enumerate(isolated):
        node.x = round(centre - width / 2 + (index % columns) * step_x, 1)
        node.y = round(centre - height / 2 + (index // columns) * step_y, 1)
    return order + isolated


def without_partner(*, scope: PortraitScope):
    """The scope's organisations with no partnership in force, by name (a queryset)."""
    today = timezone.localdate()
    current = scope.partnerships().filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return (
        scope.organisations()
        .only("pk", "name", "slug", "acronym")
        .exclude(pk__in=current.values("source_id"))
        .exclude(pk__in=current.values("target_id"))
        .order_by("name", "pk")
    )
