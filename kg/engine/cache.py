"""The extraction cache: one record per distinct text, reused by later builds into the same folder.

A record's key is the SHA-256 of the pipeline version and the paper's text (title and abstract,
the only input extraction reads); the value is the record's entities and results as plain tuples
of strings and numbers in `marshal` form (no paper): decoding is a tenth of JSON's cost, and the
names the reduce and the fingerprints read come out without building the record's objects. The paper itself is not stored: a
hit is joined to the paper being built, so a corrected date or URL never needs re-extraction.

The cache is an SQLite file in WAL mode: a build killed at any point leaves it readable, holding
every batch committed before the kill. A cache written by another pipeline version is emptied when
opened, so it never grows with stale records.
"""
from __future__ import annotations

import hashlib
import marshal
import sqlite3
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Iterable

from kg.errors import ExportError
from kg.graph.canonical import entity_name, result_names
from kg.types import EntityType, Mention, Paper, PaperEntity, PaperExtraction, Relation, Result

CACHE_DIR = ".cache"
CACHE_FILE = "extractions.sqlite"
_MAX_PARAMS = 500  # keys per SELECT ... IN (...), below every SQLite version's limit
#: The layout of a cached value; part of the version a cache is kept under.
FORMAT = f"tuples/marshal {marshal.version} type-weight"
_MENTION = tuple(f.name for f in fields(Mention))
_RESULT = tuple(f.name for f in fields(Result))
# a record's fields as a tuple, in field order (attrgetter of several names returns a tuple)
_mention_values = attrgetter(*_MENTION)
_result_values = attrgetter(*_RESULT)
_TYPES = {t.value: t for t in EntityType}
_RELATIONS = {r.value: r for r in Relation}


def record_key(paper: Paper, version: str) -> str:
    """The cache key of a paper's extraction under a pipeline version.

    >>> record_key(Paper("a", "T", "x"), "v") == record_key(Paper("b", "T", "x", date="Sep 2"), "v")
    True
    """
    h = hashlib.sha256(version.encode())
    h.update(b"\0")
    h.update(paper.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def encode(ex: PaperExtraction) -> bytes:
    """The cached form of a record: its entities and results (not the paper), as tuples
    ((label, type, relation, aliases, mentions, type weight), ...), (result fields, ...)."""
    ents = tuple((e.label, e.type.value, e.relation.value, tuple(e.aliases),
                  tuple(map(_mention_values, e.mentions)), e.type_weight)
                 for e in ex.entities)
    res = tuple(map(_result_values, ex.results))
    return marshal.dumps((ents, res), 4)


def loads(blob: bytes) -> tuple[tuple, tuple]:
    """The tuples of a cached form: (entities, results), as `encode` lays them out."""
    return marshal.loads(blob)


def decode(blob: bytes, paper: Paper) -> PaperExtraction:
    """The record of `paper` from its cached form."""
    ents, res = marshal.loads(blob)
    return PaperExtraction(
        paper=paper,
        entities=tuple(PaperEntity(label, _TYPES[t], _RELATIONS[r], aliases, tuple(Mention(*m) for m in ms), w)
                       for label, t, r, aliases, ms, w in ents),
        results=tuple(Result(*r) for r in res),
    )


def reduce_rows(blob: bytes) -> tuple[tuple[str, EntityType, tuple[str, ...], int], ...]:
    """What the reduce reads of a record, from its cached form: (label, type, names, type weight)
    per entity."""
    return tuple((e[0], _TYPES[e[1]], (e[0], *e[3]), e[5]) for e in marshal.loads(blob)[0])


def names(data: tuple[tuple, tuple]) -> list[str]:
    """The names a record's triples resolve, from `loads`: each entity's (`entity_name`), then each result's
    benchmark and subject (the order `phases.fingerprint` hashes them in)."""
    ents, res = data
    b, s = _RESULT.index("benchmark"), _RESULT.index("subject")
    return ([entity_name(e[0], e[3]) for e in ents]
            + result_names(((e[0], e[3]) for e in ents), (n for r in res for n in (r[b], r[s]))))


class ExtractionCache:
    """Cached extraction records of one output folder (`DIR/.cache/extractions.sqlite`).

    >>> import tempfile
    >>> c = ExtractionCache(Path(tempfile.mkdtemp()), "v1")
    >>> c.put([("k", b"x")]); c.get(["k", "other"])
    {'k': b'x'}
    >>> c.close()
    """

    def __init__(self, folder: str | Path, version: str):
        self.path = Path(folder) / CACHE_DIR / CACHE_FILE
        self.version = version = f"{version}\0{FORMAT}"
        self.hits = self.misses = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            self.db.execute("CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")
            row = self.db.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
            if row is None or row[0] != version:
                with self._tx():
                    self.db.execute("DELETE FROM records")
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,))
        except sqlite3.Error as e:
            raise ExportError(f"cannot open the extraction cache {self.path}: {e}; "
                              f"delete {self.path.parent} or build with --no-cache") from e

    def _tx(self):
        db = self.db

        class _Tx:
            def __enter__(self):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, exc_type, *_):
                db.execute("ROLLBACK" if exc_type else "COMMIT")

        return _Tx()

    def get(self, keys: list[str]) -> dict[str, bytes]:
        """{key: cached value} for the keys that are cached."""
        out: dict[str, bytes] = {}
        for i in range(0, len(keys), _MAX_PARAMS):
            chunk = keys[i:i + _MAX_PARAMS]
            q = f"SELECT key, value FROM records WHERE key IN ({','.join('?' * len(chunk))})"
            out.update(self.db.execute(q, chunk).fetchall())
        self.hits += len(out)
        self.misses += len(keys) - len(out)
        return out

    def put(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store records; one transaction, so a kill keeps all of them or none."""
        items = list(items)
        if items:
            with self._tx():
                self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?)", items)

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close (the folder then holds one file)."""
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.db.close()
