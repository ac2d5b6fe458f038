"""`kg export --to neo4j`: the CSVs are whole, match the RDF counts, and load into a real embedded
Cypher engine (LadybugDB) where a traversal gives the SPARQL answer."""
from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.neo4j import ENTITY_LABELS, NODE_COLUMNS, NODE_LABELS, PAPER_RELATIONS, REL_TYPES, export_neo4j
from kg.store import named_query, query
from kg_fixture import build_dir

KG = "https://w3id.org/paper-kg/ns#"
# relationship type -> RDF predicate
PREDICATE = {**{t: KG + p for p, t in PAPER_RELATIONS.items()}, "VARIANT_OF": KG + "variantOf",
             "REPORTS_RESULT": KG + "reportsResult", "SYSTEM": KG + "system", "ON_BENCHMARK": KG + "benchmark"}


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("neo4j")
    return export_neo4j(build_dir(), out)


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def sparql_count(q: str) -> int:
    return int(query(build_dir(), q).rows[0][0])


def test_one_file_per_label_and_type_with_admin_headers(export):
    d = export.out_dir
    assert sorted(p.name for p in d.iterdir()) == sorted(
        [f"nodes_{lab}.csv" for lab in NODE_LABELS] + [f"rels_{t}.csv" for t in REL_TYPES] + ["import.sh", "load.cypher"])
    for lab in NODE_LABELS:
        header = read(d / f"nodes_{lab}.csv")[0]
        assert header[0] == "iri:ID" and header[-1] == ":LABEL"
        assert {r[-1] for r in read(d / f"nodes_{lab}.csv")[1:]} == {f"Entity;{lab}" if lab in ENTITY_LABELS else lab}
    for t in REL_TYPES:
        rows = read(d / f"rels_{t}.csv")
        assert rows[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
        assert {r[2] for r in rows[1:]} <= {t}


def test_counts_match_the_rdf_graph(export):
    for lab in NODE_LABELS:
        assert export.nodes[lab] == sparql_count(f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a kg:{lab} }}"), lab
    for t, pred in PREDICATE.items():
        assert export.relationships[t] == sparql_count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{pred}> ?o }}"), t
    assert export.nodes == {"Paper": 4, "Method": 4, "Model": 4, "Dataset": 1, "Benchmark": 2, "Result": 4}


def test_referentially_whole(export):
    d = export.out_dir
    ids = [r[0] for lab in NODE_LABELS for r in read(d / f"nodes_{lab}.csv")[1:]]
    assert len(ids) == len(set(ids))
    for t in REL_TYPES:
        for r in read(d / f"rels_{t}.csv")[1:]:
            assert r[0] in ids and r[1] in ids, (t, r)


def test_properties_and_evidence(export):
    d = export.out_dir
    papers = {r[1]: dict(zip(read(d / "nodes_Paper.csv")[0], r)) for r in read(d / "nodes_Paper.csv")[1:]}
    assert papers["p1"]["authors"] == "Ada Lovelace | Alan Turing"
    assert papers["p1"]["date"] == "2025-09-02" and papers["p2"]["date"] == ""
    uses = {(r[0].rsplit("/", 1)[1], r[1].rsplit("/", 1)[1]): r[3] for r in read(d / "rels_USES.csv")[1:]}
    assert uses[("p1", "GRPO")] == "We fine-tune Qwen3-8B with GRPO."
    method = read(d / "nodes_Method.csv")
    cot = dict(zip(method[0], next(r for r in method if r[1] == "CoT")))
    assert cot["aliases"] == "chain-of-thought" and cot["paper_count:int"] == "2"


def test_cypher_script_loads_every_file(export):
    script = (export.out_dir / "load.cypher").read_text()
    for lab in NODE_LABELS:
        assert f"'file:///nodes_{lab}.csv'" in script
    for t in REL_TYPES:
        assert f"'file:///rels_{t}.csv'" in script and f"MERGE (a)-[r:{t}]->(b)" in script
    admin = (export.out_dir / "import.sh").read_text()
    assert "neo4j-admin database import full" in admin and admin.count("--relationships=") == len(REL_TYPES)


