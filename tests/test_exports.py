"""The table and graph-tool outputs (GEXF, edges.csv, Parquet) against the graph they came from, and two
independent RDF readers (Raptor's rapper and Oxigraph) on the RDF files of a sample build."""
from __future__ import annotations

import shutil
import subprocess
import sys

import networkx as nx
import pandas as pd
import pyoxigraph as ox
import pytest

from kg import store
from kg.engine import build_folder
from kg.export import FORMATS, PARQUET_FORMATS, parse_formats, write_outputs
from kg.ingest import read_sample
from kg_fixture import knowledge_graph

ENTITY_RELATIONS = ("proposes", "evaluatesOn", "comparesWith", "uses", "mentions")
# paper -> entity edges, by SPARQL: the RDF graph's own count, not the exporter's
PAPER_ENTITY_EDGES = """
SELECT ?paper ?rel ?entity WHERE {
  VALUES ?rel { kg:proposes kg:evaluatesOn kg:comparesWith kg:uses kg:mentions }
  ?paper a kg:Paper ; ?rel ?entity .
}"""


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    g = knowledge_graph()
    out = tmp_path_factory.mktemp("exports") / "build"
    write_outputs(g, out, ("nt", "store", "gexf", "csv", "edges", "parquet", "edges-parquet"))
    return g, out


@pytest.fixture(scope="module")
def sample():
    return list(read_sample())


@pytest.fixture(scope="module")
def sample_build(sample, tmp_path_factory):
    """The bundled sample through the streaming engine, with every RDF file and the new outputs."""
    out = tmp_path_factory.mktemp("sample") / "build"
    s = build_folder(sample, out, formats="ttl,nt,jsonld,gexf,csv,edges,parquet,edges-parquet", n_process=1,
                     cache=False)
    assert s.papers == 90
    return out


def _relations(rows) -> set[tuple[str, str, str]]:
    return {(p, r.rsplit("#", 1)[-1], e) for p, r, e in rows}


# ---------------------------------------------------------------- GEXF


def test_gexf_reads_back_as_the_networkx_graph(fixture_build):
    g, out = fixture_build
    back = nx.read_gexf(out / "graph.gexf")
    assert back.number_of_nodes() == g.nx.number_of_nodes() and back.number_of_edges() == g.nx.number_of_edges()
    assert set(back.nodes) == set(g.nx.nodes)
    for n, d in g.nx.nodes(data=True):
        assert back.nodes[n]["type"] == d["kind"] and back.nodes[n]["label"] == d["label"], n
    cot = next(d for _, d in back.nodes(data=True) if d["label"] == "CoT")
    assert cot["aliases"] == "chain-of-thought" and cot["paper_count"] == 2
    assert {d["relation"] for _, _, d in back.edges(data=True)} >= set(ENTITY_RELATIONS) | {"variantOf"}
    assert b"lastmodifieddate" not in (out / "graph.gexf").read_bytes()  # same input, same bytes, any day


# ---------------------------------------------------------------- edges.csv


def test_edges_csv_has_every_edge_and_the_rdf_paper_entity_edges(fixture_build):
    g, out = fixture_build
    edges = pd.read_csv(out / "edges.csv", keep_default_na=False)
    assert list(edges.columns) == ["source", "source_type", "source_label", "relation", "target", "target_type",
                                   "target_label", "evidence"]
    assert len(edges) == g.nx.number_of_edges()
    pe = edges[edges.relation.isin(ENTITY_RELATIONS)]
    sparql = store.run(store.open_store(out), PAPER_ENTITY_EDGES).rows
    assert len(pe) == len(sparql) > 0
    assert set(zip(pe.source, pe.relation, pe.target)) == _relations(sparql)
    assert (pe.source_type == "Paper").all() and pe.target_type.isin(["Method", "Model", "Dataset", "Benchmark"]).all()
    assert (pe.evidence != "").all()
    row = pe[(pe.source_label == "FooBar: Search-Guided Reasoning") & (pe.target_label == "FooBar")].iloc[0]
    assert row.relation == "proposes" and "We propose FooBar" in row.evidence


# ---------------------------------------------------------------- Parquet


