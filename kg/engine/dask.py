"""The Dask engine: the same two phases as the local engine, as tasks on a dask.distributed cluster.

A batch's records stay on the cluster (in the memory of the worker that extracted it, spilled to
its disk by Dask when memory runs short) from phase 1 to phase 2; only reduce views, new cache
entries and sorted N-Triples lines travel to this process. The entity table is broadcast to every
worker once. Without a scheduler address, a `LocalCluster` of `n_workers` single-threaded worker
processes is started and stopped with the build.

Workers need paper-kg installed (same version), and a `vocabulary_path` they can read.
"""
from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Iterable, Iterator

from kg.engine.phases import Batch, Extracted, Triples, extract_batch, records_of, summarise, triples_batch
from kg.errors import MissingExtraError


def _extract(batch: Batch, vocabulary_path: str | None):
    part = extract_batch(batch, vocabulary_path)
    return part, summarise(batch, part)


def _first(pair):
    return pair[0]


def _second(pair):
    return pair[1]


def _pick(part, positions: list[int]):
    return records_of([part[p] for p in positions])


class DaskEngine:
    """Runs the phases on a Dask cluster (`scheduler` address, or a LocalCluster)."""

    name = "dask"

    def __init__(self, work: Path, *, scheduler: str | None = None, n_workers: int = 2,
                 vocabulary_path: str | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise MissingExtraError("the Dask engine", "dask") from e
        self.work = Path(work)
        self.vocabulary_path = vocabulary_path
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        self.workers_used = len(self.client.scheduler_info().get("workers", {})) or n_workers
        self.parts: list = []  # futures of each batch's records, in input order
        self._round = 0

    def extract(self, batches: Iterable[Batch]) -> Iterator[Extracted]:
        """Extract batches on the cluster, yielding summaries in input order (bounded in flight)."""
        c = self.client
        window = 2 * max(1, self.workers_used)
        pending: deque = deque()
        for b in batches:
            pair = c.submit(_extract, b, self.vocabulary_path, pure=False)
            self.parts.append(c.submit(_first, pair))
            pending.append(c.submit(_second, pair))
            del pair
            while len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def triples(self, table, focus: frozenset[str] = frozenset(), max_picks: int = 0,
                previous: dict[str, str] | None = None, salt: str = "") -> Iterator[tuple[Triples, Path]]:
        """Phase 2 on the cluster, in any order: (lines of a batch, run file to write them to)."""
        from distributed import as_completed

        c = self.client
        self._round += 1
        [table_f, previous_f] = c.scatter([table, previous], broadcast=True)
        futs = [c.submit(triples_batch, i, part, table_f, focus, max_picks, previous_f, salt, pure=False)
                for i, part in enumerate(self.parts)]
        for fut in as_completed(futs):
            out = fut.result()
            fut.release()
            yield out, self.work / f"run-{self._round}-{out.index:06d}.nt"

    def records(self, positions: dict[int, list[int]] | None = None) -> Iterator:
        """Every record in input order, or only those at {batch: [position, ...]}."""
        c = self.client
        for i, part in enumerate(self.parts):
            if positions is None:
                yield from records_of(part.result())
            elif i in positions:
                yield from c.submit(_pick, part, positions[i]).result()

    def rest(self) -> None:
        """Nothing to free: the workers still hold the records the other outputs read."""

    def close(self) -> None:
        self.parts = []
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()

    def terminate(self) -> None:
        for p in self.parts:
            p.cancel()
