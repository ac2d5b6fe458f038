"""Extraction records + canonical entities -> RDF triples (the contract in ontology/kg.ttl).

`triples()` is a generator so large builds can stream N-Triples; `to_rdf()` collects them into an
rdflib Graph for small in-memory work.
"""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Iterable, Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.graph.canonical import EntityTable, paper_result_names
from kg.ids import paper_iri
from kg.namespaces import KG, KGR, OA, SCHEMA, bind_prefixes
from kg.text import clean_literal
from kg.types import RELATION_CUES, EntityType, Mention, PaperExtraction, Relation

Triple = tuple[URIRef, URIRef, object]


def _lit(text: str) -> Literal:
    return Literal(clean_literal(text))


def _local(iri) -> str:
    """The part of a paper IRI after .../paper/ (already IRI-safe)."""
    return str(iri)[len(str(KGR)) + len("paper/"):]


def result_nodes(ex: PaperExtraction, table: EntityTable) -> list[tuple]:
    """(number from 1, result, benchmark entity, system entity or None) of each result whose
    benchmark resolves, its names resolved as the paper's own entities are (`paper_result_names`)."""
    names = paper_result_names(ex)
    out = []
    for i, r in enumerate(ex.results, 1):
        bench = table.resolve(names[2 * i - 2])
        if bench is not None:
            out.append((i, r, bench, table.resolve(names[2 * i - 1])))
    return out


def paper_edges(ex: PaperExtraction, table: EntityTable) -> list[tuple]:
    """One (canonical entity, relation, evidence mention, mentions) per entity the paper names,
    sorted by entity; the mentions sorted by position, the evidence one of them (None when there
    are none: see `evidence_mention`).

    Two local entities that resolve to one canonical entity keep the most specific relation and
    all their mentions; the evidence is chosen among the mentions of those that hold that
    relation."""
    edges: dict[str, list] = {}
    for ent in ex.entities:
        ce = table.resolve_entity(ent.label, ent.aliases)
        if ce is None:
            continue
        e = edges.get(ce.key)
        if e is None:
            edges[ce.key] = [ce, ent.relation, list(ent.mentions), ent.mentions]
            continue
        if ent.relation.priority < e[1].priority:
            e[1], e[3] = ent.relation, ent.mentions
        elif ent.relation is e[1]:
            e[3] += ent.mentions
        e[2].extend(ent.mentions)
    out = []
    for ce, rel, mentions, deciding in (edges[k] for k in sorted(edges)):
        mentions.sort(key=_position)
        ev = evidence_mention(deciding, rel)
        out.append((ce, rel, ev if ev is not None else next(iter(mentions), None), mentions))
    return out


def _position(m: Mention) -> int:
    return m.start


# Which mention an edge's one evidence annotation quotes. kg.nlp.extract gives every mention the
# relation its own context says (`Mention.cue` names the cue that said it) and the entity the most
# specific of them, so the mentions whose cue gives the edge's relation are the ones that decided
# it; among them, `kg.types.RELATION_CUES` ranks the cues. An unknown cue only loses its preference.
_CUE_RANK = {(rel, cue): rank for rel, cues in RELATION_CUES.items() for rank, cue in enumerate(cues)}


def evidence_mention(mentions: Iterable[Mention], relation: Relation) -> Mention | None:
    """The mention whose sentence best supports `relation`: among the mentions whose cue gives
    that relation, the one with the highest-ranked cue, the first in the text on a tie; else (no
    cue gives it: records written by hand, or from another extractor) the first mention; None
    when there are none."""
    best, best_key, first = None, None, None
    for m in mentions:
        if first is None or m.start < first.start:
            first = m
        rank = _CUE_RANK.get((relation, m.cue))
        if rank is not None and (best_key is None or (rank, m.start) < best_key):
            best, best_key = m, (rank, m.start)
    return best if best is not None else first


# ---------------------------------------------------------------- the contract, written once
#
# `entity_triples` and `paper_triples` are the only place that says which triples a build makes.
# They write every term through an Encoding: rdflib terms here (`RDF_TERMS`, for in-memory graphs),
# N-Triples text in kg.engine.ntriples (`NT_TERMS`, for the streaming build), so both forms of the
# graph come from the same lines of code.

# the fixed IRIs of the contract, by the name the triple templates use
_CONSTANTS = {
    "type": RDF.type, "label": RDFS.label, "altLabel": SKOS.altLabel,
    "Paper": KG.Paper, "identifier": DCTERMS.identifier, "title": DCTERMS.title, "abstract": DCTERMS.abstract,
    "date": DCTERMS.date, "creator": DCTERMS.creator, "url": SCHEMA.url,
    "paperCount": KG.paperCount, "variantOf": KG.variantOf,
    "Evidence": KG.Evidence, "supports": KG.supports, "sentence": KG.sentence,
    "Annotation": OA.Annotation, "motivatedBy": OA.motivatedBy, "identifying": OA.identifying,
    "hasBody": OA.hasBody, "hasTarget": OA.hasTarget, "SpecificResource": OA.SpecificResource,
    "hasSource": OA.hasSource, "hasSelector": OA.hasSelector, "TextPositionSelector": OA.TextPositionSelector,
    "start": OA.start, "end": OA.end, "TextQuoteSelector": OA.TextQuoteSelector, "exact": OA.exact,
    "reportsResult": KG.reportsResult, "Result": KG.Result, "benchmark": KG.benchmark, "system": KG.system,
    "metric": KG.metric, "value": KG.value, "unit": KG.unit,
}


