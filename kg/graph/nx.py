"""Extraction records + canonical entities -> a NetworkX MultiDiGraph.

Node ids are the same IRIs as in the RDF graph (as strings). Attributes are documented in
`to_networkx`; kg.viz and kg.graph.stats read them.
"""
from __future__ import annotations

from typing import Iterable

import networkx as nx

from kg.graph.canonical import EntityTable
from kg.graph.rdf import paper_edges, result_nodes
from kg.ids import paper_iri
from kg.namespaces import KGR
from kg.types import PaperExtraction

# sentences an edge shows in the explorer: the evidence and some context of how the paper uses the name
MAX_SHOWN_EVIDENCE = 3


def to_networkx(extractions: Iterable[PaperExtraction], table: EntityTable) -> nx.MultiDiGraph:
    """Build the graph.

    Nodes: papers (`kind="Paper"`, `label` = title, `identifier`, `url`, `date`, `abstract`),
    entities (`kind` = Method/Model/Dataset/Benchmark, `label`, `aliases`, `paper_count`),
    results (`kind="Result"`, `metric`, `value`, `unit`).
    Edges: paper -> entity keyed by relation, with `evidence` = [{sentence, start, end}] (offsets
    of the mention inside the sentence): the mention the RDF evidence quotes, then others by
    position, MAX_SHOWN_EVIDENCE in all; entity -> family `variantOf`; paper -> result
    `reportsResult`; result -> entity `system` / `benchmark`.
    """
    g = nx.MultiDiGraph()
    for ent in table:
        g.add_node(str(ent.iri), kind=ent.type.value, label=ent.label, aliases=list(ent.aliases),
                   paper_count=len(ent.papers))
    for ent in table:
        if ent.family:
            fam = str(table.entities[ent.family].iri)
            g.add_edge(str(ent.iri), fam, key="variantOf", relation="variantOf")
    for ex in extractions:
        p = ex.paper
        pid = str(paper_iri(p.id))
        g.add_node(pid, kind="Paper", label=p.title, identifier=p.id, url=p.url, date=p.date,
                   abstract=p.abstract)
        text = p.text
        for ce, rel, ev, mentions in paper_edges(ex, table):
            # the RDF evidence first (edges.csv and GraphML keep the first), then other mentions
            shown = [] if ev is None else [ev] + [m for m in mentions if m is not ev][:MAX_SHOWN_EVIDENCE - 1]
            evidence = [
                {"sentence": text[m.sentence_start:m.sentence_end],
                 "start": m.start - m.sentence_start, "end": m.end - m.sentence_start}
                for m in shown
            ]
            g.add_edge(pid, str(ce.iri), key=rel.value, relation=rel.value, evidence=evidence)
        for i, r, bench, system in result_nodes(ex, table):
            rid = f"{KGR}result/{pid[len(str(KGR)) + len('paper/'):]}/{i}"
            g.add_node(rid, kind="Result", label=f"{r.subject} on {r.benchmark}", metric=r.metric,
                       value=r.value, unit=r.unit)
            g.add_edge(pid, rid, key="reportsResult", relation="reportsResult")
            g.add_edge(rid, str(bench.iri), key="benchmark", relation="benchmark")
            if system is not None:
                g.add_edge(rid, str(system.iri), key="system", relation="system")
    return g
