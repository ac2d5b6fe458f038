"""The KnowledgeGraph facade a notebook user holds: RDF, NetworkX and an entity table."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import pandas as pd
from rdflib import Graph

from kg.graph.canonical import EntityTable, canonicalise
from kg.types import PaperExtraction, ReadReport


@dataclass
class KnowledgeGraph:
    """A built graph. `rdf` and `nx` are made lazily from the same extraction records.

    >>> from kg.types import Paper
    >>> g = KnowledgeGraph.from_extractions([])
    >>> len(g.entities)
    0
    """

    extractions: list[PaperExtraction]
    table: EntityTable
    report: ReadReport = field(default_factory=ReadReport)

    @classmethod
    def from_extractions(cls, extractions, report: ReadReport | None = None) -> "KnowledgeGraph":
        extractions = list(extractions)
        return cls(extractions=extractions, table=canonicalise(extractions), report=report or ReadReport())

    @cached_property
    def rdf(self) -> Graph:
        from kg.graph.rdf import to_rdf

        return to_rdf(self.extractions, self.table)

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        from kg.graph.nx import to_networkx

        return to_networkx(self.extractions, self.table)

    @cached_property
    def entities(self) -> pd.DataFrame:
        """One row per entity: iri, type, label, aliases ('|'-joined), papers (count)."""
        rows = [
            {"iri": str(e.iri), "type": e.type.value, "label": e.label,
             "aliases": "|".join(e.aliases), "papers": len(e.papers)}
            for e in self.table
        ]
        return pd.DataFrame(rows, columns=["iri", "type", "label", "aliases", "papers"])

    @property
    def papers(self) -> list:
        return [ex.paper for ex in self.extractions]

    def stats(self) -> dict:
        from kg.graph.stats import stats

        return stats(self.nx)
