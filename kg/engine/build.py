"""`build_folder`: papers in, an output folder out, in bounded memory, on all cores.

    read ──► phase 1 (map: extract, or reuse the cache) ──► reduce (canonicalise) ──►
    phase 2 (map: triples, sorted per batch) ──► merge runs ──► graph.nt ──► store/

Records are streamed in batches: memory is bounded by the batch size, the number of batches in
flight and the entity table, not by the corpus. The outputs that need the whole graph in memory
(Turtle, JSON-LD, GraphML, GEXF, the edge tables, the HTML pages) are written from it while the
corpus has at most `whole_graph_limit` papers; above that, GraphML, GEXF, the edge tables and the
pages are made from an aggregated subgraph (the most named entities and the papers that name most
of them), Turtle and JSON-LD are skipped, and the summary says so. N-Triples, the store and the
entity tables always hold the whole graph.

Building into a folder that holds an earlier build is incremental: phase 1 reuses the cached record
of every unchanged text (`cache`), and phase 2 remakes only the triples of papers that are new,
changed or gone, or whose names now resolve to other entities, splicing them and the entity table
into the earlier graph.nt and a hard-linked copy of its store (`incremental`). Where the folder
also holds the state its build kept (`state`: the reduce's totals and each paper's digest and
fingerprint) and the papers are the same plus new ones, only the new papers go through phase 1
and the reduce, and phase 2 runs only on them and on the papers whose entities moved (`_append`);
input files that the state says are unchanged are not even read (`state.InputFiles`, as `kg build`
reads its input). Anything else takes the full path. The result is byte-identical to a clean build.
"""
from __future__ import annotations

import csv
import gc
import heapq
import importlib
import io
import json
import marshal
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.engine.cache import ExtractionCache, record_key
from kg.engine.incremental import (ENTITY_PREFIX, ShapeError, add_lines, copy_store, open_store, paper_prefixes,
                                   read_index, remove_lines, splice, triples_version, write_index)
from kg.engine.background import Background
from kg.engine.ntriples import entity_lines, merge_runs, nt_lines, read_run, write_run
from kg.engine.storeload import load_store
from kg.engine.phases import Batch, Extracted, cpu_count
from kg.engine.state import STATE_PATH, InputFiles, Reread, load_state, save_state
from kg.engine.version import pipeline_version
from kg.errors import ConfigError
from kg.export import (FILES, GRAPH_FORMATS, TABLE_FORMATS, atomic_write, parse_formats, staged_folder, write_format,
                       write_rejects)
from kg.types import EntityType, Paper, ReadReport

ENGINES = ("local", "dask")
DEFAULT_BATCH_SIZE = 1000
#: Largest corpus whose whole graph goes to Turtle, JSON-LD, GraphML and the pages.
WHOLE_GRAPH_LIMIT = 5000
#: For larger corpora, the aggregated subgraph: this many entities and papers.
VIEW_ENTITIES = 500
VIEW_PAPERS = 1000
_WHOLE_GRAPH_FORMATS = GRAPH_FORMATS  # ttl, jsonld, graphml, gexf, edges, edges-parquet, html, report
_SKIPPED_WHEN_LARGE = ("ttl", "jsonld")


@dataclass
class BuildSummary:
    """What a build did: counts, files written, what was cut or skipped, and where time went."""

    out_dir: Path
    papers: int = 0
    entities: dict[str, int] = field(default_factory=dict)  # per type, in ENTITY_KINDS order
    triples: int = 0
    written: dict[str, Path] = field(default_factory=dict)  # format -> path
    skipped: dict[str, str] = field(default_factory=dict)  # format -> why
    view: dict | None = None  # the aggregated subgraph, when the corpus was too large for a whole one
    cache_hits: int = 0
    cache_misses: int = 0
    incremental: int | None = None  # papers whose triples were remade, when the last build's were reused
    from_state: bool = False  # only new papers were read through: the last build's state applied (`state`)
    engine: str = "local"
    workers: int = 1
    rejects: int = 0
    duplicates_merged: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> wall time

    @property
    def entity_count(self) -> int:
        return sum(self.entities.values())

    def to_json(self) -> dict:
        """The numbers that go to build.json (no timings: the file must be deterministic)."""
        d = {"papers": self.papers, "entities": self.entity_count, "rejects": self.rejects,
             "duplicates_merged": self.duplicates_merged}
        if self.view:
            d["view"] = self.view
        if self.skipped:
            d["skipped"] = self.skipped
        return d


