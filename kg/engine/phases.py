"""The two map phases of a build, as plain functions that run anywhere (this process, a worker
process, a Dask worker), and the records they pass between them.

Phase 1 (`extract_batch`) turns papers into extraction records, reusing cached ones; the reduce
(`kg.graph.canonical.canonicalise`) joins the records' names into an entity table; phase 2
(`triples_batch`) turns records into sorted N-Triples lines with canonical IRIs.

Between the phases a batch's records are a `Part`: each paper with its record in the cache's form
(`cache.encode`), which is what the cache hands out anyway. Phase 2 reads from it the names of
every paper (for the fingerprints) but builds whole records only for the papers that get lines, so
an incremental build never decodes the records of unchanged papers. A batch's records cross to the
reduce as rows of (paper id, label, type, names), without mentions or text.
"""
from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field

from kg.engine import cache as cache_mod
from kg.engine.ntriples import paper_nt_lines
from kg.graph.canonical import EntityTable, entity_name, paper_result_names
from kg.ids import name_key
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


#: A batch's records between the phases: (paper, record in `cache.encode` form), in input order.
Part = list[tuple[Paper, bytes]]


@dataclass
class Extracted:
    """What phase 1 hands back to the coordinator for a batch."""

    index: int
    views: list[tuple[str, str, object, tuple[str, ...]]]  # reduce rows, in input order
    fresh: list[tuple[str, bytes]]  # newly extracted records for the cache
    count: int = 0
    ids: list[str] = field(default_factory=list)  # paper ids, in input order


def extract_batch(batch: Batch, vocabulary_path: str | None = None) -> Part:
    """Phase 1 on one batch: cached records are kept as they are, the others extracted and
    encoded. Input order kept."""
    todo = [p for p, k in zip(batch.papers, batch.keys) if k not in batch.cached]
    fresh: dict[int, bytes] = {}
    if todo:
        from kg.nlp.extract import extract_doc

        nlp = worker_nlp(vocabulary_path)
        docs = nlp.pipe(((p.text, p) for p in todo), as_tuples=True, batch_size=min(256, len(todo)))
        fresh = {id(p): cache_mod.encode(extract_doc(doc, p)) for doc, p in docs}
    cached = batch.cached
    return [(p, cached[k] if k in cached else fresh[id(p)]) for p, k in zip(batch.papers, batch.keys)]


def records_of(part: Part) -> list[PaperExtraction]:
    """The whole records of a part."""
    return [cache_mod.decode(b, p) for p, b in part]


def summarise(batch: Batch, part: Part) -> Extracted:
    """The part of a batch's records the coordinator needs: reduce rows and new cache entries."""
    # a key may repeat within a batch (two papers with one text): store it once
    fresh = list({k: b for k, (_, b) in zip(batch.keys, part) if k not in batch.cached}.items())
    rows = [(p.id, *r) for p, b in part for r in cache_mod.reduce_rows(b)]
    return Extracted(batch.index, rows, fresh, len(part), [p.id for p, _ in part])


def reduce_view(ex: PaperExtraction) -> PaperExtraction:
    """A record cut down to what `canonicalise` reads: the paper id and each entity's label,
    type, relation and aliases (no mentions, no text)."""
    return PaperExtraction(
        paper=Paper(ex.paper.id, "", ""),
        entities=tuple(PaperEntity(e.label, e.type, e.relation, e.aliases, type_weight=e.type_weight) for e in ex.entities),
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
    keys: list[tuple[str, ...]] = field(default_factory=list)  # name keys each fingerprint read, as `fingerprints`


def triples_batch(index: int, part: Part, table, focus: frozenset[str] = frozenset(),
                  max_picks: int = 0, previous: dict[str, str] | None = None, salt: str = "") -> Triples:
    """Phase 2 on one batch: every paper's triples, serialised, sorted and de-duplicated.

    With `previous` ({paper id: fingerprint} of the build the output folder holds), only papers
    whose fingerprint changed get their lines made (and their records decoded): the others' lines
    are already in that build."""
    table = memo_table(table)
    data = [cache_mod.loads(b) for _, b in part]
    names = [cache_mod.names(d) for d in data]
    fps = [(p.id, _fingerprint(p, ns, table, salt)) for (p, _), ns in zip(part, names)]
    if previous is None:
        todo = part
    else:
        todo = [pb for pb, (pid, fp) in zip(part, fps) if previous.get(pid) != fp]
    lines = paper_nt_lines(records_of(todo), table)
    picks = []
    if max_picks and focus:
        for pos, ((p, _), d) in enumerate(zip(part, data)):
            keys = set()
            for e in d[0]:
                ce = table.resolve(entity_name(e[0], e[3]))
                if ce is not None and ce.key in focus:
                    keys.add(ce.key)
            if keys:
                picks.append((-len(keys), p.id, pos))
        picks = sorted(picks)[:max_picks]
    return Triples(index, lines, picks, fingerprints=fps, changed=[p.id for p, _ in todo],
                   keys=[name_keys(ns) for ns in names])


_KEYS: dict[str, str] = {}


def name_keys(names: list[str]) -> tuple[str, ...]:
    """The distinct keys of `names`: a paper's fingerprint changes only where one of them comes to
    resolve otherwise (`kg.engine.state` reads them to find such papers)."""
    keys = _KEYS
    if len(keys) > 1_000_000:
        keys.clear()
    out = []
    for n in names:
        k = keys.get(n)
        if k is None:
            k = keys[n] = sys.intern(name_key(n))
        out.append(k)
    return tuple(dict.fromkeys(out))


def fingerprint(ex: PaperExtraction, table, salt: str = "") -> str:
    """What a paper's triples depend on: the paper, its record and the canonical key and IRI of
    every name its triples resolve (`paper_triples` reads nothing else of the entity table).
    `salt` is the version of the code that makes triples, which includes the pipeline version: the
    record is then a function of the paper's text, so the paper stands for it."""
    names = [entity_name(e.label, e.aliases) for e in ex.entities] + paper_result_names(ex)
    return _fingerprint(ex.paper, names, table, salt)


def _fingerprint(p: Paper, names: list[str], table, salt: str) -> str:
    h = hashlib.sha256(salt.encode())
    h.update(repr((p.id, p.title, p.abstract, p.date, p.url, p.authors)).encode("utf-8", "surrogatepass"))
    for n in names:
        ce = table.resolve(n)
        part = f"\0{n}\0{ce.key}\0{ce.iri}" if ce is not None else f"\0{n}\0-"
        h.update(part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


class MemoTable(EntityTable):
    """The entity table with `resolve` remembered per name (phase 2 resolves each name of every
    paper, and most names recur); the same answers as the table it copies."""

    _memo: dict | None = None

    def resolve(self, name: str):
        memo = self._memo
        if memo is None:
            memo = self._memo = {}
        try:
            return memo[name]
        except KeyError:
            ce = memo[name] = EntityTable.resolve(self, name)
            return ce

    def __getstate__(self):
        return {"entities": self.entities, "by_key": self.by_key}


def memo_table(table):
    """`table` as a MemoTable (a plain EntityTable only; anything else is used as it is)."""
    if type(table) is not EntityTable:
        return table
    return MemoTable(table.entities, table.by_key)


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
