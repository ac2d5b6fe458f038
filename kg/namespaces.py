"""The one prefix table: rdflib bindings, the SPARQL prolog and the JSON-LD context all come from here."""
from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

#: Ontology terms (classes and properties), defined in ontology/kg.ttl.
KG = Namespace("https://w3id.org/paper-kg/ns#")
#: Instance data: papers, entities, results, evidence.
KGR = Namespace("https://w3id.org/paper-kg/id/")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES: dict[str, Namespace] = {
    "kg": KG,
    "kgr": KGR,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "dcterms": Namespace(str(DCTERMS)),
    "skos": Namespace(str(SKOS)),
    "prov": Namespace(str(PROV)),
    "schema": SCHEMA,
    "oa": OA,
}


def bind_prefixes(g: Graph) -> Graph:
    """Bind our prefixes (and only those) on `g`; returns `g`."""
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True, replace=True)
    return g


def sparql_prolog() -> str:
    """PREFIX lines for every prefix, to prepend to user queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def jsonld_context() -> dict[str, str]:
    return {p: str(ns) for p, ns in PREFIXES.items()}