class Encoding:
    """How the contract's terms are written.

    Args:
        const: a fixed IRI (URIRef) -> its term; applied once per constant, here.
        node: a minted IRI (URIRef or str: a paper, an entity) -> its term.
        derived: an IRI string built from a minted one (evidence and result nodes) -> its term.
        text: a string -> a plain literal (cleaned for RDF).
        integer: an int -> an xsd:integer literal.
        decimal: a number -> an xsd:decimal literal.
        any_uri: a URL string -> an xsd:anyURI literal.
    """

    def __init__(self, const, node, derived, text, integer, decimal, any_uri):
        self.c = SimpleNamespace(**{name: const(iri) for name, iri in _CONSTANTS.items()})
        self.relation = {r: const(KG[r.value]) for r in Relation}
        self.entity_type = {t: const(KG[t.value]) for t in EntityType}
        self.node, self.derived, self.text = node, derived, text
        self.integer, self.decimal, self.any_uri = integer, decimal, any_uri


RDF_TERMS = Encoding(
    const=lambda iri: iri,
    node=lambda iri: iri if type(iri) is URIRef else URIRef(iri),
    derived=URIRef,
    text=_lit,
    integer=Literal,
    decimal=lambda v: Literal(Decimal(str(v)), datatype=XSD.decimal),
    any_uri=lambda url: Literal(url, datatype=XSD.anyURI),
)


def entity_triples(table: EntityTable, enc: Encoding = RDF_TERMS) -> Iterator[tuple]:
    """Triples of every canonical entity: type, label, aliases, paper count, family."""
    c, types, node, text = enc.c, enc.entity_type, enc.node, enc.text
    entities = table.entities
    for ent in table:
        s = node(ent.iri)
        yield s, c.type, types[ent.type]
        yield s, c.label, text(ent.label)
        for a in ent.aliases:
            yield s, c.altLabel, text(a)
        yield s, c.paperCount, enc.integer(len(ent.papers))
        if ent.family:
            yield s, c.variantOf, node(entities[ent.family].iri)


def paper_triples(ex: PaperExtraction, table: EntityTable, enc: Encoding = RDF_TERMS) -> Iterator[tuple]:
    """Triples of one paper: its metadata, one edge per entity with one evidence annotation, results."""
    c, node, derived, text, integer = enc.c, enc.node, enc.derived, enc.text, enc.integer
    p = ex.paper
    iri = paper_iri(p.id)
    s = node(iri)
    yield s, c.type, c.Paper
    yield s, c.identifier, text(p.id)
    yield s, c.title, text(p.title)
    if p.abstract:
        yield s, c.abstract, text(p.abstract)
    if p.date:
        yield s, c.date, text(p.date)
    if p.url and p.url.startswith(("http://", "https://")):
        yield s, c.url, enc.any_uri(p.url)
    for a in p.authors:
        yield s, c.creator, text(a)

    doc = p.text
    local = _local(iri)
    ev_base = f"{KGR}evidence/{local}"
    n = 0
    for ce, relation, m, _ in paper_edges(ex, table):
        rel, o = enc.relation[relation], node(ce.iri)
        yield s, rel, o
        if m is not None:  # one annotation per edge: the mention that decided its relation
            n += 1
            ev = f"{ev_base}/{n}"
            e, tgt, pos, quote = derived(ev), derived(f"{ev}-target"), derived(f"{ev}-pos"), derived(f"{ev}-quote")
            yield e, c.type, c.Evidence
            yield e, c.type, c.Annotation
            yield e, c.motivatedBy, c.identifying
            yield e, c.hasBody, o
            yield e, c.hasTarget, tgt
            yield e, c.supports, rel
            yield e, c.sentence, text(doc[m.sentence_start:m.sentence_end])
            yield tgt, c.type, c.SpecificResource
            yield tgt, c.hasSource, s
            yield tgt, c.hasSelector, pos
            yield tgt, c.hasSelector, quote
            yield pos, c.type, c.TextPositionSelector
            yield pos, c.start, integer(m.start)
            yield pos, c.end, integer(m.end)
            yield quote, c.type, c.TextQuoteSelector
            yield quote, c.exact, text(m.surface)

    for i, r, bench, system in result_nodes(ex, table):
        res = derived(f"{KGR}result/{local}/{i}")
        yield s, c.reportsResult, res
        yield res, c.type, c.Result
        yield res, c.benchmark, node(bench.iri)
        if system is not None:
            yield res, c.system, node(system.iri)
        yield res, c.label, text(f"{r.subject} on {r.benchmark}: {r.metric} {r.value:g}{r.unit or ''}")
        yield res, c.metric, text(r.metric)
        yield res, c.value, enc.decimal(r.value)
        if r.unit:
            yield res, c.unit, text(r.unit)


def triples(extractions: Iterable[PaperExtraction], table: EntityTable) -> Iterator[Triple]:
    yield from entity_triples(table)
    for ex in extractions:
        yield from paper_triples(ex, table)


def to_rdf(extractions: Iterable[PaperExtraction], table: EntityTable) -> Graph:
    g = bind_prefixes(Graph(bind_namespaces="none"))
    for t in triples(extractions, table):
        g.add(t)
    return g
