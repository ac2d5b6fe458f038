"""Write a KnowledgeGraph to an output folder: Turtle, N-Triples, JSON-LD, GraphML, GEXF, entities.csv,
edges.csv (and both as Parquet), graph.html and report.html. Every file is written to a temporary name
and renamed into place, and the folder's files are swapped in as a set (`staged_folder`)."""
from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from kg.errors import ConfigError, ExportError, MissingExtraError
from kg.namespaces import jsonld_context

if TYPE_CHECKING:  # NetworkX and the facade (pandas) load only where a whole-graph format is written
    import networkx as nx

    from kg.graph.model import KnowledgeGraph

FORMATS = ("ttl", "nt", "jsonld", "graphml", "gexf", "csv", "edges", "parquet", "edges-parquet", "html", "report",
           "store")
FILES = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld", "graphml": "graph.graphml",
         "gexf": "graph.gexf", "csv": "entities.csv", "edges": "edges.csv", "parquet": "entities.parquet",
         "edges-parquet": "edges.parquet", "html": "graph.html", "report": "report.html", "store": "store"}
#: Need pyarrow (the `parquet` extra); left out of the default set where it is not installed.
PARQUET_FORMATS = ("parquet", "edges-parquet")
#: Made from the entity table alone, so the streaming engine writes them whole for any corpus.
TABLE_FORMATS = ("csv", "parquet")
#: Made from the graph in memory: the streaming engine writes them from the whole graph up to its
#: whole-graph limit, and above it from an aggregated subgraph (or skips them: see kg.engine.build).
GRAPH_FORMATS = ("ttl", "jsonld", "graphml", "gexf", "edges", "edges-parquet", "html", "report")
#: Columns of edges.csv / edges.parquet, one row per edge of the NetworkX graph.
EDGE_COLUMNS = ["source", "source_type", "source_label", "relation", "target", "target_type", "target_label",
                "evidence"]


def has_parquet() -> bool:
    """Whether Parquet can be written here (pyarrow is importable)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def default_formats() -> tuple[str, ...]:
    """Every format, less Parquet where pyarrow is not installed."""
    return FORMATS if has_parquet() else tuple(f for f in FORMATS if f not in PARQUET_FORMATS)


def parse_formats(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """'ttl,nt' -> ('ttl', 'nt'); None or 'all' -> `default_formats()`.

    Raises:
        ConfigError: an unknown format.
        MissingExtraError: a Parquet format was asked for and pyarrow is not installed.
    """
    if spec is None or spec == "all":
        return default_formats()
    items = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    bad = [s for s in items if s not in FORMATS]
    if bad or not items:
        raise ConfigError(f"unknown format {', '.join(map(repr, bad)) or repr(spec)}; choose from {', '.join(FORMATS)}")
    if any(f in PARQUET_FORMATS for f in items) and not has_parquet():
        raise MissingExtraError("Parquet output (" + ", ".join(f for f in items if f in PARQUET_FORMATS) + ")",
                                "parquet")
    return tuple(dict.fromkeys(items))


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes owner-only files; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def ntriples(g: KnowledgeGraph) -> str:
    """Sorted N-Triples, so two builds of the same input are byte-identical."""
    # split on "\n" only: str.splitlines() would also cut a literal at U+2028, U+0085 ...
    lines = g.rdf.serialize(format="nt", encoding="utf-8").decode("utf-8").split("\n")
    return "\n".join(sorted(set(l for l in lines if l.strip()))) + "\n"


def jsonld_text(rdf) -> str:
    """JSON-LD of an rdflib graph, compacted with our context, the same bytes for the same triples.

    rdflib emits nodes and multi-valued properties in set order, which changes between runs; both
    are unordered in JSON-LD (we write no `@list`), so they are sorted."""
    data = json.loads(rdf.serialize(format="json-ld", context=jsonld_context()))
    return json.dumps(_sorted_values(data), ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def _sorted_values(node):
    if isinstance(node, dict):
        return {k: _sorted_values(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_values(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return node


def graphml_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only GraphML-able attribute values (lists joined with '|', evidence as text)."""
    import networkx as nx

    out = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        out.add_node(n, **_flat(d))
    for u, v, k, d in g.edges(keys=True, data=True):
        d = dict(d)
        ev = d.pop("evidence", None)
        if ev:
            d["evidence"] = ev[0]["sentence"]
        out.add_edge(u, v, key=k, **_flat(d))
    return out


