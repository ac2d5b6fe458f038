"""paper-kg: build a typed knowledge graph of ML papers from their abstracts.

    >>> import kg
    >>> g = kg.build(kg.read_papers(["papers.jsonl"]))      # doctest: +SKIP
    >>> g.rdf, g.nx, g.entities                             # doctest: +SKIP
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paper-kg")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__", "build", "read_papers", "KnowledgeGraph", "write_outputs", "query"]


def __getattr__(name):
    # lazy: importing kg must not load spaCy
    if name == "build":
        from kg.builder import build
        return build
    if name == "read_papers":
        from kg.ingest import read_papers
        return read_papers
    if name == "KnowledgeGraph":
        from kg.graph.model import KnowledgeGraph
        return KnowledgeGraph
    if name == "write_outputs":
        from kg.export import write_outputs
        return write_outputs
    if name == "query":
        from kg.store import query
        return query
    raise AttributeError(name)
