"""A new Oxigraph store bulk-loaded from N-Triples files (the runs of a clean build, or graph.nt)."""
from __future__ import annotations

from pathlib import Path

#: Bytes of N-Triples per `bulk_load` call, gathered across files in whole lines. Smaller calls
#: load faster, down to a few MB: 13.6M triples (a 100k build, 2.2 GB) took 59 s in 2 MB or 8 MB
#: calls, 69 s in 22 MB calls and 83 s in 64 MB calls, and a call's memory peaks at about 5x its
#: bytes. The compaction after costs the same (17-22 s).
STORE_CHUNK_BYTES = 8 << 20


def load_store(nt_paths: list[Path], path: Path) -> Path:
    """A new store at `path` holding the triples of these files (a triple that two files hold
    is stored once), compacted.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.nt").write_text('<http://x/a> <http://x/p> "1" .\\n')
    >>> _ = (d / "b.nt").write_text('<http://x/a> <http://x/p> "1" .\\n<http://x/b> <http://x/p> "2" .\\n')
    >>> import pyoxigraph as ox
    >>> len(ox.Store.read_only(str(load_store([d / "a.nt", d / "b.nt"], d / "store"))))
    2
    """
    import pyoxigraph as ox

    store = ox.Store(str(path))
    parts: list[bytes] = []
    size = 0
    for nt_path in nt_paths:
        with open(nt_path, "rb") as f:
            while chunk := f.readlines(STORE_CHUNK_BYTES - size):  # whole lines only
                parts.append(b"".join(chunk))
                size += len(parts[-1])
                if size >= STORE_CHUNK_BYTES:
                    _load(store, parts)
                    size = 0
    if parts:
        _load(store, parts)
    # each bulk load adds table files whose key ranges overlap the others', and a query looks in
    # every one of them: compacted into one sorted run per index, the named queries take a half to
    # a third less time (20k abstracts: 1.3-1.8x faster; a 100k store: 3x). A rebuild's few added
    # lines leave this to RocksDB's own compactions.
    store.optimize()
    store.flush()
    del store
    return path


def _load(store, parts: list[bytes]) -> None:
    import pyoxigraph as ox

    data = b"".join(parts)
    parts.clear()  # the pieces go before the load's own memory comes
    # lenient: the lines are this build's own (`kg.engine.ntriples`), valid N-Triples; the
    # parser's checks of IRIs and language tags are a tenth of the load's CPU
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)
