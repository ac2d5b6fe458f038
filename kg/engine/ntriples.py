"""Sorted N-Triples at any size: serialise triples to lines exactly as rdflib does, sort them in
batches, write each batch as a sorted run, and merge the runs into one file.

The result is byte-identical to `kg.export.ntriples` (rdflib's serialiser, sorted, unique lines)
without ever holding the whole graph: memory is bounded by the largest batch.
"""
from __future__ import annotations

import heapq
import os
from pathlib import Path
from typing import Iterable, Iterator

from rdflib import Literal, URIRef
from rdflib.term import _is_valid_uri
from rdflib.plugins.serializers.nt import _nt_row, _quote_encode, _quoteLiteral

from kg.text import clean_literal

_BUFFER = 1 << 20


def nt_lines(triples: Iterable[tuple]) -> list[str]:
    """Sorted, unique N-Triples lines (each ending in a newline) of `triples`.

    >>> from rdflib import Literal, URIRef
    >>> nt_lines([(URIRef("http://x/b"), URIRef("http://x/p"), Literal("q")),
    ...           (URIRef("http://x/a"), URIRef("http://x/p"), URIRef("http://x/b"))] * 2)
    ['<http://x/a> <http://x/p> <http://x/b> .\\n', '<http://x/b> <http://x/p> "q" .\\n']
    """
    # rdflib's own row format (`_nt_row`), inlined for the common shapes: an IRI is "<iri>" once
    # rdflib's own check passes (else `n3()` raises as the in-memory path would), a literal is
    # rdflib's `_quoteLiteral`; so the bytes are the same as the in-memory path's. The check is
    # remembered per IRI: predicates, classes, entities and a paper's own IRI recur on many lines.
    lines = set()
    add = lines.add
    valid: dict[str, bool] = {}

    def ok(t) -> bool:
        v = valid.get(t)
        if v is None:
            v = valid[t] = _is_valid_uri(t)
        return v

    for s, p, o in triples:
        if type(s) is not URIRef or type(p) is not URIRef or not ok(s) or not ok(p):
            add(_nt_row((s, p, o)))
        elif type(o) is URIRef and ok(o):
            add(f"<{s}> <{p}> <{o}> .\n")
        elif type(o) is Literal:
            add(f"<{s}> <{p}> {_quoteLiteral(o)} .\n")
        else:
            add(_nt_row((s, p, o)))
    return sorted(lines)


def write_run(lines: list[str], path: Path) -> Path:
    """Write sorted lines to a run file."""
    with open(path, "w", encoding="utf-8", newline="", buffering=_BUFFER) as f:
        f.writelines(lines)
    return path


def read_run(path: Path) -> Iterator[str]:
    # newline="" keeps a line's bytes as written; only "\n" ends a line in our files
    with open(path, encoding="utf-8", newline="\n", buffering=_BUFFER) as f:
        yield from f


def merge_runs(runs: list[Path], out: Path, fanin: int = 64, keep_inputs: bool = False) -> int:
    """Merge sorted runs into one sorted file of unique lines (fsynced); returns the line count.

    More than `fanin` runs are merged in rounds, so open files stay few: the files of a round
    are written next to the runs, and the inputs of a round are removed once merged (the disk
    then holds at most about twice the output), unless `keep_inputs` (something else reads them)."""
    inputs = set(runs) if keep_inputs else set()
    runs = list(runs)
    fanin = max(2, fanin)
    made: list[Path] = []
    round_ = 0
    while len(runs) > fanin:
        merged = []
        for i in range(0, len(runs), fanin):
            part = runs[0].parent / f"merge-{round_}-{i}.nt"
            _merge(runs[i:i + fanin], part, fsync=False)
            merged.append(part)
        for r in runs:
            if r not in inputs:
                r.unlink()
        made += merged
        runs = merged
        round_ += 1
    n = _merge(runs, out, fsync=True)
    for r in runs:
        if r in made:
            r.unlink()
    return n


