"""The Oxigraph store written next to every build, and SPARQL over it."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError, QueryError
from kg.namespaces import sparql_prolog


@dataclass
class QueryResult:
    """Rows of a SELECT (or one boolean row for ASK, or triples for CONSTRUCT/DESCRIBE)."""

    columns: list[str]
    rows: list[list[str | None]]


def load_store(nt: str | bytes, path: Path) -> Path:
    """(Re)create an on-disk Oxigraph store at `path` holding the N-Triples `nt`."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    store = ox.Store(str(tmp))
    store.bulk_load(nt.encode("utf-8") if isinstance(nt, str) else nt, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    old = path.with_name(f".{path.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return path


def open_store(build_dir: str | Path) -> ox.Store:
    """The store of a build folder: its on-disk store, else an in-memory one loaded from graph.nt/.ttl."""
    d = Path(build_dir)
    if not d.exists():
        raise InputError(f"no such build folder: {d}")
    if (d / "store").is_dir():
        return ox.Store.read_only(str(d / "store"))
    for name, fmt in (("graph.nt", ox.RdfFormat.N_TRIPLES), ("graph.ttl", ox.RdfFormat.TURTLE)):
        if (d / name).exists():
            s = ox.Store()
            s.bulk_load(path=str(d / name), format=fmt)
            return s
    raise InputError(f"{d} holds no graph: build it first with `kg build INPUT -o {d}`")


def _term(t) -> str | None:
    if t is None:
        return None
    return t.value if hasattr(t, "value") else str(t)


def query(build_dir: str | Path, sparql: str) -> QueryResult:
    """Run a SPARQL query (our prefixes are predeclared) on a build folder."""
    store = open_store(build_dir)
    try:
        res = store.query(sparql_prolog() + sparql)
    except (SyntaxError, ValueError, OSError) as e:
        raise QueryError(f"SPARQL error: {e}") from e
    if isinstance(res, bool) or type(res).__name__ == "QueryBoolean":
        return QueryResult(["result"], [[str(bool(res)).lower()]])
    if hasattr(res, "variables"):
        cols = [v.value for v in res.variables]
        return QueryResult(cols, [[_term(sol[c]) for c in cols] for sol in res])
    return QueryResult(["subject", "predicate", "object"], [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in res])