def test_cli_export(tmp_path):
    r = CliRunner().invoke(cli, ["export", str(build_dir()), "--to", "neo4j", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("19 nodes (4 Paper, 4 Method, 4 Model, 1 Dataset, 2 Benchmark, 4 Result), 31 relationships")
    assert (tmp_path / "out" / "rels_USES.csv").exists()


# ---------------------------------------------------------------- into an embedded Cypher engine

_LB_TYPES = {"int": "INT64", "double": "DOUBLE"}
_ENDS = {"VARIANT_OF": (ENTITY_LABELS, ENTITY_LABELS), "REPORTS_RESULT": (("Paper",), ("Result",)),
         "SYSTEM": (("Result",), ENTITY_LABELS), "ON_BENCHMARK": (("Result",), ENTITY_LABELS),
         **{t: (("Paper",), ENTITY_LABELS) for t in PAPER_RELATIONS.values()}}


def _ident(header: str) -> str:
    return header.split(":")[0] or "lbl"


def load_into_ladybug(export_dir, db_path):
    """Create a LadybugDB schema from the CSV headers and let the engine read the CSV files itself."""
    lb = pytest.importorskip("ladybug")
    conn = lb.Connection(lb.Database(str(db_path)))
    for lab in NODE_LABELS:
        cols = ["iri", *(_ident(h) for h, _ in NODE_COLUMNS[lab])]
        types = ["STRING", *(_LB_TYPES.get(h.partition(":")[2], "STRING") for h, _ in NODE_COLUMNS[lab])]
        conn.execute(f"CREATE NODE TABLE {lab}(" + ", ".join(f"{c} {t}" for c, t in zip(cols, types))
                     + ", PRIMARY KEY(iri))")
        header = ", ".join(f"{c} {t}" for c, t in zip(cols + ["lbl"], types + ["STRING"]))
        props = ", ".join(f"{c}: {c}" for c in cols)
        conn.execute(f"LOAD WITH HEADERS ({header}) FROM '{export_dir}/nodes_{lab}.csv' (header=true) "
                     f"CREATE (:{lab} {{{props}}})")
    for t in REL_TYPES:
        starts, ends = _ENDS[t]
        has_ev = t in PAPER_RELATIONS.values()
        pairs = ", ".join(f"FROM {a} TO {b}" for a in starts for b in ends)
        conn.execute(f"CREATE REL TABLE {t}({pairs}" + (", evidence STRING)" if has_ev else ")"))
        header = "s STRING, e STRING, t STRING" + (", evidence STRING" if has_ev else "")
        for a in starts:
            for b in ends:
                conn.execute(f"LOAD WITH HEADERS ({header}) FROM '{export_dir}/rels_{t}.csv' (header=true) "
                             f"MATCH (x:{a} {{iri: s}}), (y:{b} {{iri: e}}) "
                             f"CREATE (x)-[:{t}" + (" {evidence: evidence}" if has_ev else "") + "]->(y)")
    return conn


@pytest.fixture(scope="module")
def cypher(export, tmp_path_factory):
    return load_into_ladybug(export.out_dir, tmp_path_factory.mktemp("ladybug") / "db")


def cy(conn, q):
    return conn.execute(q).get_all()


def test_engine_counts_match_the_rdf_graph(export, cypher):
    for lab in NODE_LABELS:
        assert cy(cypher, f"MATCH (n:{lab}) RETURN count(n)") == [[export.nodes[lab]]], lab
    for t in REL_TYPES:
        assert cy(cypher, f"MATCH ()-[r:{t}]->() RETURN count(r)") == [[export.relationships[t]]], t
    assert cy(cypher, "MATCH (n) RETURN count(n)") == [[19]]
    assert cy(cypher, "MATCH ()-[r]->() RETURN count(r)") == [[31]]


def test_engine_traversal_gives_the_sparql_answer(cypher):
    sparql = [[r[0], r[1], float(r[2]), r[3], r[4]]
              for r in named_query(build_dir(), "results-for-benchmark", {"benchmark": "MATH-500"}).rows]
    got = cy(cypher, """
        MATCH (p:Paper)-[:REPORTS_RESULT]->(r:Result)-[:ON_BENCHMARK]->(b:Benchmark {label: 'MATH-500'}),
              (r)-[:SYSTEM]->(s)
        RETURN s.label, r.metric, r.value, r.unit, p.identifier
        ORDER BY r.value DESC, p.identifier""")
    assert got == sparql == [["FooBar", "accuracy", 71.2, "%", "p1"], ["Qwen3-8B", "accuracy", 64.0, "%", "p2"]]


def test_engine_two_hop_query_gives_the_sparql_answer(cypher):
    sparql = [r[0] for r in named_query(build_dir(), "model-on-benchmark", {"model": "Qwen3-8B", "benchmark": "MATH-500"}).rows]
    got = cy(cypher, """
        MATCH (p:Paper)-[:PROPOSES|:EVALUATES_ON|:COMPARES_WITH|:USES]->(m:Model {label: 'Qwen3-8B'}),
              (p)-[:EVALUATES_ON]->(b:Benchmark {label: 'MATH-500'})
        RETURN DISTINCT p.identifier ORDER BY p.identifier""")
    assert [r[0] for r in got] == sparql == ["p1", "p2"]
    assert cy(cypher, "MATCH (:Model {label: 'Qwen3-8B'})-[:VARIANT_OF]->(f:Model) RETURN f.label") == [["Qwen3"]]
