"""Graph construction: canonical entities, RDF, NetworkX, and the KnowledgeGraph facade.

The names below load on first use (PEP 562), so that a build, which needs only
`kg.graph.canonical` and `kg.graph.rdf`, does not import pandas and NetworkX (half a second).
"""
from importlib import import_module

_WHERE = {"CanonicalEntity": "canonical", "EntityTable": "canonical", "canonicalise": "canonical",
          "KnowledgeGraph": "model", "to_networkx": "nx", "to_rdf": "rdf", "triples": "rdf"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"kg.graph.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'kg.graph' has no attribute {name!r}")
