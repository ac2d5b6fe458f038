"""Summary numbers of a graph: papers, entities per type, edges per relation, top entities."""
from __future__ import annotations

from collections import Counter

import networkx as nx

ENTITY_KINDS = ("Method", "Model", "Dataset", "Benchmark")
RELATIONS = ("proposes", "evaluatesOn", "comparesWith", "uses", "mentions")


def stats(g: nx.MultiDiGraph, top: int = 10) -> dict:
    kinds = Counter(d.get("kind") for _, d in g.nodes(data=True))
    rels = Counter(d.get("relation") for _, _, d in g.edges(data=True))
    degree = Counter()
    for u, v, d in g.edges(data=True):
        if d.get("relation") in RELATIONS:
            degree[v] += 1
    top_entities = [
        {"label": g.nodes[n]["label"], "type": g.nodes[n]["kind"], "papers": c}
        for n, c in sorted(degree.items(), key=lambda kv: (-kv[1], g.nodes[kv[0]]["label"]))[:top]
    ]
    return {
        "papers": kinds.get("Paper", 0),
        "entities": {k: kinds.get(k, 0) for k in ENTITY_KINDS},
        "edges": {r: rels.get(r, 0) for r in RELATIONS},
        "results": kinds.get("Result", 0),
        "top_entities": top_entities,
    }
