"""The local engine: phase 1 and phase 2 on a pool of worker processes, records spilled to disk.

Each worker builds the pipeline once and runs `nlp` + `extract_doc` itself (spaCy's `n_process`
does not carry our custom Doc attributes across processes). A batch's records go to a pickle file
in the build's work folder (as a `phases.Part`: papers and encoded records); only their reduce rows
travel back. Phase 2 workers read those files
and the pickled entity table, and write each batch's sorted N-Triples as a run file. A corpus of one
batch runs in this process: starting workers would cost more than it saves.
"""
from __future__ import annotations

import multiprocessing as mp
import pickle
from collections import deque
from pathlib import Path
from typing import Iterable, Iterator

from kg.engine.background import Background
from kg.engine.ntriples import write_run
from kg.engine.phases import (Batch, Extracted, Triples, extract_batch, records_of, summarise, triples_batch,
                              worker_nlp)

_TABLES: dict[str, object] = {}


def _dump(obj, path: Path) -> None:
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path: Path):
    with open(path, "rb") as f:
        return pickle.load(f)


def extract_task(batch: Batch, vocabulary_path: str | None, spill: Path) -> Extracted:
    """Worker entry point of phase 1: extract, spill the records, hand back their summary."""
    part = extract_batch(batch, vocabulary_path)
    _dump(part, spill)
    return summarise(batch, part)


def triples_task(index: int, spill: Path, table_path: Path, run: Path, focus: frozenset[str],
                 max_picks: int, previous_path: Path | None = None, salt: str = "") -> Triples:
    """Worker entry point of phase 2: a batch's records to a sorted run file."""
    table = _shared(table_path)
    previous = _shared(previous_path) if previous_path else None
    out = triples_batch(index, _load(spill), table, focus, max_picks, previous, salt)
    write_run(out.lines, run)
    out.count, out.lines = len(out.lines), []
    return out


def _shared(path: Path):
    """An object pickled once by the coordinator, loaded once per worker."""
    obj = _TABLES.get(str(path))
    if obj is None:
        if len(_TABLES) > 4:
            _TABLES.clear()
        obj = _TABLES[str(path)] = _load(path)
    return obj


#: What the fork server imports before it forks workers: with the default vocabulary, `preload`
#: (which imports the rest itself and builds the pipeline); with another, the modules alone.
FORKSERVER_PRELOAD = {False: ["kg.engine.local", "kg.nlp.extract"], True: ["kg.engine.preload"]}


def _context(vocabulary_path: str | None = None):
    # forkserver: workers fork from a clean server process that has imported spaCy and kg once
    # (and built the default pipeline: `preload`), so they start fast and never inherit the
    # parent's threads (progress bars, sqlite)
    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(FORKSERVER_PRELOAD[vocabulary_path is None])
        return ctx
    return mp.get_context("spawn")


#: Papers a worker extracts before it is replaced by a fresh one from the fork server. spaCy adds
#: every new word to the worker's vocabulary (about 3 KB per abstract of new names), so a worker
#: that lived through a whole large corpus would grow with it; a fresh worker starts from the
#: server's pipeline. Extraction does not depend on what a worker saw before.
RECYCLE_AFTER_PAPERS = 25_000


