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
from rdflib.namespace import XSD
from rdflib.term import _is_valid_uri
from rdflib.plugins.serializers.nt import _nt_row, _quote_encode, _quoteLiteral

from kg.text import clean_literal

_BUFFER = 1 << 20
#: What a merge's open runs read ahead, in all (each run's buffer is its share, 64 KiB to 1 MiB):
#: with 256 KiB per run a merge of 100 runs takes a fifth less CPU than with 1 MiB.
_MERGE_READ_BYTES = 32 << 20


def nt_lines(triples: Iterable[tuple]) -> list[str]:
    """Sorted, unique N-Triples lines (each ending in a newline) of `triples`.

    >>> from rdflib import Literal, URIRef
from rdflib.namespace import XSD
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


def read_run(path: Path, buffering: int = _BUFFER) -> Iterator[str]:
    # newline="" keeps a line's bytes as written; only "\n" ends a line in our files
    with open(path, encoding="utf-8", newline="\n", buffering=buffering) as f:
        yield from f


def merge_runs(runs: list[Path], out: Path, fanin: int = 256, keep_inputs: bool = False) -> int:
    """Merge sorted runs into one sorted file of unique lines (fsynced); returns the line count.

    More than `fanin` runs are merged in rounds, so open files stay few (a build of 100k papers
    has about 100 runs: one round; with two, most lines are read and written twice): the files of a round
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
    buffering = min(_BUFFER, max(1 << 16, _MERGE_READ_BYTES // max(1, len(runs))))
    with open(out, "w", encoding="utf-8", newline="", buffering=_BUFFER) as f:
        write = f.write
        for line in heapq.merge(*(read_run(r, buffering) for r in runs)):
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
# The contract (`kg.graph.rdf.entity_triples` / `paper_triples`) written with N-Triples text as its
# terms: IRIs as "<iri>" once rdflib's own check passes, string literals through rdflib's own
# `_quote_encode`, numbers as rdflib writes them, so a line is byte for byte the one `nt_lines`
# makes from the rdflib terms, without building an rdflib term for every node. A record with an
# IRI that rdflib would not write plainly is made the rdflib way instead.


class _NotPlain(Exception):
    """An IRI that rdflib would not write as plain "<iri>"."""


_VALID: dict[str, str] = {}  # minted IRI -> its term (entities recur across papers)


def _nt_node(iri) -> str:
    iri = str(iri)
    t = _VALID.get(iri)
    if t is None:
        if not _is_valid_uri(iri):
            raise _NotPlain(iri)
        if len(_VALID) > 1_000_000:
            _VALID.clear()
        t = _VALID[iri] = f"<{iri}>"
    return t


def _nt_integer(n) -> str:
    if type(n) is not int:
        raise _NotPlain(repr(n))
    return f'"{n}"^^<{XSD}integer>'


def _nt_encoding():
    from decimal import Decimal

    from kg.graph.rdf import Encoding

    return Encoding(
        const=lambda iri: f"<{iri}>",
        node=_nt_node,
        derived=lambda iri: f"<{iri}>",  # built from a checked IRI by appending safe characters
        text=lambda text: _quote_encode(clean_literal(text)),
        integer=_nt_integer,
        decimal=lambda v: _quoteLiteral(Literal(Decimal(str(v)), datatype=XSD.decimal)),
        any_uri=lambda url: f"{_quote_encode(url)}^^<{XSD}anyURI>",
    )


_NT: list = []


def nt_terms():
    """The N-Triples text Encoding of the contract (made once)."""
    if not _NT:
        _NT.append(_nt_encoding())
    return _NT[0]


def paper_lines(ex, table) -> list[str] | None:
    """The N-Triples lines of `kg.graph.rdf.paper_triples(ex, table)` (unsorted, may repeat), or
    None where one of its IRIs is not one rdflib writes plainly."""
    from kg.graph.rdf import paper_triples

    try:
        return [f"{s} {p} {o} .\n" for s, p, o in paper_triples(ex, table, nt_terms())]
    except _NotPlain:
        return None


def entity_lines(table) -> list[str] | None:
    """The N-Triples lines of `kg.graph.rdf.entity_triples(table)`, sorted and unique (None where
    an entity IRI is not one rdflib writes plainly)."""
    from kg.graph.rdf import entity_triples

    try:
        return sorted({f"{s} {p} {o} .\n" for s, p, o in entity_triples(table, nt_terms())})
    except _NotPlain:
        return None


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