def build_folder(
    records: Iterable[Paper],
    out_dir: str | Path,
    *,
    formats: str | Iterable[str] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    n_process: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    cache: bool = True,
    vocabulary_path: str | None = None,
    report: ReadReport | None = None,
    whole_graph_limit: int = WHOLE_GRAPH_LIMIT,
    on_progress: Callable[[int], None] | None = None,
) -> BuildSummary:
    """Build the graph of `records` into the folder `out_dir`, streaming.

    The folder is replaced as a set when the build is complete (`kg.export.staged_folder`);
    its extraction cache (`out_dir/.cache/`) is kept and reused.

    Args:
        records: papers, e.g. `kg.ingest.read_papers(paths, report=report)` (read lazily).
        out_dir: the output folder.
        formats: outputs, as for `kg.export.parse_formats` (default all).
        engine: "local" (worker processes on this machine) or "dask".
        scheduler: the Dask scheduler address; None starts a LocalCluster.
        n_process: worker processes (default: all cores); 1 runs everything in this process.
        batch_size: papers per task; bounds memory and sets the grain of parallelism.
        cache: reuse and update the extraction cache in `out_dir/.cache/`, and splice into the
            folder's earlier graph.nt and store; False makes a clean build.
        vocabulary_path: another vocabulary file for the pipeline (must be readable by workers).
        report: where the reader records rejects; written to rejects.jsonl and counted.
        whole_graph_limit: most papers for which Turtle, JSON-LD, GraphML and the pages hold
            the whole graph.
        on_progress: called with the number of papers of each batch as it is extracted.

    Returns:
        A BuildSummary.

    Raises:
        ConfigError: a bad option value.
        MissingExtraError: engine="dask" without the `dask` extra.

    >>> import tempfile
    >>> s = build_folder([Paper("p1", "GRPO for Qwen3-8B", "We train Qwen3-8B with GRPO on MATH-500.")],
    ...                  Path(tempfile.mkdtemp()) / "out", formats="nt,csv")
    >>> s.papers, s.entity_count, sorted(s.written)
    (1, 3, ['csv', 'nt'])
    """
    fmts = parse_formats(formats)
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise ConfigError("--scheduler needs --engine dask")
    if batch_size < 1:
        raise ConfigError(f"batch size must be at least 1, not {batch_size}")
    if n_process is not None and n_process < 1:
        raise ConfigError(f"number of processes must be at least 1, not {n_process}")
    report = report if report is not None else ReadReport()
    inputs = records if isinstance(records, InputFiles) else None  # files the next build may skip
    n_process = n_process or cpu_count()
    out = Path(out_dir)
    summary = BuildSummary(out_dir=out, engine=engine)
    clock = _Clock(summary.seconds)
    version = pipeline_version(vocabulary_path)

    with staged_folder(out) as stage, _GcPause() as gc_pause:
        work = stage / ".work"
        work.mkdir()
        ex_cache = None
        if cache:
            out.mkdir(parents=True, exist_ok=True)  # the cache lives in the output folder
            ex_cache = ExtractionCache(out, version)
        appendable = cache and set(fmts) <= _APPENDABLE and "nt" in fmts
        runner = _engine(engine, work, n_process, scheduler, vocabulary_path)
        store_copy = None  # of the folder's store (pyoxigraph imported), made while the rebuild waits for the workers
        if appendable and (out / STATE_PATH).exists():
            gc_pause.pause()
            if hasattr(runner, "warm_up"):
                runner.warm_up()  # most rebuilds extract some new papers: the workers start while the input is read
            if "store" in fmts and (out / FILES["store"]).is_dir():
                store_copy = Background(copy_store, out / FILES["store"], stage / FILES["store"], name="kg-store-copy")
        salt = triples_version(version)
        state = load_state(out, salt) if appendable else None
        jobs: list[Background] = []  # in the background, done before the folder is swapped in
        updater = None  # the store's, where graph.nt was spliced
        try:
            graph = None
            if state is not None:
                try:
                    graph = _append(state, records, out, stage, work, runner, fmts, batch_size, version, salt,
                                    ex_cache, summary, on_progress, clock)
                except _Replay as replay:  # the state does not apply: the full path, over the papers read
                    records = replay.records
                    state = None
                    gc_pause.resume()
                    runner.close()
                    replay_work = work / "replay"
                    replay_work.mkdir()
                    runner = _engine(engine, replay_work, n_process, scheduler, vocabulary_path)
                    summary.papers = 0
                    if ex_cache is not None:
                        ex_cache.hits = ex_cache.misses = 0
            if graph is None:
                graph = _full(records, out, stage, work, runner, fmts, batch_size, version, salt, ex_cache, cache,
                              summary, on_progress, whole_graph_limit, clock)
            table, picks, large = graph.table, graph.picks, summary.papers > whole_graph_limit
            if store_copy is not None and graph.delta is None:  # graph.nt was not spliced: the store is made anew
                _drop_store(store_copy, stage / FILES["store"])
                store_copy = None
            if "nt" in fmts or "store" in fmts:
                nt_path = stage / FILES["nt"] if "nt" in fmts else work / "graph.nt"
                runner.rest()  # phase 2 is over: the workers' memory goes back before the store loads
                loader = saver = None
                if graph.delta is None:
                    if "store" in fmts:
                        # the store loads from the runs while they are merged into graph.nt: bulk_load
                        # releases the GIL, so both cores work (the store is a set: same triples)
                        loader = Background(load_store, graph.runs, stage / FILES["store"], name="kg-store-load")
                    summary.triples = merge_runs(graph.runs, nt_path, keep_inputs=loader is not None)
                if graph.delta is not None:  # spliced: the store is updated, and graph.nt's pages reach the
                    # disk (both mostly outside the GIL), while the rest is made
                    if "store" in fmts and (store_copy is not None or (out / FILES["store"]).is_dir()):
                        removed, added = graph.delta
                        if store_copy is not None:
                            store_copy.result()
                        else:
                            copy_store(out / FILES["store"], stage / FILES["store"])
                        store_copy = None
                        # opened and the lines removed here, before graph.nt is flushed (the store's
                        # own syncs would wait for that), and in this thread (hundreds of short calls,
                        # each giving the GIL back: a busy thread beside would hold each for 5 ms)
                        store = open_store(stage / FILES["store"])
                        remove_lines(store, removed)
                        updater = Background(add_lines, store, added, stage / FILES["store"], name="kg-store-update")
                        del store
                        jobs.append(updater)
                    jobs.append(Background(_fsync, stage / FILES["nt"], name="kg-fsync"))
                if "nt" in fmts:
                    summary.written["nt"] = nt_path
                    if graph.fps is not None:
                        write_index(stage, salt, graph.fps, nt_path)
                        if cache and graph.reduction is not None:  # while the store is made (it mostly
                            # releases the GIL): the state pickles in this process
                            saver = Background(save_state, out, salt, graph.reduction, table, graph.papers(), nt_path,
                                               summary.triples, inputs.kept() if inputs is not None else None,
                                               name="kg-state-save")
                clock.lap("merge")
                if "store" in fmts and updater is None:
                    if loader is not None:
                        summary.written["store"] = loader.result()
                    else:
                        summary.written["store"] = load_store([nt_path], stage / FILES["store"])
                    clock.lap("store")
                if saver is not None:
                    saver.result()

            # ---- the outputs that need whole records
            _whole_graph_outputs(runner, table, report, fmts, stage, summary, large, picks, whole_graph_limit)
            clock.lap("other outputs")
            for job in jobs:
                job.result()
            if updater is not None:
                summary.written["store"] = updater.result()
                clock.lap("store")
        except BaseException:
            runner.terminate()
            for job in jobs if store_copy is None else [*jobs, store_copy]:
                job.join()
            raise
        finally:
            runner.close()
            if ex_cache is not None:
                summary.cache_hits, summary.cache_misses = ex_cache.hits, ex_cache.misses
                ex_cache.close()
        summary.rejects, summary.duplicates_merged = len(report.rejects), report.duplicates_merged
        if report.rejects:
            write_rejects(report.rejects, stage / "rejects.jsonl")
        atomic_write(stage / "build.json", json.dumps(summary.to_json(), indent=1, sort_keys=True) + "\n")
        shutil.rmtree(work)
    summary.written = {f: out / summary.written[f].name for f in fmts if f in summary.written}
    clock.lap("finish")
    return summary