def gexf_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The GraphML copy with Gephi's names: a node's `kind` is its `type`, an edge's relation its `label`."""
    out = graphml_graph(g)
    for _, d in out.nodes(data=True):
        if "kind" in d:
            d["type"] = d.pop("kind")
    for _, _, d in out.edges(data=True):
        d["label"] = d.get("relation", "")
    return out


def edge_table(g: nx.MultiDiGraph):
    """One row per edge (`EDGE_COLUMNS`): the ends' IRIs, types and labels, the relation, and the
    first evidence sentence of a paper-to-entity edge; sorted by source, relation and target."""
    import pandas as pd

    nodes = g.nodes
    rows = []
    for u, v, d in g.edges(data=True):
        ev = d.get("evidence")
        rows.append((u, nodes[u].get("kind"), nodes[u].get("label"), d.get("relation"),
                     v, nodes[v].get("kind"), nodes[v].get("label"), ev[0]["sentence"] if ev else None))
    rows.sort(key=lambda r: (r[0], r[3] or "", r[4]))
    return pd.DataFrame(rows, columns=EDGE_COLUMNS)


def _parquet(df) -> bytes:
    if not has_parquet():
        raise MissingExtraError("Parquet output", "parquet")
    buf = io.BytesIO()
    df.to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()


def _flat(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, (list, tuple)):
            v = "|".join(map(str, v))
        out[k] = v
    return out


def write_outputs(g: KnowledgeGraph, out_dir: str | Path, formats: Iterable[str] | None = None) -> dict[str, Path]:
    """Write the selected formats (default: `default_formats()`) into `out_dir`; returns {format: path written}.

    The files are written into a sibling folder that then replaces `out_dir` in one step
    (`staged_folder`), so a build killed at any moment leaves the previous output as it was.
    """
    formats = parse_formats(None if formats is None else tuple(formats))
    with staged_folder(out_dir) as stage:
        written = {fmt: write_format(g, fmt, stage / FILES[fmt]) for fmt in _ordered(formats)}
        summary = {"papers": len(g.extractions), "entities": len(g.table), "rejects": len(g.report.rejects),
                   "duplicates_merged": g.report.duplicates_merged}
        atomic_write(stage / "build.json", json.dumps(summary, indent=1, sort_keys=True) + "\n")
        if g.report.rejects:
            write_rejects(g.report.rejects, stage / "rejects.jsonl")
    out = Path(out_dir)
    return {fmt: out / FILES[fmt] for fmt in formats if fmt in written}


def _ordered(formats: tuple[str, ...]) -> tuple[str, ...]:
    # N-Triples before the store, so the sorted text is made once and reused
    return tuple(sorted(formats, key=lambda f: f == "store"))


def write_format(g: KnowledgeGraph, fmt: str, path: Path) -> Path:
    """Write one format of `g` to `path` (atomically); returns `path`."""
    if fmt == "ttl":
        atomic_write(path, g.rdf.serialize(format="turtle", encoding="utf-8"))
    elif fmt == "nt":
        atomic_write(path, _nt_text(g))
    elif fmt == "jsonld":
        atomic_write(path, jsonld_text(g.rdf))
    elif fmt == "graphml":
        import networkx as nx

        buf = io.BytesIO()
        nx.write_graphml(graphml_graph(g.nx), buf)
        atomic_write(path, buf.getvalue())
    elif fmt == "gexf":
        import networkx as nx

        buf = io.BytesIO()
        nx.write_gexf(gexf_graph(g.nx), buf)
        # without the day it was written, so two builds of the same input are byte-identical
        atomic_write(path, re.sub(rb'<meta lastmodifieddate="[^"]*">', b"<meta>", buf.getvalue(), count=1))
    elif fmt == "csv":
        atomic_write(path, g.entities.to_csv(index=False, lineterminator="\n"))
    elif fmt == "edges":
        atomic_write(path, edge_table(g.nx).to_csv(index=False, lineterminator="\n"))
    elif fmt == "parquet":
        atomic_write(path, _parquet(g.entities))
    elif fmt == "edges-parquet":
        atomic_write(path, _parquet(edge_table(g.nx)))
    elif fmt == "html":
        from kg.viz import write_graph_html

        write_graph_html(g.nx, path)
    elif fmt == "report":
        from kg.viz import write_report_html

        write_report_html(g.nx, path)
    elif fmt == "store":
        from kg.store import load_store

        load_store(_nt_text(g), path)
    else:
        raise ConfigError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return path


