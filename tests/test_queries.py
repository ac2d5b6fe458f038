"""The named queries of ontology/queries/, each with its exact answer on the fixture (tests/kg_fixture.py).

Every expected row follows from the table in kg_fixture's docstring. The same queries also run on
rdflib's engine over graph.ttl and must give the same answers: the .rq files are plain SPARQL 1.1.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from rdflib import Graph

from kg.namespaces import PREFIXES
from kg.store import get_query, list_queries, named_query, render_query
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


def _norm(v):
    if v is None:
        return None
    v = str(v)
    if " | " in v:
        return tuple(sorted(v.split(" | ")))
    try:
        return Decimal(v).normalize()  # 64.0 and 64 are one decimal
    except InvalidOperation:
        return v


@pytest.fixture(scope="module")
def rdflib_graph(build):
    return Graph().parse(build / "graph.ttl", format="turtle")


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_rdflib_gives_the_same_answer(build, rdflib_graph, name):
    q = get_query(name)
    ours = [[_norm(v) for v in r] for r in named_query(build, name, q.example).rows]
    res = rdflib_graph.query(render_query(q, q.example), initNs={p: ns for p, ns in PREFIXES.items()})
    theirs = [[_norm(v) for v in r] for r in res]
    assert ours == theirs
    assert ours, f"{name} has an empty answer on the fixture: the test would prove nothing"
