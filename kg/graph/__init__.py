"""Graph construction: canonical entities, RDF, NetworkX, and the KnowledgeGraph facade."""
from kg.graph.canonical import CanonicalEntity, EntityTable, canonicalise
from kg.graph.model import KnowledgeGraph
from kg.graph.nx import to_networkx
from kg.graph.rdf import to_rdf, triples

__all__ = ["CanonicalEntity", "EntityTable", "KnowledgeGraph", "canonicalise", "to_networkx", "to_rdf", "triples"]