def _merge(runs: list[Path], out: Path, fsync: bool) -> int:
    n = 0
    prev = None
    with open(out, "w", encoding="utf-8", newline="", buffering=_BUFFER) as f:
        write = f.write
        for line in heapq.merge(*(read_run(r) for r in runs)):
            if line != prev:
                write(line)
                n += 1
                prev = line
        f.flush()
        if fsync:
            os.fsync(f.fileno())
    return n


# ---------------------------------------------------------------- lines without rdflib terms
#
# `kg.graph.rdf.paper_triples` and `entity_triples` written straight to N-Triples lines: the same
# triples, formatted as `nt_lines` formats them (IRIs as "<iri>", string literals through rdflib's
# own `_quote_encode`, integers as rdflib writes them), without building an rdflib term for every
# node. A paper with an IRI that rdflib would not write plainly gets None, and is made the rdflib
# way. tests/test_engine_local.py holds both ways to the same bytes.


def _namespaces():
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

    from kg.namespaces import KG, KGR, OA, SCHEMA

    return {"rdf": str(RDF), "rdfs": str(RDFS), "dcterms": str(DCTERMS), "skos": str(SKOS), "xsd": str(XSD),
            "kg": str(KG), "kgr": str(KGR), "oa": str(OA), "schema": str(SCHEMA)}


_NS: dict[str, str] = {}


def _ns() -> dict[str, str]:
    if not _NS:
        _NS.update(_namespaces())
    return _NS


def _q(text: str) -> str:
    return _quote_encode(clean_literal(text))


def _int(n: int) -> str:
    return f'"{n}"^^<{_NS["xsd"]}integer>'


def paper_lines(ex, table) -> list[str] | None:
    """The N-Triples lines of `kg.graph.rdf.paper_triples(ex, table)` (unsorted, may repeat), or
    None where one of its IRIs is not one rdflib writes plainly."""
    from decimal import Decimal

    from kg.graph.rdf import MAX_EVIDENCE_PER_EDGE, paper_edges
    from kg.ids import paper_iri

    ns = _ns()
    rdf_type, kg, oa, kgr = f"<{ns['rdf']}type>", ns["kg"], ns["oa"], ns["kgr"]
    dct, q = ns["dcterms"], _q
    p = ex.paper
    iri = str(paper_iri(p.id))
    if not _is_valid_uri(iri):
        return None
    s = f"<{iri}>"
    out = [f"{s} {rdf_type} <{kg}Paper> .\n",
           f"{s} <{dct}identifier> {q(p.id)} .\n",
           f"{s} <{dct}title> {q(p.title)} .\n"]
    if p.abstract:
        out.append(f"{s} <{dct}abstract> {q(p.abstract)} .\n")
    if p.date:
        out.append(f"{s} <{dct}date> {q(p.date)} .\n")
    if p.url and p.url.startswith(("http://", "https://")):
        out.append(f'{s} <{ns["schema"]}url> {_quote_encode(p.url)}^^<{ns["xsd"]}anyURI> .\n')
    for a in p.authors:
        out.append(f"{s} <{dct}creator> {q(a)} .\n")

    text = p.text
    local = iri[len(kgr) + len("paper/"):]
    ev_base = f"{kgr}evidence/{local}"
    n = 0
    add = out.append
    for ce, relation, mentions in paper_edges(ex, table):
        ce_iri = str(ce.iri)
        if not _is_valid_uri(ce_iri):
            return None
        rel, o = f"<{kg}{relation.value}>", f"<{ce_iri}>"
        add(f"{s} {rel} {o} .\n")
        for m in mentions[:MAX_EVIDENCE_PER_EDGE]:
            n += 1
            ev = f"{ev_base}/{n}"
            e, tgt, pos, quote = f"<{ev}>", f"<{ev}-target>", f"<{ev}-pos>", f"<{ev}-quote>"
            out += (f"{e} {rdf_type} <{kg}Evidence> .\n",
                    f"{e} {rdf_type} <{oa}Annotation> .\n",
                    f"{e} <{oa}motivatedBy> <{oa}identifying> .\n",
                    f"{e} <{oa}hasBody> {o} .\n",
                    f"{e} <{oa}hasTarget> {tgt} .\n",
                    f"{e} <{kg}supports> {rel} .\n",
                    f"{e} <{kg}sentence> {q(text[m.sentence_start:m.sentence_end])} .\n",
                    f"{tgt} {rdf_type} <{oa}SpecificResource> .\n",
                    f"{tgt} <{oa}hasSource> {s} .\n",
                    f"{tgt} <{oa}hasSelector> {pos} .\n",
                    f"{tgt} <{oa}hasSelector> {quote} .\n",
                    f"{pos} {rdf_type} <{oa}TextPositionSelector> .\n",
                    f"{pos} <{oa}start> {_int(m.start)} .\n",
                    f"{pos} <{oa}end> {_int(m.end)} .\n",
                    f"{quote} {rdf_type} <{oa}TextQuoteSelector> .\n",
                    f"{quote} <{oa}exact> {q(m.surface)} .\n")
            if type(m.start) is not int or type(m.end) is not int:
                return None

    for i, r in enumerate(ex.results, 1):
        bench = table.resolve(r.benchmark)
        if bench is None:
            continue
        res = f"<{kgr}result/{local}/{i}>"
        b_iri = str(bench.iri)
        if not _is_valid_uri(b_iri):
            return None
        add(f"{s} <{kg}reportsResult> {res} .\n")
        add(f"{res} {rdf_type} <{kg}Result> .\n")
        add(f"{res} <{kg}benchmark> <{b_iri}> .\n")
        system = table.resolve(r.subject)
        if system is not None:
            sys_iri = str(system.iri)
            if not _is_valid_uri(sys_iri):
                return None
            add(f"{res} <{kg}system> <{sys_iri}> .\n")
        unit = r.unit or ""
        add(f"{res} <{ns['rdfs']}label> {q(f'{r.subject} on {r.benchmark}: {r.metric} {r.value:g}{unit}')} .\n")
        add(f"{res} <{kg}metric> {q(r.metric)} .\n")
        add(f"{res} <{kg}value> {_quoteLiteral(Literal(Decimal(str(r.value)), datatype=_xsd_decimal()))} .\n")
        if r.unit:
            add(f"{res} <{kg}unit> {q(r.unit)} .\n")
    return out