# ---------------------------------------------------------------- the steps


#: Outputs a build can make from the kept state alone (no whole records): see `_append`.
_APPENDABLE = {"nt", "store", *TABLE_FORMATS}


@dataclass
class _Graph:
    """What the phases made: the entity table, the sorted runs to merge (or, after a splice,
    the lines that left and came), each paper's fingerprint and what the next build keeps."""

    table: object
    runs: list[Path] = field(default_factory=list)
    fps: dict[str, str] | None = None  # None: two records with one id, no index
    delta: tuple[list[bytes], list[bytes]] | None = None  # graph.nt was spliced: (removed, added) lines
    picks: list = field(default_factory=list)
    reduction: object = None
    digests: dict[str, bytes] = field(default_factory=dict)
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kept: dict[str, tuple[bytes, str, tuple[str, ...]]] | None = None  # `papers()`, where made already

    def papers(self) -> dict[str, tuple[bytes, str, tuple[str, ...]]]:
        """Per paper, what `kg.engine.state` keeps: (digest, fingerprint, name keys)."""
        if self.kept is not None:
            return self.kept
        d, k = self.digests, self.keys
        return {pid: (d[pid], fp, k[pid]) for pid, fp in self.fps.items()}


def _full(records, out, stage, work, runner, fmts, batch_size, version, salt, ex_cache, cache, summary,
          on_progress, whole_graph_limit, clock) -> _Graph:
    """Phase 1, the reduce and phase 2 over every paper (graph.nt spliced where the folder's index
    allows)."""
    from kg.graph.canonical import Reduction

    # ---- phase 1 and the reduce, streamed: extracted batches feed the reduce directly
    digests: dict[str, bytes] = {}
    batches = _batches(records, batch_size, version, ex_cache, digests if cache else None)
    ids: set[str] = set()
    views = _views(runner.extract(batches), ex_cache, summary, on_progress, ids)
    reduction = Reduction.of(views)
    table = reduction.table()
    dup_ids = len(ids) < summary.papers  # two records, one id: their lines cannot be told apart
    del ids
    summary.workers = runner.workers_used
    clock.lap("extract")

    # ---- phase 2: per-batch sorted runs, merged into graph.nt (or spliced into the last one)
    large = summary.papers > whole_graph_limit
    want_view = large and any(f in fmts for f in _WHOLE_GRAPH_FORMATS if f not in _SKIPPED_WHEN_LARGE)
    focus = _focus(table, VIEW_ENTITIES) if want_view else frozenset()
    n_picks = VIEW_PAPERS if want_view else 0
    previous = read_index(out, salt) if cache and "nt" in fmts and not dup_ids else None
    graph = _Graph(table, reduction=reduction if cache and not dup_ids else None, digests=digests)
    if "nt" in fmts or "store" in fmts:
        entity_run = _entity_run(table, work)
        runs, fps, changed = _phase2(runner, table, focus, n_picks, previous, salt, graph.picks, graph.keys)
        clock.lap("triples")
        if previous is not None:
            gone = set(previous).difference(fps)
            try:
                summary.triples, *graph.delta = _splice(out, stage, entity_run, runs, [*changed, *gone])
                summary.incremental = len(changed) + len(gone)
            except ShapeError:
                graph.delta = None
                runs, fps, _ = _phase2(runner, table, focus, 0, None, salt, [], {})
        graph.runs = [entity_run, *runs]
        graph.fps = None if dup_ids else fps
    elif want_view:
        _phase2(runner, table, focus, n_picks, None, salt, graph.picks, {})  # for the picks; the lines go unused
    return graph


