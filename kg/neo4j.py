"""`kg export --to neo4j`: a build as neo4j-admin import CSVs plus a Cypher `LOAD CSV` script.

The property graph, read from the build's RDF with SPARQL:

* nodes: `Paper`, `Result`, and entities labelled `Entity` plus their class (`Method`, `Model`,
  `Dataset`, `Benchmark`); the node id (`iri:ID`) is the RDF IRI, kept as property `iri`.
* relationships: paper -> entity `PROPOSES`, `EVALUATES_ON`, `COMPARES_WITH`, `USES`, `MENTIONS`
  (property `evidence`: the sentence of the edge's evidence annotation); entity -> family `VARIANT_OF`;
  paper -> result `REPORTS_RESULT`; result -> entity `SYSTEM` and `ON_BENCHMARK`.
* the evidence annotations (oa:Annotation nodes in RDF) become the `evidence` property rather than
  nodes of their own.

Files: `nodes_<Label>.csv` (one per node label) and `rels_<TYPE>.csv` (one per relationship type),
with neo4j-admin headers (`:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`, typed columns such as
`paper_count:int`); `load.cypher` for `LOAD CSV`; `import.sh` with the neo4j-admin command. Multi-valued
properties (authors, aliases) are joined with " | ", and line breaks inside values become spaces, so
neither needs neo4j-admin's array or multi-line options.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ExportError
from kg.export import atomic_write
from kg.store import open_store, run

KG_NS = "https://w3id.org/paper-kg/ns#"
ENTITY_LABELS = ("Method", "Model", "Dataset", "Benchmark")
NODE_LABELS = ("Paper", *ENTITY_LABELS, "Result")
#: RDF predicate (local name in kg:) -> relationship type
PAPER_RELATIONS = {"proposes": "PROPOSES", "evaluatesOn": "EVALUATES_ON", "comparesWith": "COMPARES_WITH",
                   "uses": "USES", "mentions": "MENTIONS"}
# kg:benchmark becomes ON_BENCHMARK, not BENCHMARK: engines with case-insensitive table names
# (Kuzu, LadybugDB) cannot hold a relationship type named like the Benchmark label
OTHER_RELATIONS = {"variantOf": "VARIANT_OF", "reportsResult": "REPORTS_RESULT", "system": "SYSTEM",
                   "benchmark": "ON_BENCHMARK"}
REL_TYPES = (*PAPER_RELATIONS.values(), *OTHER_RELATIONS.values())
# relationship type -> (start label, end label) used to MATCH the ends in load.cypher
REL_ENDS = {**{t: ("Paper", "Entity") for t in PAPER_RELATIONS.values()},
            "VARIANT_OF": ("Entity", "Entity"), "REPORTS_RESULT": ("Paper", "Result"),
            "SYSTEM": ("Result", "Entity"), "ON_BENCHMARK": ("Result", "Entity")}

# node label -> [(csv header, property, RDF predicate or None)]
_PAPER_COLS = [("identifier", "http://purl.org/dc/terms/identifier"), ("title", "http://purl.org/dc/terms/title"),
               ("abstract", "http://purl.org/dc/terms/abstract"), ("date", "http://purl.org/dc/terms/date"),
               ("url", "https://schema.org/url"), ("authors", "http://purl.org/dc/terms/creator")]
_ENTITY_COLS = [("label", "http://www.w3.org/2000/01/rdf-schema#label"),
                ("aliases", "http://www.w3.org/2004/02/skos/core#altLabel"),
                ("paper_count:int", KG_NS + "paperCount")]
_RESULT_COLS = [("label", "http://www.w3.org/2000/01/rdf-schema#label"), ("metric", KG_NS + "metric"),
                ("value:double", KG_NS + "value"), ("unit", KG_NS + "unit")]
NODE_COLUMNS = {"Paper": _PAPER_COLS, **{lab: _ENTITY_COLS for lab in ENTITY_LABELS}, "Result": _RESULT_COLS}
JOIN = " | "


@dataclass(frozen=True)
class Neo4jExport:
    """What `export_neo4j` wrote: the folder, its files, and node/relationship counts."""

    out_dir: Path
    files: tuple[Path, ...]
    nodes: dict[str, int]
    relationships: dict[str, int]


def _flat(v: str) -> str:
    return " ".join(v.splitlines()) if ("\n" in v or "\r" in v) else v


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _nodes(store) -> dict[str, list[list[str]]]:
    classes = ", ".join(f"<{KG_NS}{lab}>" for lab in NODE_LABELS)
    types = run(store, f"SELECT ?s ?c WHERE {{ ?s a ?c FILTER(?c IN ({classes})) }}").rows
    label_of: dict[str, str] = {}
    for s, c in types:
        label_of[s] = c[len(KG_NS):] if s not in label_of else "?"  # two classes: caught by kg validate
    props: dict[str, dict[str, list[str]]] = {}
    rows = run(store, f"SELECT ?s ?p ?o WHERE {{ ?s a ?c ; ?p ?o FILTER(?c IN ({classes}) && isLiteral(?o)) }}").rows
    for s, p, o in rows:
        props.setdefault(s, {}).setdefault(p, []).append(o)
    out: dict[str, list[list[str]]] = {lab: [] for lab in NODE_LABELS}
    for s in sorted(label_of):
        lab = label_of[s]
        if lab == "?":
            raise ExportError(f"{s} has more than one class; run `kg validate` on the build")
        vals = props.get(s, {})
        row = [s]
        for _header, pred in NODE_COLUMNS[lab]:
            vs = sorted(set(vals.get(pred, [])))
            row.append(_flat(JOIN.join(vs)))
        row.append(f"Entity;{lab}" if lab in ENTITY_LABELS else lab)
        out[lab].append(row)
    return out


def _relationships(store, nodes: set[str]) -> dict[str, list[list[str]]]:
    preds = {**PAPER_RELATIONS, **OTHER_RELATIONS}
    values = " ".join(f"<{KG_NS}{p}>" for p in preds)
    rows = run(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}").rows
    evidence = {}
    ev_rows = run(store, """
        SELECT ?paper ?rel ?ent ?sentence ?start WHERE {
          ?ev a kg:Evidence ; oa:hasBody ?ent ; kg:supports ?rel ; kg:sentence ?sentence ; oa:hasTarget ?t .
          ?t oa:hasSource ?paper .
          OPTIONAL { ?t oa:hasSelector ?sel . ?sel a oa:TextPositionSelector ; oa:start ?start }
        }""").rows
    for paper, rel, ent, sentence, start in sorted(ev_rows, key=lambda r: (r[0], r[1], r[2], int(r[4] or 0), r[3])):
        evidence.setdefault((paper, rel, ent), _flat(sentence).strip())
    out: dict[str, list[list[str]]] = {t: [] for t in REL_TYPES}
    for s, p, o in sorted(rows):
        if s not in nodes or o not in nodes:
            raise ExportError(f"{s} {p} {o}: an end of this edge is not a typed node; run `kg validate` on the build")
        local = p[len(KG_NS):]
        if local in PAPER_RELATIONS:
            out[PAPER_RELATIONS[local]].append([s, o, PAPER_RELATIONS[local], evidence.get((s, p, o), "")])
        else:
            out[OTHER_RELATIONS[local]].append([s, o, OTHER_RELATIONS[local]])
    return out


def rel_header(rel_type: str) -> list[str]:
    return [":START_ID", ":END_ID", ":TYPE"] + (["evidence"] if rel_type in PAPER_RELATIONS.values() else [])


def node_header(label: str) -> list[str]:
    return ["iri:ID", *(h for h, _ in NODE_COLUMNS[label]), ":LABEL"]


def cypher_script(node_files: dict[str, str], rel_files: dict[str, str]) -> str:
    """`LOAD CSV` statements for the files (copy them into Neo4j's import folder first)."""
    lines = [
        "// Load a paper-kg export with LOAD CSV: copy the CSV files into Neo4j's import folder, then run",
        "//   cypher-shell -u neo4j -p PASSWORD -f load.cypher",
        "// For large graphs prefer neo4j-admin (see import.sh): it is much faster on an empty database.",
        "CREATE CONSTRAINT paper_iri IF NOT EXISTS FOR (n:Paper) REQUIRE n.iri IS UNIQUE;",
        "CREATE CONSTRAINT entity_iri IF NOT EXISTS FOR (n:Entity) REQUIRE n.iri IS UNIQUE;",
        "CREATE CONSTRAINT result_iri IF NOT EXISTS FOR (n:Result) REQUIRE n.iri IS UNIQUE;",
        "",
    ]
    for label, fname in node_files.items():
        labels = f"Entity:{label}" if label in ENTITY_LABELS else label
        sets = []
        for header, _ in NODE_COLUMNS[label]:
            name, _, typ = header.partition(":")
            val = f"row.`{header}`"
            if typ == "int":
                val = f"toInteger({val})"
            elif typ == "double":
                val = f"toFloat({val})"
            sets.append(f"n.{name} = CASE WHEN row.`{header}` = '' THEN null ELSE {val} END")
        lines += [f"LOAD CSV WITH HEADERS FROM 'file:///{fname}' AS row",
                  f"MERGE (n:{labels} {{iri: row.`iri:ID`}})",
                  "SET " + ",\n    ".join(sets) + ";", ""]
    for rel_type, fname in rel_files.items():
        a, b = REL_ENDS[rel_type]
        lines += [f"LOAD CSV WITH HEADERS FROM 'file:///{fname}' AS row",
                  f"MATCH (a:{a} {{iri: row.`:START_ID`}}), (b:{b} {{iri: row.`:END_ID`}})",
                  f"MERGE (a)-[r:{rel_type}]->(b)"
                  + (";" if "evidence" not in rel_header(rel_type) else
                     "\nSET r.evidence = CASE WHEN row.evidence = '' THEN null ELSE row.evidence END;"),
                  ""]
    return "\n".join(lines)


def import_script(node_files: dict[str, str], rel_files: dict[str, str]) -> str:
    """The neo4j-admin command (Neo4j 5) that imports the files into an empty database."""
    args = [f"  --nodes={f}" for f in node_files.values()] + [f"  --relationships={f}" for f in rel_files.values()]
    return ("#!/bin/sh\n# Import a paper-kg export into an empty Neo4j 5 database (stop the database first).\n"
            "# Run from this folder; DATABASE defaults to neo4j.\nset -e\ncd \"$(dirname \"$0\")\"\n"
            "neo4j-admin database import full --overwrite-destination \\\n"
            + " \\\n".join(args) + " \\\n  \"${DATABASE:-neo4j}\"\n")


def export_neo4j(build_dir: str | Path, out_dir: str | Path) -> Neo4jExport:
    """Write the neo4j-admin CSVs, load.cypher and import.sh of a build into `out_dir`.

    Raises:
        InputError: the build folder holds no graph.
        ExportError: the graph is not whole (an edge to an untyped node) or `out_dir` is not writable.
    """
    store = open_store(build_dir)
    nodes = _nodes(store)
    rels = _relationships(store, {r[0] for rows in nodes.values() for r in rows})
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"cannot create {out}: {e.strerror}") from e
    node_files = {lab: f"nodes_{lab}.csv" for lab in NODE_LABELS}
    rel_files = {t: f"rels_{t}.csv" for t in REL_TYPES}
    files = []
    for lab, fname in node_files.items():
        atomic_write(out / fname, _csv(node_header(lab), nodes[lab]))
        files.append(out / fname)
    for t, fname in rel_files.items():
        atomic_write(out / fname, _csv(rel_header(t), rels[t]))
        files.append(out / fname)
    atomic_write(out / "load.cypher", cypher_script(node_files, rel_files))
    atomic_write(out / "import.sh", import_script(node_files, rel_files))
    (out / "import.sh").chmod(0o755)
    files += [out / "load.cypher", out / "import.sh"]
    return Neo4jExport(out_dir=out, files=tuple(files), nodes={k: len(v) for k, v in nodes.items()},
                       relationships={k: len(v) for k, v in rels.items()})
