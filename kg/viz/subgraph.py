"""Choosing what a page shows: the whole graph, or for large builds the most connected entities.

A 100,000-abstract build must still give a page of bounded size, so the page embeds at most
`max_entities` entities (ranked by papers, then degree) and `max_papers` papers (those linking to
the most kept entities), plus the results those papers report.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from kg.errors import ConfigError
from kg.viz.style import PAPER, RESULT, is_entity


@dataclass
class View:
    """The part of a graph a page embeds, and how it was cut.

    `rank` orders the kept entities, most connected first (0-based); the page's "entities shown"
    control hides entities whose rank is at or above its value.
    """

    graph: nx.MultiDiGraph
    rank: dict[str, int] = field(default_factory=dict)
    entities_total: int = 0
    papers_total: int = 0
    max_entities: int = 0
    max_papers: int = 0

    @property
    def truncated(self) -> bool:
        return len(self.rank) < self.entities_total or self.papers_shown < self.papers_total

    @property
    def papers_shown(self) -> int:
        return sum(1 for _, k in self.graph.nodes(data="kind") if k == PAPER)


def entity_ranking(g: nx.MultiDiGraph) -> list[str]:
    """Entity node ids, most connected first: papers (`paper_count`), then degree, then label, id.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", kind="Method", label="A", paper_count=1)
    >>> g.add_node("b", kind="Method", label="B", paper_count=3)
    >>> entity_ranking(g)
    ['b', 'a']
    """
    def key(n):
        d = g.nodes[n]
        papers = d.get("paper_count")
        if not isinstance(papers, (int, float)):
            papers = sum(1 for p in g.predecessors(n) if g.nodes[p].get("kind") == PAPER)
        return (-papers, -g.degree(n), str(d.get("label", "")), str(n))

    return sorted((n for n, k in g.nodes(data="kind") if is_entity(k)), key=key)


def check_graph(g) -> None:
    """Raise ConfigError unless `g` is a MultiDiGraph (what `KnowledgeGraph.nx` is)."""
    if not isinstance(g, nx.MultiDiGraph):
        raise ConfigError(f"expected a networkx.MultiDiGraph (KnowledgeGraph.nx), got {type(g).__name__}")


def select_view(g: nx.MultiDiGraph, *, max_entities: int = 500, max_papers: int | None = None) -> View:
    """The whole graph if it fits the caps, else the most connected entities and their papers.

    Args:
        g: a graph following the `kg.graph.to_networkx` contract.
        max_entities: most entity nodes to keep (>= 1).
        max_papers: most paper nodes to keep; default 2 * max_entities.

    Raises:
        ConfigError: a cap below 1.
    """
    check_graph(g)
    if max_papers is None:
        max_papers = 2 * max_entities
    for name, cap in (("max_entities", max_entities), ("max_papers", max_papers)):
        if not isinstance(cap, int) or cap < 1:
            raise ConfigError(f"{name} must be a whole number >= 1, got {cap!r}")
    ranking = entity_ranking(g)
    papers = [n for n, k in g.nodes(data="kind") if k == PAPER]
    view = View(graph=g, entities_total=len(ranking), papers_total=len(papers),
                max_entities=max_entities, max_papers=max_papers)
    if len(ranking) <= max_entities and len(papers) <= max_papers:
        view.rank = {n: i for i, n in enumerate(ranking)}
        return view

    kept = ranking[:max_entities]
    view.rank = {n: i for i, n in enumerate(kept)}
    links = Counter()
    for p in papers:
        links[p] = sum(1 for e in set(g.successors(p)) if e in view.rank)
    linked = sorted((p for p in papers if links[p]), key=lambda p: (-links[p], str(p)))[:max_papers]
    keep = set(kept) | set(linked)
    for p in linked:
        keep.update(r for r in g.successors(p) if g.nodes[r].get("kind") == RESULT)
    view.graph = g.subgraph(keep)
    return view
