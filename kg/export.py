"""Write a KnowledgeGraph to an output folder: Turtle, N-Triples, JSON-LD, GraphML, entities.csv,
graph.html and report.html. Every file is written to a temporary name and renamed into place."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

import networkx as nx

from kg.errors import ConfigError, ExportError
from kg.graph.model import KnowledgeGraph
from kg.namespaces import jsonld_context

FORMATS = ("ttl", "nt", "jsonld", "graphml", "csv", "html", "report", "store")
FILES = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld", "graphml": "graph.graphml",
         "csv": "entities.csv", "html": "graph.html", "report": "report.html", "store": "store"}


def parse_formats(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """'ttl,nt' -> ('ttl', 'nt'); None or 'all' -> every format."""
    if spec is None or spec == "all":
        return FORMATS
    items = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    bad = [s for s in items if s not in FORMATS]
    if bad or not items:
        raise ConfigError(f"unknown format {', '.join(map(repr, bad)) or repr(spec)}; choose from {', '.join(FORMATS)}")
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
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def ntriples(g: KnowledgeGraph) -> str:
    """Sorted N-Triples, so two builds of the same input are byte-identical."""
    lines = g.rdf.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "\n".join(sorted(set(l for l in lines if l.strip()))) + "\n"


def graphml_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only GraphML-able attribute values (lists joined with '|', evidence as text)."""
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


def _flat(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, (list, tuple)):
            v = "|".join(map(str, v))
        out[k] = v
    return out


def write_outputs(g: KnowledgeGraph, out_dir: str | Path, formats: Iterable[str] = FORMATS) -> dict[str, Path]:
    """Write the selected formats into `out_dir`; returns {format: path written}."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"cannot create output folder {out}: {e.strerror}") from e
    written: dict[str, Path] = {}
    formats = tuple(formats)
    nt_text = None
    for fmt in formats:
        path = out / FILES[fmt]
        if fmt == "ttl":
            atomic_write(path, g.rdf.serialize(format="turtle", encoding="utf-8"))
        elif fmt == "nt":
            nt_text = nt_text or ntriples(g)
            atomic_write(path, nt_text)
        elif fmt == "jsonld":
            data = g.rdf.serialize(format="json-ld", context=jsonld_context(), sort_keys=True, indent=1)
            atomic_write(path, data)
        elif fmt == "graphml":
            import io

            buf = io.BytesIO()
            nx.write_graphml(graphml_graph(g.nx), buf)
            atomic_write(path, buf.getvalue())
        elif fmt == "csv":
            atomic_write(path, g.entities.to_csv(index=False, lineterminator="\n"))
        elif fmt == "html":
            from kg.viz import write_graph_html

            write_graph_html(g.nx, path)
        elif fmt == "report":
            from kg.viz import write_report_html

            write_report_html(g.nx, path)
        elif fmt == "store":
            from kg.store import load_store

            nt_text = nt_text or ntriples(g)
            load_store(nt_text, path)
        written[fmt] = path
    summary = {"papers": len(g.extractions), "entities": len(g.table), "rejects": len(g.report.rejects),
               "duplicates_merged": g.report.duplicates_merged}
    atomic_write(out / "build.json", json.dumps(summary, indent=1, sort_keys=True) + "\n")
    return written


def write_rejects(rejects, path: str | Path) -> Path:
    """rejects.jsonl: one {"source", "line", "id", "reason"} per skipped input record."""
    lines = [json.dumps({"source": r.source, "line": r.line, "id": r.id, "reason": r.reason}, ensure_ascii=False)
             for r in rejects]
    atomic_write(Path(path), "".join(l + "\n" for l in lines))
    return Path(path)
