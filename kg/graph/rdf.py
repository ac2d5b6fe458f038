"""Extraction records + canonical entities -> RDF triples (the contract in ontology/kg.ttl).

`triples()` is a generator so large builds can stream N-Triples; `to_rdf()` collects them into an
rdflib Graph for small in-memory work.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.graph.canonical import EntityTable
from kg.ids import paper_iri
from kg.namespaces import KG, KGR, OA, SCHEMA, bind_prefixes
from kg.text import clean_literal
from kg.types import PaperExtraction

Triple = tuple[URIRef, URIRef, object]
MAX_EVIDENCE_PER_EDGE = 2


def _lit(text: str) -> Literal:
    return Literal(clean_literal(text))


def _local(iri) -> str:
    """The part of a paper IRI after .../paper/ (already IRI-safe)."""
    return str(iri)[len(str(KGR)) + len("paper/"):]


def paper_edges(ex: PaperExtraction, table: EntityTable) -> list[tuple]:
    """One (canonical entity, relation, mentions) per entity the paper names, sorted by entity.

    Two local entities that resolve to one canonical entity keep the most specific relation and
    all their mentions."""
    edges: dict[str, list] = {}
    for ent in ex.entities:
        ce = table.resolve(ent.label)
        if ce is None:
            continue
        e = edges.get(ce.key)
        if e is None:
            edges[ce.key] = [ce, ent.relation, list(ent.mentions)]
            continue
        if ent.relation.priority < e[1].priority:
            e[1] = ent.relation
        e[2].extend(ent.mentions)
    return [(ce, rel, sorted(ms, key=lambda m: m.start)) for ce, rel, ms in (edges[k] for k in sorted(edges))]


def entity_triples(table: EntityTable) -> Iterator[Triple]:
    for ent in table:
        yield ent.iri, RDF.type, KG[ent.type.value]
        yield ent.iri, RDFS.label, _lit(ent.label)
        for a in ent.aliases:
            yield ent.iri, SKOS.altLabel, _lit(a)
        yield ent.iri, KG.paperCount, Literal(len(ent.papers))
        if ent.family:
            yield ent.iri, KG.variantOf, table.entities[ent.family].iri


def paper_triples(ex: PaperExtraction, table: EntityTable) -> Iterator[Triple]:
    """Triples of one paper: its metadata, one edge per entity, evidence, results."""
    p = ex.paper
    iri = paper_iri(p.id)
    yield iri, RDF.type, KG.Paper
    yield iri, DCTERMS.identifier, _lit(p.id)
    yield iri, DCTERMS.title, _lit(p.title)
    if p.abstract:
        yield iri, DCTERMS.abstract, _lit(p.abstract)
    if p.date:
        yield iri, DCTERMS.date, _lit(p.date)
    if p.url and p.url.startswith(("http://", "https://")):
        yield iri, SCHEMA.url, Literal(p.url, datatype=XSD.anyURI)
    for a in p.authors:
        yield iri, DCTERMS.creator, _lit(a)

    text = p.text
    ev_base = f"{KGR}evidence/{_local(iri)}"
    n = 0
    for ce, relation, mentions in paper_edges(ex, table):
        rel = KG[relation.value]
        yield iri, rel, ce.iri
        for m in mentions[:MAX_EVIDENCE_PER_EDGE]:
            n += 1
            ev = URIRef(f"{ev_base}/{n}")
            tgt, pos, quote = URIRef(f"{ev}-target"), URIRef(f"{ev}-pos"), URIRef(f"{ev}-quote")
            yield ev, RDF.type, KG.Evidence
            yield ev, RDF.type, OA.Annotation
            yield ev, OA.motivatedBy, OA.identifying
            yield ev, OA.hasBody, ce.iri
            yield ev, OA.hasTarget, tgt
            yield ev, KG.supports, rel
            yield ev, KG.sentence, _lit(text[m.sentence_start:m.sentence_end])
            yield tgt, RDF.type, OA.SpecificResource
            yield tgt, OA.hasSource, iri
            yield tgt, OA.hasSelector, pos
            yield tgt, OA.hasSelector, quote
            yield pos, RDF.type, OA.TextPositionSelector
            yield pos, OA.start, Literal(m.start)
            yield pos, OA.end, Literal(m.end)
            yield quote, RDF.type, OA.TextQuoteSelector
            yield quote, OA.exact, _lit(m.surface)

    for i, r in enumerate(ex.results, 1):
        bench = table.resolve(r.benchmark)
        if bench is None:
            continue
        res = URIRef(f"{KGR}result/{_local(iri)}/{i}")
        yield iri, KG.reportsResult, res
        yield res, RDF.type, KG.Result
        yield res, KG.benchmark, bench.iri
        system = table.resolve(r.subject)
        if system is not None:
            yield res, KG.system, system.iri
        yield res, RDFS.label, _lit(f"{r.subject} on {r.benchmark}: {r.metric} {r.value:g}{r.unit or ''}")
        yield res, KG.metric, _lit(r.metric)
        yield res, KG.value, Literal(Decimal(str(r.value)), datatype=XSD.decimal)
        if r.unit:
            yield res, KG.unit, _lit(r.unit)


def triples(extractions: Iterable[PaperExtraction], table: EntityTable) -> Iterator[Triple]:
    yield from entity_triples(table)
    for ex in extractions:
        yield from paper_triples(ex, table)


def to_rdf(extractions: Iterable[PaperExtraction], table: EntityTable) -> Graph:
    g = bind_prefixes(Graph(bind_namespaces="none"))
    for t in triples(extractions, table):
        g.add(t)
    return g