def _xsd_decimal():
    from rdflib.namespace import XSD

    return XSD.decimal


def entity_lines(table) -> list[str] | None:
    """The N-Triples lines of `kg.graph.rdf.entity_triples(table)`, sorted and unique (None where
    an entity IRI is not one rdflib writes plainly)."""
    ns = _ns()
    rdf_type, kg, label, alt = f"<{ns['rdf']}type>", ns["kg"], f"<{ns['rdfs']}label>", f"<{ns['skos']}altLabel>"
    out: list[str] = []
    add = out.append
    entities = table.entities
    for ent in entities.values():
        iri = str(ent.iri)
        if not _is_valid_uri(iri):
            return None
        s = f"<{iri}>"
        add(f"{s} {rdf_type} <{kg}{ent.type.value}> .\n")
        add(f"{s} {label} {_q(ent.label)} .\n")
        for a in ent.aliases:
            add(f"{s} {alt} {_q(a)} .\n")
        add(f"{s} <{kg}paperCount> {_int(len(ent.papers))} .\n")
        if ent.family:
            fam = str(entities[ent.family].iri)
            if not _is_valid_uri(fam):
                return None
            add(f"{s} <{kg}variantOf> <{fam}> .\n")
    return sorted(set(out))


def paper_nt_lines(records, table) -> list[str]:
    """Sorted unique lines of every record's `paper_triples`: formatted directly where
    `paper_lines` can, the rdflib way for the rest."""
    from kg.graph.rdf import paper_triples

    lines: set[str] = set()
    slow = []
    for ex in records:
        ls = paper_lines(ex, table)
        if ls is None:
            slow.append(ex)
        else:
            lines.update(ls)
    if slow:
        lines.update(nt_lines(t for ex in slow for t in paper_triples(ex, table)))
    return sorted(lines)
