"""How each node kind and relation looks, shared by graph.html and report.html.

Kinds and relations come from `kg.types`, so a new entity type or relation shows up in both pages'
legends; anything the palette does not know is drawn grey rather than dropped.
"""
from __future__ import annotations

from kg.types import EntityType, Relation

PAPER = "Paper"
RESULT = "Result"
#: Entity kinds in legend order.
ENTITY_KINDS: tuple[str, ...] = tuple(t.value for t in EntityType)
#: Every kind in legend order.
KINDS: tuple[str, ...] = (*ENTITY_KINDS, PAPER, RESULT)
#: Paper -> entity relations (most specific first), then the structural ones.
PAPER_RELATIONS: tuple[str, ...] = tuple(r.value for r in Relation)
RELATIONS: tuple[str, ...] = (*PAPER_RELATIONS, "variantOf", "reportsResult", "system", "benchmark")

# Colours are the Tableau 10 palette, colour-blind distinguishable together with the shapes.
KIND_STYLE: dict[str, tuple[str, str, str]] = {  # kind -> (colour, vis-network shape, legend glyph)
    "Method": ("#1f77b4", "dot", "\u25cf"),
    "Model": ("#ff7f0e", "diamond", "\u25c6"),
    "Dataset": ("#2ca02c", "triangle", "\u25b2"),
    "Benchmark": ("#d62728", "star", "\u2605"),
    PAPER: ("#8c8c8c", "square", "\u25a0"),
    RESULT: ("#9467bd", "hexagon", "\u2b22"),
}
DEFAULT_KIND_STYLE = ("#7f7f7f", "dot", "\u25cf")

RELATION_COLOR: dict[str, str] = {
    "proposes": "#d62728",
    "evaluatesOn": "#1f77b4",
    "comparesWith": "#9467bd",
    "uses": "#2ca02c",
    "mentions": "#b0b0b0",
    "variantOf": "#ff7f0e",
    "reportsResult": "#8c564b",
    "system": "#e377c2",
    "benchmark": "#17becf",
}
DEFAULT_RELATION_COLOR = "#999999"


def kind_style(kind: str) -> tuple[str, str, str]:
    """(colour, shape, glyph) of a node kind.

    >>> kind_style("Method")[:2]
    ('#1f77b4', 'dot')
    """
    return KIND_STYLE.get(kind, DEFAULT_KIND_STYLE)


def relation_color(relation: str) -> str:
    return RELATION_COLOR.get(relation, DEFAULT_RELATION_COLOR)


def ordered(values, order: tuple[str, ...]) -> list[str]:
    """`values` in `order`, unknown ones after, alphabetically.

    >>> ordered({"zeta", "uses", "proposes"}, RELATIONS)
    ['proposes', 'uses', 'zeta']
    """
    values = set(values)
    return [v for v in order if v in values] + sorted(v for v in values if v not in order)


def is_entity(kind) -> bool:
    """Everything that is neither a paper nor a result counts as an entity (unknown kinds included)."""
    return kind not in (PAPER, RESULT)