def test_parquet_holds_what_the_csv_files_hold(fixture_build):
    _, out = fixture_build
    for csv, parquet in (("entities.csv", "entities.parquet"), ("edges.csv", "edges.parquet")):
        from_csv = pd.read_csv(out / csv, keep_default_na=False)
        from_parquet = pd.read_parquet(out / parquet).fillna("")  # no evidence: null in Parquet, "" in CSV
        pd.testing.assert_frame_equal(from_parquet, from_csv, check_dtype=False)
        assert len(from_parquet) > 0


def test_parquet_is_in_the_default_set_only_where_pyarrow_is_installed():
    assert parse_formats("all") == FORMATS  # pyarrow is in the test extra
    code = ("import sys; sys.modules['pyarrow'] = None\n"  # as if not installed: importing it fails
            "from kg.export import parse_formats, PARQUET_FORMATS\n"
            "assert not set(parse_formats('all')) & set(PARQUET_FORMATS)\n"
            "from kg.errors import MissingExtraError\n"
            "try:\n    parse_formats('csv,parquet')\nexcept MissingExtraError as e:\n    print(e)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "pip install 'paper-kg[parquet]'" in p.stdout
    assert set(PARQUET_FORMATS) < set(FORMATS)


# ---------------------------------------------------------------- through the streaming engine


def test_streaming_build_writes_gexf_edges_and_parquet(sample_build):
    back = nx.read_gexf(sample_build / "graph.gexf")
    edges = pd.read_parquet(sample_build / "edges.parquet")
    assert back.number_of_edges() == len(edges) == len(pd.read_csv(sample_build / "edges.csv"))
    s = ox.Store()
    s.bulk_load(path=str(sample_build / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    sparql = store.run(s, PAPER_ENTITY_EDGES).rows
    pe = edges[edges.relation.isin(ENTITY_RELATIONS)]
    assert set(zip(pe.source, pe.relation, pe.target)) == _relations(sparql) and len(pe) == len(sparql)
    assert len(pd.read_parquet(sample_build / "entities.parquet")) == len(pd.read_csv(sample_build / "entities.csv"))


def test_large_build_makes_gexf_and_edges_from_the_view_and_entity_parquet_whole(sample, sample_build, tmp_path):
    s = build_folder(sample, tmp_path / "out", formats="nt,gexf,edges,parquet", n_process=1, cache=False,
                     whole_graph_limit=50)
    assert s.view["formats"] == ["gexf", "edges"] and s.view["papers"] < 90
    view = nx.read_gexf(tmp_path / "out" / "graph.gexf")
    assert sum(1 for _, d in view.nodes(data=True) if d["type"] == "Paper") == s.view["papers"]
    assert 0 < view.number_of_edges() <= nx.read_gexf(sample_build / "graph.gexf").number_of_edges()
    assert len(pd.read_csv(tmp_path / "out" / "edges.csv")) == view.number_of_edges()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "entities.parquet"),
                                  pd.read_parquet(sample_build / "entities.parquet"))


# ---------------------------------------------------------------- two RDF readers, one count


@pytest.mark.skipif(shutil.which("rapper") is None, reason="Raptor (raptor2-utils) not installed")
def test_rapper_and_oxigraph_read_ttl_nt_and_jsonld_to_the_same_count(sample_build):
    """tests/test_hostile.py checks each reader against itself per file on hostile input; here the three
    RDF files of one sample build must agree with each other, JSON-LD read by Oxigraph (Raptor has no
    JSON-LD parser)."""
    counts = {}
    for name, fmt, oxfmt in (("graph.nt", "ntriples", ox.RdfFormat.N_TRIPLES),
                             ("graph.ttl", "turtle", ox.RdfFormat.TURTLE)):
        p = subprocess.run(["rapper", "-i", fmt, "-c", str(sample_build / name)], capture_output=True, text=True,
                           timeout=300)
        assert p.returncode == 0, p.stderr
        assert "warning" not in p.stderr.lower() and "error" not in p.stderr.lower(), p.stderr
        counts[f"rapper {name}"] = int(p.stderr.split("returned")[1].split()[0])
        counts[f"oxigraph {name}"] = sum(1 for _ in ox.parse(path=str(sample_build / name), format=oxfmt))
    counts["oxigraph graph.jsonld"] = sum(1 for _ in ox.parse(path=str(sample_build / "graph.jsonld"),
                                                               format=ox.RdfFormat.JSON_LD))
    lines = sum(1 for l in (sample_build / "graph.nt").read_bytes().split(b"\n") if l.strip())
    assert set(counts.values()) == {lines}, counts
