"""Incremental phase 2: splice a build's changes into the previous graph.nt and store.

A paper's triples depend only on the paper, its record and the canonical key and IRI of the names
they resolve, which its fingerprint hashes (`phases.fingerprint`). The previous build leaves an
index of fingerprints next to its outputs; the next build makes triples only for papers whose
fingerprint changed (or that are new), and for the entity table.

Every line of a paper has a subject under the paper's own prefixes (`paper/ID>`, `evidence/ID/`,
`result/ID/`) and every entity line under `entity/`; in a sorted file the lines with a prefix are
one contiguous block. So the new graph.nt is the old one with the blocks of changed, new and
removed papers and the entity block replaced, found by binary search and copied around in large
chunks, never parsed line by line; the store is a hard-linked copy of the old one with the lines
that left removed and the lines that came added. A line that falls outside its expected prefix
means the triples have another shape than this module expects: the build then falls back to a
full phase 2, never to a wrong graph.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import mmap
import os
from pathlib import Path
from typing import Iterable, Iterator

from kg.namespaces import KGR

INDEX_NAME = ".build-index.json.gz"
_PKG = Path(__file__).resolve().parent.parent
_SOURCES = ("graph/rdf.py", "graph/canonical.py", "graph/acronyms.py", "ids.py", "namespaces.py", "text.py", "types.py",
            "engine/cache.py", "engine/ntriples.py", "engine/phases.py", "engine/incremental.py")
_CHUNK = 1 << 24


def triples_version(pipeline: str) -> str:
    """The version of everything that turns records into lines: a change means a full phase 2."""
    import rdflib

    h = hashlib.sha256(f"{pipeline}\0rdflib {rdflib.__version__}\0".encode())
    for name in _SOURCES:
        h.update((_PKG / name).read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------- the index of the previous build


def write_index(folder: Path, version: str, fingerprints: dict[str, str], nt: Path | None) -> Path:
    """Record the fingerprints a folder's graph.nt was made from (with its size, to spot edits)."""
    st = nt.stat() if nt is not None else None
    data = {"version": version, "nt_size": st.st_size if st else None,
            "nt_mtime_ns": st.st_mtime_ns if st else None, "papers": fingerprints}
    path = folder / INDEX_NAME
    with gzip.open(path, "wb", compresslevel=1) as f:  # one write: json.dump writes each token on its own
        f.write(json.dumps(data, separators=(",", ":")).encode("utf-8"))
    return path


def read_index(folder: Path, version: str) -> dict[str, str] | None:
    """The fingerprints of the previous build in `folder`, if its graph.nt is what they describe."""
    path, nt = folder / INDEX_NAME, folder / "graph.nt"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
        st = nt.stat()
    except (OSError, ValueError, EOFError):
        return None
    if data.get("version") != version or data.get("nt_size") != st.st_size or data.get("nt_mtime_ns") != st.st_mtime_ns:
        return None
    return data.get("papers")


# ---------------------------------------------------------------- splicing graph.nt


def paper_prefixes(paper_local: str) -> list[bytes]:
    """Subject prefixes of every line of one paper (its IRI's local part after paper/)."""
    base = f"<{KGR}"
    return [f"{base}evidence/{paper_local}/".encode(), f"{base}paper/{paper_local}>".encode(),
            f"{base}result/{paper_local}/".encode()]


ENTITY_PREFIX = f"<{KGR}entity/".encode()


class ShapeError(Exception):
    """A new line is not under any prefix being replaced: incremental splicing does not apply."""