class LocalEngine:
    """Runs the phases in `n_process` worker processes (or in this process when 1)."""

    name = "local"

    def __init__(self, work: Path, *, n_process: int, vocabulary_path: str | None = None,
                 recycle_after: int | None = None):
        self.work = Path(work)
        self.n_process = max(1, n_process)
        self.vocabulary_path = vocabulary_path
        self.recycle_after = recycle_after or RECYCLE_AFTER_PAPERS
        self._batch_size = 1
        self.pool = None
        self.spills: list[Path] = []
        self.spilled: list[int] = []  # papers per spill, as extracted
        self.workers_used = 1
        self._round = 0
        self._starter: Background | None = None

    # -- phase 1

    def extract(self, batches: Iterable[Batch]) -> Iterator[Extracted]:
        """Extract batches in order; at most 2 per worker are in flight, so memory stays bounded."""
        it = iter(batches)
        first = next(it, None)
        if first is None:
            return
        second = next(it, None)
        head = (first,) if second is None else (first, second)
        if self.n_process == 1 or (second is None and self._starter is None):
            for b in _chain(head, it):
                yield self._counted(extract_task(b, self.vocabulary_path, self._spill(b.index)))
            return
        # the pool starts in a thread (the forkserver imports spaCy, about a second) while this
        # process reads up to STARTUP_READ_AHEAD batches for it; each worker builds its pipeline
        # right away, rather than when its first uncached paper comes, unless the first batch is
        # all cached (a rebuild), where most workers would build a pipeline they never use
        self._batch_size = max(1, len(first.papers))
        if self._starter is None:
            self._starter = Background(self._start, warm=len(first.cached) < len(first.papers), name="kg-pool-start")
        starter = self._starter
        pending: deque = deque()
        queued: deque = deque()
        window = 2 * self.n_process
        for b in _chain(head, it):
            queued.append(b)
            if starter.is_alive() and len(queued) < STARTUP_READ_AHEAD:
                continue
            starter.result()
            while queued:
                q = queued.popleft()
                pending.append(self.pool.apply_async(extract_task, (q, self.vocabulary_path, self._spill(q.index))))
                while len(pending) >= window:
                    yield self._counted(pending.popleft().get())
        starter.result()
        for q in queued:
            pending.append(self.pool.apply_async(extract_task, (q, self.vocabulary_path, self._spill(q.index))))
        while pending:
            yield self._counted(pending.popleft().get())

    def warm_up(self) -> None:
        """Start the workers and build their pipelines now, in the background: a rebuild that
        will extract a few new papers once it has read the input (`build._append`) overlaps the
        start with the reading."""
        if self.n_process > 1 and self._starter is None:
            self._starter = Background(self._start, warm=True, name="kg-pool-start")

    def _counted(self, ex: Extracted) -> Extracted:
        self.spilled[ex.index] = ex.count
        return ex

    def _spill(self, index: int) -> Path:
        p = self.work / f"records-{index:06d}.pkl"
        if index == len(self.spills):
            self.spills.append(p)
            self.spilled.append(0)
        return p

    def _start(self, warm: bool = True) -> None:
        if self.pool is None:
            # tasks per worker life: its share of warm-up and phase 2 tasks counts too, but a
            # phase 2 task is cheap (a worker reloads the entity table once, see `_shared`)
            tasks = max(2, -(-self.recycle_after // self._batch_size))
            self.pool = _context(self.vocabulary_path).Pool(self.n_process, maxtasksperchild=tasks)
            self.workers_used = self.n_process
            for _ in range(self.n_process if warm else 0):
                self.pool.apply_async(_warm, (self.vocabulary_path,))

    # -- phase 2

    def triples(self, table, focus: frozenset[str] = frozenset(), max_picks: int = 0,
                previous: dict[str, str] | None = None, salt: str = "") -> Iterator[tuple[Triples, Path]]:
        """Phase 2 over every extracted batch, in any order: (summary, run file) per batch."""
        self._round += 1
        if self.triples_here(table):
            for i, s in enumerate(self.spills):
                run = self.work / f"run-{self._round}-{i:06d}.nt"
                out = triples_batch(i, _load(s), table, focus, max_picks, previous, salt)
                write_run(out.lines, run)
                out.count, out.lines = len(out.lines), []
                yield out, run
            return
        table_path = self.work / f"table-{self._round}.pkl"
        _dump(table, table_path)
        previous_path = None
        if previous is not None:
            previous_path = self.work / f"previous-{self._round}.pkl"
            _dump(previous, previous_path)
        args = [(i, s, table_path, self.work / f"run-{self._round}-{i:06d}.nt", focus, max_picks, previous_path, salt)
                for i, s in enumerate(self.spills)]
        runs = {a[0]: a[3] for a in args}
        for out in self.pool.imap_unordered(_star_triples, args):
            yield out, runs[out.index]

    def triples_here(self, table) -> bool:
        """Whether `triples` makes the lines in this process (the table is not handed to workers)."""
        return self.pool is None or sum(self.spilled) * PAPERS_PER_ENTITY_HANDED < len(table.entities)

    # -- whole records, for the outputs that need them

    def records(self, positions: dict[int, list[int]] | None = None) -> Iterator:
        """Every record in input order, or only those at {batch: [position, ...]}."""
        for i, s in enumerate(self.spills):
            if positions is not None and i not in positions:
                continue
            part = _load(s)
            if positions is None:
                yield from records_of(part)
            else:
                yield from records_of([part[p] for p in positions[i]])

    def rest(self) -> None:
        """No more phases to run on the pool: stop the workers (and free their memory). What
        follows runs in this process."""
        self.close()

    def _started(self) -> None:
        """Wait for a pool that is still starting, so that closing it cannot miss it."""
        if self._starter is not None:
            self._starter.join()

    def close(self) -> None:
        # an unused pool (warmed up for a rebuild that found nothing to extract) is closed like a
        # used one: its workers finish building their pipelines and exit. Pool.terminate() is kept
        # for errors: it can deadlock on a worker that holds the task queue's lock
        self._started()
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None

    def terminate(self) -> None:
        self._started()
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


#: Phase 2 runs in this process, although workers are up, where the papers are fewer than the
#: entities over this: handing the entity table to the workers (its cost grows with the entities)
#: would cost more than making the papers' lines here (a rebuild's new papers).
PAPERS_PER_ENTITY_HANDED = 4
STARTUP_READ_AHEAD = 16  # batches read while the pool starts (a batch of 1,000 papers: a few MB)


def _warm(vocabulary_path: str | None) -> None:
    worker_nlp(vocabulary_path)


def _star_triples(args) -> Triples:
    return triples_task(*args)


def _chain(head, tail):
    yield from head
    yield from tail
