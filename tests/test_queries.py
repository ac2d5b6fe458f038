"""The named queries of ontology/queries/, each with its exact answer on the fixture (tests/kg_fixture.py).

Every expected row follows from the table in kg_fixture's docstring. The same queries also run on
rdflib's engine over graph.ttl and must give the same answers: the .rq files are plain SPARQL 1.1.
"""
from __future__ import annotations


import pytest
from rdflib import Graph

from kg.namespaces import PREFIXES
from kg.store import comparable, get_query, list_queries, named_query, render_query
from kg_fixture import build_dir

E = "https://w3id.org/paper-kg/id/entity/"
PAPER = "https://w3id.org/paper-kg/id/paper/"
RES = "https://w3id.org/paper-kg/id/result/"


@pytest.fixture(scope="module")
def build():
    return build_dir()


def rows(build, name, **params):
    return named_query(build, name, params).rows


def test_most_used_methods(build):
    # GRPO: p1 uses, p2 compares with, p3 uses, p4 mentions; CoT: p2, p4; DPO: p4; FooBar: p1
    assert rows(build, "most-used-methods") == [
        ["GRPO", "4", E + "GRPO"],
        ["CoT", "2", E + "CoT"],
        ["DPO", "1", E + "DPO"],
        ["FooBar", "1", E + "FooBar"],
    ]


def test_benchmarks_per_method(build):
    # FooBar: p1 proposes it and evaluates on both; GRPO: p1 (both) and p3 (GSM8K) use it;
    # CoT: p2 uses it on MATH-500; p2 only compares with GRPO and DPO is only mentioned
    got = rows(build, "benchmarks-per-method")
    assert [(m, n, sorted(b.split(" | ")), iri) for m, n, b, iri in got] == [
        ("FooBar", "2", ["GSM8K", "MATH-500"], E + "FooBar"),
        ("GRPO", "2", ["GSM8K", "MATH-500"], E + "GRPO"),
        ("CoT", "1", ["MATH-500"], E + "CoT"),
    ]


def test_model_on_benchmark(build):
    # p1 uses Qwen3-8B and evaluates on MATH-500; p2 uses it and reports 64.0% on MATH-500
    assert rows(build, "model-on-benchmark", model="Qwen3-8B", benchmark="MATH-500") == [
        ["p1", "FooBar: Search-Guided Reasoning", PAPER + "p1"],
        ["p2", "Scaling chain-of-thought", PAPER + "p2"],
    ]
    # a baseline counts: p3 compares with Llama-2-13B on GSM8K
    assert [r[0] for r in rows(build, "model-on-benchmark", model="llama-2-13b", benchmark="gsm8k")] == ["p3"]
    # a result alone is enough: BazNet's 80.1% on GSM8K in p3
    assert [r[0] for r in rows(build, "model-on-benchmark", model="BazNet", benchmark="GSM8K")] == ["p3"]
    # nobody evaluates BazNet on MATH-500
    assert rows(build, "model-on-benchmark", model="BazNet", benchmark="MATH-500") == []


def test_method_benchmark_pairs(build):
    assert rows(build, "method-benchmark-pairs") == [
        ["GRPO", "GSM8K", "2", E + "GRPO", E + "GSM8K"],
        ["GRPO", "MATH-500", "2", E + "GRPO", E + "MATH-500"],
        ["CoT", "MATH-500", "1", E + "CoT", E + "MATH-500"],
        ["FooBar", "GSM8K", "1", E + "FooBar", E + "GSM8K"],
        ["FooBar", "MATH-500", "1", E + "FooBar", E + "MATH-500"],
    ]


def test_results_for_benchmark(build):
    assert rows(build, "results-for-benchmark", benchmark="MATH-500") == [
        ["FooBar", "accuracy", "71.2", "%", "p1", RES + "p1/1"],
        ["Qwen3-8B", "accuracy", "64", "%", "p2", RES + "p2/1"],  # 64.0 in canonical xsd:decimal form
    ]
    assert rows(build, "results-for-benchmark", benchmark="GSM8K") == [
        ["FooBar", "accuracy", "88.5", "%", "p1", RES + "p1/2"],
        ["BazNet", "accuracy", "80.1", "%", "p3", RES + "p3/1"],
    ]
    assert rows(build, "results-for-benchmark", benchmark="BazSet") == []