def _nt_text(g: KnowledgeGraph) -> str:
    cached = g.__dict__.get("_nt_text")
    if cached is None:
        cached = g.__dict__["_nt_text"] = ntriples(g)
    return cached


# ---------------------------------------------------------------- swapping a folder in as a set

#: Names a build writes into its folder; everything else found there is carried over to the new one.
OUTPUT_NAMES = frozenset(FILES.values()) | {"build.json", "rejects.jsonl", ".build-index.json.gz"}
MAX_CARRIED_FILES = 1000
_RENAME_EXCHANGE = 2


@contextmanager
def staged_folder(out_dir: str | Path) -> Iterator[Path]:
    """A fresh sibling folder to write a build into, swapped with `out_dir` when the block ends.

    On success, entries of `out_dir` that a build does not write (a README, the extraction cache
    `.cache/`) are carried over by hard links, then the two folders are exchanged in one atomic
    rename (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames) and the old one is removed.
    On an error, or if the process is killed, `out_dir` is left as it was and the sibling is
    removed (by the next build, after a kill).

    Raises:
        ExportError: the folder cannot be created, or holds a project (`.git`) or too many
            other files to carry over.
    """
    out = Path(out_dir).absolute()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"cannot create output folder {out}: {e.strerror}") from e
    _recover(out)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=out.parent))
    os.chmod(stage, out.stat().st_mode & 0o7777 if out.is_dir() else 0o777 & ~_umask())
    try:
        yield stage
        if out.exists():
            _carry_over(out, stage)
        _fsync_dir(stage)
        if not out.exists():
            os.rename(stage, out)
        elif not _exchange(stage, out):
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(out, old)
            os.rename(stage, out)
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(out.parent)
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # after an exchange: the previous output


def _carry_over(out: Path, stage: Path) -> None:
    if not out.is_dir():
        raise ExportError(f"output path {out} exists and is not a folder")
    others = [p for p in out.iterdir() if p.name not in OUTPUT_NAMES]
    if any(p.name == ".git" for p in others):
        raise ExportError(f"{out} holds a git repository; a build replaces its output folder as a whole, "
                          f"so give it a folder of its own (e.g. -o {out / 'kg-output'})")
    count = sum(1 if not p.is_dir() else sum(1 for _ in p.rglob("*")) for p in others)
    if count > MAX_CARRIED_FILES:
        raise ExportError(f"{out} holds {count} files that are not build outputs; a build replaces its output "
                          f"folder as a whole, so give it a folder of its own (e.g. -o {out / 'kg-output'})")
    for p in others:
        dst = stage / p.name
        if p.is_dir() and not p.is_symlink():
            shutil.copytree(p, dst, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(p, dst)


def _link_or_copy(src, dst) -> None:
    try:
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        else:
            os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then the caller renames twice)."""
    if sys.platform != "linux":
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _recover(out: Path) -> None:
    """Clean up after a build that was killed: restore a half-swapped folder, drop dead siblings."""
    for p in out.parent.glob(f".{out.name}.old-*"):
        if not out.exists() and p.is_dir():
            os.rename(p, out)
        else:
            shutil.rmtree(p, ignore_errors=True)
    for p in out.parent.glob(f".{out.name}.build-*"):
        pid = p.name[len(f".{out.name}.build-"):].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_rejects(rejects, path: str | Path) -> Path:
    """rejects.jsonl: one {"source", "line", "id", "reason"} per skipped input record."""
    lines = [json.dumps({"source": r.source, "line": r.line, "id": r.id, "reason": r.reason}, ensure_ascii=False)
             for r in rejects]
    atomic_write(Path(path), "".join(l + "\n" for l in lines))
    return Path(path)