def splice(old: Path, new_lines: Iterable[str], prefixes: Iterable[bytes],
           out: Path, old_count: int | None = None, sync: bool = True) -> tuple[int, list[bytes], list[bytes]]:
    """Write `out` = `old` with every block of lines under `prefixes` replaced by the `new_lines`
    under it (sorted). Returns (lines in `out`, lines that left, lines that came). `old_count`,
    the lines of `old` where the caller knows it, saves reading the whole file to count them.
    `out` is fsynced, unless `sync` is False (the caller does it).

    Raises:
        ShapeError: a new line is under none of `prefixes`.
    """
    prefixes = sorted(set(prefixes))
    new_iter = _peekable(l.encode("utf-8", "surrogatepass") for l in new_lines)
    removed: list[bytes] = []
    added: list[bytes] = []
    with open(old, "rb") as f_old, open(out, "wb", buffering=_CHUNK) as f_out:
        size = os.fstat(f_old.fileno()).st_size
        mm = mmap.mmap(f_old.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        try:
            pos = 0
            lines = _count_lines(mm) if old_count is None else old_count
            for p in prefixes:
                lo = _lower_bound(mm, p, pos)
                hi = _lower_bound(mm, p + b"\xff", lo)
                nxt = new_iter.peek()
                if nxt is not None and nxt < p:
                    raise ShapeError(nxt.decode("utf-8", "replace"))
                _copy(mm, f_old.fileno(), pos, lo, f_out)
                # the old block and the new one, both sorted, walked side by side (a block can be
                # the whole entity table: never held in memory)
                old_lines = _lines(mm, lo, hi)
                o = next(old_lines, None)
                while (nxt := new_iter.peek()) is not None and nxt.startswith(p):
                    f_out.write(next(new_iter))
                    lines += 1
                    while o is not None and o < nxt:
                        removed.append(o)
                        lines -= 1
                        o = next(old_lines, None)
                    if o == nxt:
                        lines -= 1
                        o = next(old_lines, None)
                    else:
                        added.append(nxt)
                while o is not None:
                    removed.append(o)
                    lines -= 1
                    o = next(old_lines, None)
                pos = hi
            if new_iter.peek() is not None:
                raise ShapeError(new_iter.peek().decode("utf-8", "replace"))
            _copy(mm, f_old.fileno(), pos, size, f_out)
            f_out.flush()
            if sync:
                os.fsync(f_out.fileno())
        finally:
            if size:
                mm.close()
    return lines, removed, added


def _lines(mm, lo: int, hi: int) -> Iterator[bytes]:
    """The lines of mm[lo:hi] (each with its newline), one at a time."""
    while lo < hi:
        end = mm.find(b"\n", lo, hi) + 1 or hi
        yield mm[lo:end]
        lo = end


def _lower_bound(mm, key: bytes, lo: int) -> int:
    """Offset of the first line >= key at or after `lo` (lines sorted, each ending in \\n)."""
    hi = len(mm)
    while lo < hi:
        mid = (lo + hi) // 2
        start = mm.rfind(b"\n", lo, mid) + 1 if mid > lo else lo
        if start < lo:
            start = lo
        end = mm.find(b"\n", start)
        end = len(mm) if end < 0 else end + 1
        if mm[start:end] < key:
            lo = end
        else:
            hi = start
    return lo


def _count_lines(mm) -> int:
    n = 0
    for i in range(0, len(mm), _CHUNK):
        n += mm[i:i + _CHUNK].count(b"\n")
    return n


def _copy(mm, src_fd: int, start: int, end: int, f) -> None:
    """Append old[start:end] to `f`: in the kernel where it can (`copy_file_range`: the bytes do
    not pass through this process, and file systems that share extents share them), else
    through the mmap."""
    if start >= end:
        return
    f.flush()
    try:
        while start < end:
            n = os.copy_file_range(src_fd, f.fileno(), min(end - start, 1 << 30), start)
            if n <= 0:
                break
            start += n
    except (AttributeError, OSError):  # not Linux, or not between these files
        pass
    f.seek(0, os.SEEK_END)  # the kernel moved the file's offset: the writer follows it
    for i in range(start, end, _CHUNK):
        f.write(mm[i:min(end, i + _CHUNK)])


class _peekable:
    def __init__(self, it: Iterator[bytes]):
        self.it = iter(it)
        self.head = next(self.it, None)

    def peek(self) -> bytes | None:
        return self.head

    def __next__(self) -> bytes:
        if self.head is None:
            raise StopIteration
        h, self.head = self.head, next(self.it, None)
        return h

    def __iter__(self):
        return self


# ---------------------------------------------------------------- the store


def update_store(old: Path, new: Path, removed: list[bytes], added: list[bytes]) -> Path:
    """A copy of the store at `old` at `new` (`copy_store`), less the `removed` N-Triples lines,
    plus the `added` ones."""
    copy_store(old, new)
    store = open_store(new)
    remove_lines(store, removed)
    return add_lines(store, added, new)


def copy_store(old: Path, new: Path) -> Path:
    """A copy of the store at `old` (hard links: RocksDB never rewrites a table file) at `new`."""
    import pyoxigraph as ox

    ox.Store.read_only(str(old)).backup(str(new))
    return new


def open_store(path: Path):
    """The store at `path`, open for writing. Keep it open no longer than it takes to write: an
    open store compacts its table files in the background (seconds of CPU after a clean build's
    bulk load), and closing it stops that."""
    import pyoxigraph as ox

    return ox.Store(str(path))


def remove_lines(store, removed: list[bytes]) -> None:
    """Remove the triples of N-Triples lines from an open store. The lines are graph.nt's own
    (valid N-Triples, written by `kg.engine.ntriples`): they are parsed leniently."""
    import pyoxigraph as ox

    if removed:
        for t in ox.parse(b"".join(removed), format=ox.RdfFormat.N_TRIPLES, lenient=True):
            store.remove(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))


def add_lines(store, added: list[bytes], path: Path) -> Path:
    """Add the triples of N-Triples lines (graph.nt's own, parsed leniently) to the open store at
    `path`, after the removals, and flush it; returns `path` (the store closes when the caller lets
    go of it). They are bulk-loaded: written as table files of their own and ingested as newer than
    what the store holds, a third of the CPU of inserting them one transaction at a time (a line
    both removed and added, were there one, would stay)."""
    import pyoxigraph as ox

    if added:
        store.bulk_load(b"".join(added), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    store.flush()
    return path