def test_proposed_per_paper(build):
    assert rows(build, "proposed-per-paper") == [
        ["p1", "FooBar: Search-Guided Reasoning", "FooBar", "Method", E + "FooBar"],
        ["p3", "BazNet and BazSet", "BazNet", "Model", E + "BazNet"],
        ["p3", "BazNet and BazSet", "BazSet", "Dataset", E + "BazSet"],
    ]


def test_papers_for_entity(build):
    assert [r[:2] for r in rows(build, "papers-for-entity", entity="GRPO")] == [
        ["p1", "uses"], ["p2", "comparesWith"], ["p3", "uses"], ["p4", "mentions"]]


# ---------------------------------------------------------------- the same answers from rdflib


@pytest.fixture(scope="module")
def rdflib_graph(build):
    return Graph().parse(build / "graph.ttl", format="turtle")


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_rdflib_gives_the_same_answer(build, rdflib_graph, name):
    q = get_query(name)
    ours = [[comparable(v) for v in r] for r in named_query(build, name, q.example).rows]
    res = rdflib_graph.query(render_query(q, q.example), initNs={p: ns for p, ns in PREFIXES.items()})
    theirs = [[comparable(v) for v in r] for r in res]
    assert ours == theirs
    assert ours, f"{name} has an empty answer on the fixture: the test would prove nothing"


# ---------------------------------------------------------------- the rewrites for Oxigraph's planner


def test_paper_count_is_the_number_of_papers_with_an_edge(build):
    # most-used-methods ranks by kg:paperCount: it must be what counting the edges gives
    from kg.store import query

    counted = query(build, """
        SELECT ?e (COUNT(DISTINCT ?p) AS ?n)
        WHERE { ?p kg:proposes|kg:evaluatesOn|kg:comparesWith|kg:uses|kg:mentions ?e }
        GROUP BY ?e""").rows
    stored = query(build, "SELECT ?e ?n WHERE { ?e kg:paperCount ?n }").rows
    assert sorted(counted) == sorted(stored)
    assert len(stored) == 11


# the most-used-methods of before the rewrite: count the edges, sort everything, take 100
_NAIVE_MOST_USED = """
SELECT ?method ?papers ?method_iri
WHERE {
  { SELECT ?method_iri (COUNT(DISTINCT ?paper) AS ?papers)
    WHERE { ?method_iri a kg:Method .
            ?paper kg:proposes|kg:evaluatesOn|kg:comparesWith|kg:uses|kg:mentions ?method_iri . }
    GROUP BY ?method_iri }
  ?method_iri rdfs:label ?method .
}
ORDER BY DESC(?papers) ?method
LIMIT 100"""


def test_most_used_methods_keeps_ties_at_the_cut():
    # 150 methods: counts 1..6 with many ties, so the 100th place falls inside a tie; the query
    # sorts only the methods that reach the 100th count and must give the plain top 100
    import random

    import pyoxigraph as ox

    from kg.store import run

    kg, rdf, rdfs = "https://w3id.org/paper-kg/ns#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", \
        "http://www.w3.org/2000/01/rdf-schema#"
    rels = ["proposes", "evaluatesOn", "comparesWith", "uses", "mentions"]
    rng = random.Random(7)
    s = ox.Store()
    quads = []
    names = rng.sample(range(1000), 150)  # unique labels: the order is then fully defined
    for i in range(150):
        m = ox.NamedNode(f"https://w3id.org/paper-kg/id/entity/m{i}")
        n = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5, 6])
        quads += [ox.Quad(m, ox.NamedNode(rdf + "type"), ox.NamedNode(kg + "Method")),
                  ox.Quad(m, ox.NamedNode(rdfs + "label"), ox.Literal(f"M{names[i]:03d}")),
                  ox.Quad(m, ox.NamedNode(kg + "paperCount"), ox.Literal(str(n), datatype=ox.NamedNode(
                      "http://www.w3.org/2001/XMLSchema#integer")))]
        for p in rng.sample(range(40), n):
            quads.append(ox.Quad(ox.NamedNode(f"https://w3id.org/paper-kg/id/paper/p{p}"),
                                 ox.NamedNode(kg + rng.choice(rels)), m))
    s.extend(quads)
    got = run(s, get_query("most-used-methods").text).rows
    assert len(got) == 100
    assert got == run(s, _NAIVE_MOST_USED).rows
