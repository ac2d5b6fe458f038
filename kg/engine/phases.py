"""The two map phases of a build, as plain functions that run anywhere (this process, a worker
process, a Dask worker), and the records they pass between them.

Phase 1 (`extract_batch`) turns papers into extraction records, reusing cached ones; the reduce
(`kg.graph.canonical.canonicalise`) joins the records' names into an entity table; phase 2
(`triples_batch`) turns records into sorted N-Triples lines with canonical IRIs. A batch's
records cross to the reduce as `reduce_view`s, which leave out the mentions and the text.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Iterable

from kg.engine import cache as cache_mod
from kg.engine.ntriples import nt_lines
from kg.types import Paper, PaperEntity, PaperExtraction

_NLP: dict[str | None, object] = {}


def worker_nlp(vocabulary_path: str | None = None):
    """The pipeline of this process, built on first use (each worker builds its own: spaCy's
    `n_process` would not carry our custom Doc attributes across processes)."""
    nlp = _NLP.get(vocabulary_path)
    if nlp is None:
        from kg.nlp.pipeline import build_nlp, default_nlp

        nlp = _NLP[vocabulary_path] = build_nlp(vocabulary_path) if vocabulary_path else default_nlp()
    return nlp


@dataclass
class Batch:
    """Papers to extract, in input order, with the cached records already found for some."""

    index: int
    papers: list[Paper]
    keys: list[str]
    cached: dict[str, bytes] = field(default_factory=dict)  # key -> cache.encode(record)


@dataclass
class Extracted:
    """What phase 1 hands back to the coordinator for a batch."""

    index: int
    views: list[PaperExtraction]  # reduce views, in input order
    fresh: list[tuple[str, bytes]]  # newly extracted records for the cache
    count: int = 0


def extract_batch(batch: Batch, vocabulary_path: str | None = None) -> list[PaperExtraction]:
    """Phase 1 on one batch: cached records are decoded, the others extracted. Input order kept."""
    from kg.nlp.extract import extract_doc

    todo = [p for p, k in zip(batch.papers, batch.keys) if k not in batch.cached]
    fresh: dict[str, PaperExtraction] = {}
    if todo:
        nlp = worker_nlp(vocabulary_path)
        docs = nlp.pipe(((p.text, p) for p in todo), as_tuples=True, batch_size=min(256, len(todo)))
        fresh = {id(p): extract_doc(doc, p) for doc, p in docs}
    out = []
    for p, k in zip(batch.papers, batch.keys):
        blob = batch.cached.get(k)
        out.append(cache_mod.decode(blob, p) if blob is not None else fresh[id(p)])
    return out


def summarise(batch: Batch, records: list[PaperExtraction]) -> Extracted:
    """The part of a batch's records the coordinator needs: reduce views and new cache entries."""
    fresh = [(k, cache_mod.encode(r)) for k, r in zip(batch.keys, records) if k not in batch.cached]
    # a key may repeat within a batch (two papers with one text): store it once
    fresh = list(dict(fresh).items())
    return Extracted(batch.index, [reduce_view(r) for r in records], fresh, len(records))


def reduce_view(ex: PaperExtraction) -> PaperExtraction:
    """A record cut down to what `canonicalise` reads: the paper id and each entity's label,
    type, relation and aliases (no mentions, no text), so it crosses processes cheaply."""
    return PaperExtraction(
        paper=Paper(ex.paper.id, "", ""),
        entities=tuple(PaperEntity(e.label, e.type, e.relation, e.aliases) for e in ex.entities),
    )


@dataclass
class Triples:
    """Phase 2 output of a batch: its sorted unique N-Triples lines, each paper's fingerprint, and
    its papers that link the most `focus` entities (for the aggregated views of large builds)."""

    index: int
    lines: list[str]
    picks: list[tuple[int, str, int]] = field(default_factory=list)  # (-score, paper id, position)
    count: int = 0  # lines, where `lines` went to a run file instead
    fingerprints: list[tuple[str, str]] = field(default_factory=list)  # (paper id, fingerprint)
    changed: list[str] = field(default_factory=list)  # ids of papers whose lines are in `lines`


def triples_batch(index: int, records: Iterable[PaperExtraction], table, focus: frozenset[str] = frozenset(),
                  max_picks: int = 0, previous: dict[str, str] | None = None, salt: str = "") -> Triples:
    """Phase 2 on one batch: every paper's triples, serialised, sorted and de-duplicated.

    With `previous` ({paper id: fingerprint} of the build the output folder holds), only papers
    whose fingerprint changed get their lines made: the others' lines are already in that build."""
    from kg.graph.rdf import paper_triples

    records = list(records)
    fps = [(ex.paper.id, fingerprint(ex, table, salt)) for ex in records]
    if previous is None:
        todo = records
    else:
        todo = [ex for ex, (pid, fp) in zip(records, fps) if previous.get(pid) != fp]
    lines = nt_lines(t for ex in todo for t in paper_triples(ex, table))
    picks = []
    if max_picks and focus:
        for pos, ex in enumerate(records):
            keys = set()
            for e in ex.entities:
                ce = table.resolve(e.label)
                if ce is not None and ce.key in focus:
                    keys.add(ce.key)
            if keys:
                picks.append((-len(keys), ex.paper.id, pos))
        picks = sorted(picks)[:max_picks]
    return Triples(index, lines, picks, fingerprints=fps, changed=[ex.paper.id for ex in todo])


def fingerprint(ex: PaperExtraction, table, salt: str = "") -> str:
    """What a paper's triples depend on: the paper, its record and the canonical key and IRI of
    every name its triples resolve (`paper_triples` reads nothing else of the entity table).
    `salt` is the version of the code that makes triples, which includes the pipeline version: the
    record is then a function of the paper's text, so the paper stands for it."""
    h = hashlib.sha256(salt.encode())
    p = ex.paper
    h.update(repr((p.id, p.title, p.abstract, p.date, p.url, p.authors)).encode("utf-8", "surrogatepass"))
    names = [e.label for e in ex.entities] + [n for r in ex.results for n in (r.benchmark, r.subject)]
    for n in names:
        ce = table.resolve(n)
        part = f"\0{n}\0{ce.key}\0{ce.iri}" if ce is not None else f"\0{n}\0-"
        h.update(part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