class _Replay(Exception):
    """The kept state does not apply to these papers: build them the full way. `records` are
    all of them, in input order (those read so far come back from the work folder)."""

    def __init__(self, why: str, records: Iterable[Paper]):
        super().__init__(why)
        self.records = records


def _append(state, records, out, stage, work, runner, fmts, batch_size, version, salt, ex_cache, summary,
            on_progress, clock) -> _Graph:
    """The build of a folder whose kept state (`kg.engine.state`) covers every paper that is
    still there unchanged: only the new papers are extracted and reduced, only the entities they
    touch are made again, and phase 2 runs only on the new papers and those naming an entity whose
    key or IRI moved; graph.nt is spliced. Raises _Replay where the state does not apply."""
    from kg.engine.state import affected_papers, changed_entities, moved_keys

    if any(f in fmts for f in TABLE_FORMATS if f != "csv"):
        # the table writers' imports (pandas, networkx: most of a second) run while this thread
        # waits for the workers (entities.csv is written without them)
        Background(importlib.import_module, "kg.graph.model", name="kg-import")
    workers = getattr(runner, "n_process", runner.workers_used)  # the local pool may still be starting
    # input files the state says are unchanged are not read again: their papers are the state's
    rest = records.skip(state.inputs, state.papers) if isinstance(records, InputFiles) else None
    scan = _Scan(records if rest is None else rest, state, batch_size, version, ex_cache, work, on_progress, workers,
                 skipped=records if rest is not None else None)
    rows: list[tuple] = []
    try:
        for ex in runner.extract(scan.new_batches()):
            ex_cache.put(ex.fresh)
            rows.extend(ex.views)
            if on_progress:
                on_progress(ex.count)
    except Reread as e:
        raise _Replay(str(e), scan.replay()) from None
    if scan.why is None and scan.unchanged < len(state.papers):
        scan.why = "papers were removed"
    if scan.why is not None:
        raise _Replay(scan.why, scan.replay())
    summary.papers = scan.unchanged + scan.new
    summary.workers = runner.workers_used
    reduction = state.reduction
    added = reduction.add(rows)
    del rows
    if not added.plain:
        raise _Replay(added.why, scan.replay())
    table = reduction.updated_table(state.entities, added.roots)
    affected = set(affected_papers(state, moved_keys(state, reduction, table, added)))
    if affected:  # their records come from the cache (or are extracted again): their rows are counted
        for ex in runner.extract(scan.batches_of(affected)):
            ex_cache.put(ex.fresh)
    clock.lap("extract")

    fps = {pid: fp for pid, (_, fp, _) in state.papers.items()}
    previous = {pid: fps[pid] for pid in affected}
    keys: dict[str, tuple[str, ...]] = {}
    entity_run, entity_prefixes = _changed_entity_run(table, *changed_entities(state, reduction, table, added), work)
    runs, new_fps, changed = _phase2(runner, table, frozenset(), 0, previous, salt, [], keys)
    fps.update(new_fps)
    clock.lap("triples")
    try:
        summary.triples, *delta = _splice(out, stage, entity_run, runs, changed, state.triples, entity_prefixes)
    except ShapeError:
        raise _Replay("lines of another shape", scan.replay()) from None
    summary.incremental = len(changed)
    summary.from_state = True
    ex_cache.hits += scan.unchanged
    kept = state.papers  # the previous build's, with the papers phase 2 saw made again
    for pid, fp in new_fps.items():
        kept[pid] = (scan.digests[pid] if pid in scan.digests else kept[pid][0], fp, keys[pid])
    return _Graph(table, [], fps, tuple(delta), reduction=reduction, kept=kept)


