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
from rdflib.plugins.serializers.nt import _nt_row, _quoteLiteral

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
    # rdflib's `_quoteLiteral`; so the bytes are the same as the in-memory path's
    lines = set()
    add = lines.add
    for s, p, o in triples:
        if type(s) is not URIRef or type(p) is not URIRef or not _is_valid_uri(s) or not _is_valid_uri(p):
            add(_nt_row((s, p, o)))
        elif type(o) is URIRef and _is_valid_uri(o):
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


def merge_runs(runs: list[Path], out: Path, fanin: int = 64) -> int:
    """Merge sorted runs into one sorted file of unique lines (fsynced); returns the line count.

    More than `fanin` runs are merged in rounds, so open files stay few: the files of a round
    are written next to the runs, and the inputs of a round are removed once merged (the disk
    then holds at most about twice the output)."""
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