class _Scan:
    """One pass over the input against the kept state: papers it holds unchanged are only
    counted, new ones are batched for extraction, and every paper read is written to the work
    folder (as plain tuples) so the full path can run over them if the state turns out not to
    apply (a paper changed, an id twice: `why` says).

    With `skipped` (the input files, the first of which `InputFiles.skip` found unchanged),
    `records` are the papers of the files after those, and the state's papers are all there,
    unchanged, without being read; the full path then reads every file again."""

    def __init__(self, records, state, size: int, version: str, cache, work: Path, on_progress=None,
                 split: int = 1, skipped: InputFiles | None = None):
        self.it = iter(records)
        self.state, self.size, self.version, self.cache = state, size, version, cache
        self.work, self.on_progress = work, on_progress
        self.made = 0  # batches handed out: the next one's index
        self.split = max(1, split)  # batches to cut the last new papers into
        self.chunks: list[Path] = []
        self.seen: set[str] = set()
        self.digests: dict[str, bytes] = {}  # new papers
        self.unchanged = self.new = 0
        self.why: str | None = None
        self.skipped = skipped

    def new_batches(self) -> Iterator[Batch]:
        from kg.engine.state import paper_digest

        known = self.state.papers
        fresh: list[Paper] = []
        if self.skipped is not None:
            self.unchanged = len(known)
            if self.on_progress and known:
                self.on_progress(len(known))
        while self.why is None:
            chunk = list(islice(self.it, self.size))
            if not chunk:
                break
            self._keep(chunk)
            before = self.unchanged
            for p in chunk:
                if p.id in self.seen:
                    self.why = f"two records with id {p.id!r}"
                    break
                self.seen.add(p.id)
                digest = paper_digest(p)
                old = known.get(p.id)
                if old is None:
                    fresh.append(p)
                    self.digests[p.id] = digest
                elif old[0] == digest:
                    self.unchanged += 1
                else:
                    self.why = f"paper {p.id!r} changed"
                    break
            if self.on_progress and self.unchanged > before:
                self.on_progress(self.unchanged - before)
            while len(fresh) >= self.size and self.why is None:
                yield self._batch(fresh[:self.size])
                del fresh[:self.size]
        if fresh and self.why is None:  # the last new papers, shared among the workers
            step = -(-len(fresh) // self.split)
            for i in range(0, len(fresh), step):
                yield self._batch(fresh[i:i + step])
        self.new = len(self.digests)

    def batches_of(self, ids: set[str]) -> Iterator[Batch]:
        """Batches of the papers read with these ids (papers the state held), after the new ones."""
        todo: list[Paper] = []
        for p in self._kept() if self.skipped is None else self.skipped.skipped_papers():
            if p.id in ids:
                todo.append(p)
        for i in range(0, len(todo), self.size):
            yield self._batch(todo[i:i + self.size])

    def _batch(self, papers: list[Paper]) -> Batch:
        keys = [record_key(p, self.version) for p in papers]
        self.made += 1
        return Batch(self.made - 1, papers, keys, self.cache.get(keys))

    def _keep(self, chunk: list[Paper]) -> None:
        path = self.work / f"papers-{len(self.chunks):06d}.marshal"
        with open(path, "wb") as f:
            marshal.dump([astuple_paper(p) for p in chunk], f)
        self.chunks.append(path)

    def _kept(self) -> Iterator[Paper]:
        for path in self.chunks:
            with open(path, "rb") as f:
                rows = marshal.load(f)
            yield from (Paper(*r) for r in rows)

    def replay(self) -> Iterator[Paper]:
        """Every paper of the input, in order: those read so far, then the rest (or, where files
        were skipped, every file read again)."""
        self.state = None  # the full path does not need it
        if self.skipped is not None:
            return self.skipped.reread()
        return self._replay()

    def _replay(self) -> Iterator[Paper]:
        yield from self._kept()
        yield from self.it


def astuple_paper(p: Paper) -> tuple:
    """A paper as a tuple of its fields, in their order (`Paper(*t)` makes it again)."""
    return (p.id, p.title, p.abstract, p.date, p.url, p.authors, p.source, p.line)


def _entity_run(table, work: Path) -> Path:
    """The entity table's lines as a sorted run."""
    from kg.graph.rdf import entity_triples

    lines = entity_lines(table)
    if lines is None:  # an IRI rdflib would not write plainly: its own way
        lines = nt_lines(entity_triples(table))
    return write_run(lines, work / "run-entities.nt")


def _changed_entity_run(table, keys: set[str], old_iris: set[str], work: Path) -> tuple[Path, list[bytes]]:
    """The lines of the entities with these `keys` (and of their families, which their lines
    name) as a sorted run, and the subject prefixes they replace in graph.nt: theirs and the
    `old_iris` of entities that changed or left. The other entities' lines stay as they are."""
    from kg.graph.canonical import EntityTable

    sub = EntityTable()
    for k in keys:
        ent = sub.entities[k] = table.entities[k]
        if ent.family:
            sub.entities[ent.family] = table.entities[ent.family]
    iris = old_iris | {str(e.iri) for e in sub.entities.values()}
    return _entity_run(sub, work), [f"<{iri}>".encode("utf-8", "surrogatepass") for iri in iris]


def _splice(out: Path, stage: Path, entity_run: Path, runs: list[Path], papers: Iterable[str],
            old_count: int | None = None, entity_prefixes: list[bytes] | None = None):
    """graph.nt of the folder with the entity block (or the blocks of `entity_prefixes`) and the
    blocks of `papers` replaced by the runs' lines, into the stage: (lines, removed, added)."""
    entities = [ENTITY_PREFIX] if entity_prefixes is None else entity_prefixes
    prefixes = entities + [p for pid in papers for p in paper_prefixes(_local(pid))]
    return splice(out / FILES["nt"], _merged([entity_run, *runs]), prefixes, stage / FILES["nt"], old_count,
                  sync=False)  # `build_folder` fsyncs it in the background


def _engine(name: str, work: Path, n_process: int, scheduler: str | None, vocabulary_path: str | None):
    if name == "dask":
        from kg.engine.dask import DaskEngine

        return DaskEngine(work, scheduler=scheduler, n_workers=n_process, vocabulary_path=vocabulary_path)
    from kg.engine.local import LocalEngine

    return LocalEngine(work, n_process=n_process, vocabulary_path=vocabulary_path)


def _batches(records: Iterable[Paper], size: int, version: str, cache: ExtractionCache | None,
             digests: dict[str, bytes] | None = None) -> Iterator[Batch]:
    """Batches of `size` papers with their cached records; each paper's digest into `digests`
    (for the state the next build reads)."""
    from kg.engine.state import paper_digest

    it = iter(records)
    for i in range(1 << 62):
        papers = list(islice(it, size))
        if not papers:
            return
        if digests is not None:
            digests.update((p.id, paper_digest(p)) for p in papers)
        keys = [record_key(p, version) for p in papers]
        yield Batch(i, papers, keys, cache.get(keys) if cache is not None else {})


def _views(extracted: Iterator[Extracted], cache: ExtractionCache | None, summary: BuildSummary,
           on_progress, ids: set[str]) -> Iterator[tuple]:
    for ex in extracted:
        if cache is not None:
            cache.put(ex.fresh)
        summary.papers += ex.count
        ids.update(ex.ids)
        if on_progress:
            on_progress(ex.count)
        yield from ex.views


def _phase2(runner, table, focus, n_picks, previous, salt, picks: list, keys: dict):
    """Run phase 2; returns (run files, {paper id: fingerprint}, ids of papers given lines); each
    paper's name keys go to `keys`."""
    runs, fps, changed = [], {}, []
    here = getattr(runner, "triples_here", None)  # made in this process: nothing to slim for the trip
    for out_, run in runner.triples(table if here is not None and here(table) else _slim(table), focus, n_picks,
                                    previous, salt):
        if not run.exists():  # engines that hand lines back instead of writing the run
            write_run(out_.lines, run)
        runs.append(run)
        picks.extend((s, pid, out_.index, pos) for s, pid, pos in out_.picks)
        fps.update(out_.fingerprints)
        keys.update(zip((pid for pid, _ in out_.fingerprints), out_.keys))
        changed.extend(out_.changed)
    return runs, fps, changed


def _slim(table):
    """The entity table as phase 2 needs it: each paper's triples read only the canonical key and
    IRI of the entities its names resolve to, so the sets of papers per entity (most of the
    table's memory) stay behind."""
    from kg.engine.phases import MemoTable

    from kg.graph.canonical import CanonicalEntity

    bare = frozenset()
    return MemoTable({k: CanonicalEntity(e.key, e.iri, e.label, e.type, e.aliases, bare, e.family)
                      for k, e in table.entities.items()}, table.by_key)


def _merged(runs: list[Path]) -> Iterator[str]:
    prev = None
    for line in heapq.merge(*(read_run(r) for r in runs)):
        if line != prev:
            yield line
            prev = line


def _local(paper_id: str) -> str:
    from kg.ids import paper_iri
    from kg.namespaces import KGR

    return str(paper_iri(paper_id))[len(str(KGR)) + len("paper/"):]


def _focus(table, n: int) -> frozenset[str]:
    """Keys of the `n` entities named by most papers (ties: by key), the core of the view."""
    ranked = sorted(table.entities.values(), key=lambda e: (-len(e.papers), e.key))
    return frozenset(e.key for e in ranked[:n])


def _whole_graph_outputs(runner, table, report, fmts, stage: Path, summary: BuildSummary, large: bool,
                         picks: list, limit: int) -> None:
    for fmt in TABLE_FORMATS:
        if fmt == "csv" and fmt in fmts:
            atomic_write(stage / FILES[fmt], entities_csv(table))
            summary.written[fmt] = stage / FILES[fmt]
        elif fmt in fmts:  # the entity table alone
            from kg.graph.model import KnowledgeGraph

            g = KnowledgeGraph(extractions=[], table=table, report=report)
            summary.written[fmt] = write_format(g, fmt, stage / FILES[fmt])
    summary.entities = _entity_counts(table)
    wanted = [f for f in fmts if f in _WHOLE_GRAPH_FORMATS]
    if not wanted:
        return
    from kg.graph.model import KnowledgeGraph

    if not large:
        g = KnowledgeGraph(extractions=list(runner.records()), table=table, report=report)
        for fmt in wanted:
            summary.written[fmt] = write_format(g, fmt, stage / FILES[fmt])
        return
    for fmt in wanted:
        if fmt in _SKIPPED_WHEN_LARGE:
            summary.skipped[fmt] = (f"{summary.papers} papers are more than the whole-graph limit ({limit}); "
                                    f"graph.nt and store/ hold the whole graph")
    rest = [f for f in wanted if f not in _SKIPPED_WHEN_LARGE]
    if not rest:
        return
    chosen = sorted(picks)[:VIEW_PAPERS]
    positions: dict[int, list[int]] = {}
    for _, _, b, pos in sorted(chosen, key=lambda c: (c[2], c[3])):
        positions.setdefault(b, []).append(pos)
    sub_records = sorted(runner.records(positions), key=lambda ex: ex.paper.id)
    sub = _subtable(table, {ce.key for ex in sub_records for e in ex.entities
                            if (ce := table.resolve_entity(e.label, e.aliases)) is not None} & _focus(table, VIEW_ENTITIES))
    g = KnowledgeGraph(extractions=sub_records, table=sub, report=report)
    for fmt in rest:
        summary.written[fmt] = write_format(g, fmt, stage / FILES[fmt])
    summary.view = {"papers": len(sub_records), "papers_total": summary.papers,
                    "entities": len(sub), "entities_total": len(table), "formats": rest}


def _subtable(table, keys: set[str]):
    """The entity table cut to `keys` (names of other entities resolve to nothing)."""
    from kg.graph.canonical import EntityTable

    sub = EntityTable()
    for k in sorted(keys):
        e = table.entities[k]
        sub.entities[k] = replace(e, family=e.family if e.family in keys else None)
    sub.by_key = {n: k for n, k in table.by_key.items() if k in keys}
    return sub


#: `kg.graph.stats.ENTITY_KINDS` (which imports NetworkX): the entity types in their order.
ENTITY_KINDS = tuple(t.value for t in EntityType)


def _entity_counts(table) -> dict[str, int]:
    c = Counter(e.type.value for e in table.entities.values())
    return {k: c.get(k, 0) for k in ENTITY_KINDS}


def entities_csv(table) -> str:
    """entities.csv of an entity table: what `kg.export.write_format(g, "csv")` writes
    (`KnowledgeGraph.entities.to_csv(index=False, lineterminator="\\n")`, which pandas writes
    through the csv module with its defaults: comma, double quote, minimal quoting, quotes
    doubled), without importing pandas and NetworkX, most of a second of a rebuild."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("iri", "type", "label", "aliases", "papers"))
    w.writerows((str(e.iri), e.type.value, e.label, "|".join(e.aliases), len(e.papers)) for e in table)
    return buf.getvalue()


def _drop_store(copy: Background, path: Path) -> None:
    """Remove a store copy (`incremental.copy_store`) that turns out not to be wanted."""
    copy.join()  # an unwanted copy that failed is no failure of the build
    shutil.rmtree(path, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _GcPause:
    """Turns the cyclic garbage collector off while a rebuild runs in this process (`pause`),
    and back on (`resume`, or leaving) where it was on. A rebuild loads the kept state (a few
    hundred thousand objects, all alive to the end) and reads the new papers; the collections
    that these allocations set off walk the state again and again: a third of the coordinator's
    CPU. What a rebuild allocates holds no cycles to speak of, and refcounting frees it as
    before; the full path, which a rebuild can fall back to, runs with the collector on."""

    paused = False

    def __enter__(self) -> "_GcPause":
        return self

    def pause(self) -> None:
        if not self.paused and gc.isenabled():
            gc.disable()
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            gc.enable()

    def __exit__(self, *exc) -> None:
        self.resume()


class _Clock:
    def __init__(self, into: dict[str, float]):
        self.into = into
        self.t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = self.into.get(name, 0.0) + now - self.t
        self.t = now
