"""kg.store: opening a build's store, SPARQL over it, and safe parameters for named queries."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError, QueryError
from kg.store import (NamedQuery, get_query, list_queries, named_query, open_store, param_term, parse_named_query,
                      query, queries_dir, render_query, uses_service)
from kg_fixture import build_dir


@pytest.fixture(scope="module")
def build():
    return build_dir()


def test_query_reads_the_store_with_prefixes_predeclared(build):
    res = query(build, "SELECT ?l WHERE { ?e a kg:Benchmark ; rdfs:label ?l } ORDER BY ?l")
    assert res.columns == ["l"]
    assert res.rows == [["GSM8K"], ["MATH-500"]]


def test_ask_and_construct(build):
    assert query(build, "ASK { kgr:paper\\/p1 a kg:Paper }").rows == [["true"]]
    assert query(build, "ASK { ?p a kg:Paper ; dcterms:identifier 'p9' }").rows == [["false"]]
    res = query(build, "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a kg:Dataset ; rdfs:label ?l }")
    assert res.columns == ["subject", "predicate", "object"]
    assert res.rows == [["https://w3id.org/paper-kg/id/entity/BazSet", "http://www.w3.org/2000/01/rdf-schema#label", "BazSet"]]


def test_a_folder_without_store_is_read_from_its_graph_file(build, tmp_path):
    for name in ("graph.nt", "graph.ttl"):
        d = tmp_path / name
        d.mkdir()
        shutil.copy(build / name, d / name)
        assert query(d, "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }").rows == [["4"]]


def test_missing_or_empty_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such build folder"):
        open_store(tmp_path / "nope")
    with pytest.raises(InputError, match="holds no graph"):
        open_store(tmp_path)


def test_bad_sparql_is_a_query_error(build):
    with pytest.raises(QueryError, match="SPARQL error"):
        query(build, "SELECT ?x WHERE {")


# ---------------------------------------------------------------- named queries: the library


def test_every_named_query_has_a_header_matching_its_file():
    qs = list_queries()
    assert {q.path.stem for q in qs} == {q.name for q in qs}
    assert len(qs) == len(list(queries_dir().glob("*.rq"))) >= 6
    for q in qs:
        assert q.description.endswith(".")
        assert set(q.example) == set(q.params), f"{q.name}: the example must give every parameter"
        for p in q.params:
            # a parameter is a variable of the query that is never projected
            assert f"?{p}" in q.text
            assert f"?{p} " not in q.text.split("WHERE")[0] + " "


def test_every_named_query_runs_on_its_example(build):
    for q in list_queries():
        assert named_query(build, q.name, q.example).columns


def test_parse_named_query_needs_name_and_description():
    with pytest.raises(QueryError, match="# name:"):
        parse_named_query("# description: d\nSELECT * WHERE {}")
    with pytest.raises(QueryError, match="bad parameter"):
        parse_named_query("# name: n\n# description: d\n# params: a-b\nSELECT * WHERE {}")


def test_unknown_query_lists_the_names():
    with pytest.raises(QueryError, match="most-used-methods"):
        get_query("no-such-query")


def test_missing_and_unknown_parameters():
    q = get_query("model-on-benchmark")
    with pytest.raises(QueryError, match="needs parameter.*benchmark.*--param model=Qwen3-8B"):
        render_query(q, {"model": "x"})
    with pytest.raises(QueryError, match="has no parameter colour"):
        render_query(q, {"model": "x", "benchmark": "y", "colour": "z"})


def test_param_term_is_a_literal_or_an_iri():
    assert param_term("GRPO") == '"GRPO"'
    assert param_term('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert param_term("<https://w3id.org/paper-kg/id/entity/GRPO>") == "<https://w3id.org/paper-kg/id/entity/GRPO>"
    with pytest.raises(QueryError, match="bad IRI"):
        param_term("<not an iri>")


def test_render_replaces_only_the_variable_tokens():
    text = ('# name: t\n# description: d.\n# params: x\n'
            'SELECT ?xy WHERE { ?s <http://e/?x> "?x" ; <http://e/p> \'\'\'a ?x\'\'\' . # ?x in a comment\n'
            '  FILTER(?s = ?x || ?x < $x) }')
    out = render_query(NamedQuery(name="t", description="d.", text=text, params=("x",)), {"x": "v"})
    assert out.splitlines()[-2:] == [
        'SELECT ?xy WHERE { ?s <http://e/?x> "?x" ; <http://e/p> \'\'\'a ?x\'\'\' . # ?x in a comment',
        '  FILTER(?s = "v" || "v" < "v") }',
    ]


@pytest.mark.parametrize("hostile", [
    'x" } UNION { ?paper ?p ?o } #',
    "x' } UNION { ?paper ?p ?o } #",
    'x\\" ) || true || ("',
    "}\n}\nSELECT * WHERE { ?s ?p ?o }",
])
def test_hostile_parameters_stay_literals(build, hostile):
    res = named_query(build, "model-on-benchmark", {"model": hostile, "benchmark": "MATH-500"})
    assert res.rows == []


def test_parameters_match_names_aliases_any_case_and_iris(build):
    by_alias = named_query(build, "papers-for-entity", {"entity": "Chain-Of-Thought"})
    by_iri = named_query(build, "papers-for-entity", {"entity": "<https://w3id.org/paper-kg/id/entity/CoT>"})
    assert [r[:2] for r in by_alias.rows] == [r[:2] for r in by_iri.rows] == [["p2", "uses"], ["p4", "mentions"]]


@pytest.mark.parametrize("sparql, federated", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", True),
    ("select * where { service silent ?x { ?s ?p ?o } }", True),
    ("SELECT * WHERE { SERVICE:e { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?s ?p ?o # a comment\n SERVICE <http://example.org/sparql> { } }", True),
    ("SELECT ?service WHERE { ?service rdfs:label 'SERVICE' } # SERVICE <x>", False),
    ("SELECT * WHERE { ?s ex:service ?o . ?o <http://e/service> ?x . ?x kgr:entity\\/service ?y }", False),
    ("PREFIX service: <http://e/> SELECT * WHERE { ?s service:p ?o }", True),  # refused to be safe
])
def test_uses_service(sparql, federated):
    assert uses_service(sparql) is federated


# ---------------------------------------------------------------- the command line


def test_cli_query_list():
    r = CliRunner().invoke(cli, ["query", "--list", "--format", "csv"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "name,params,description"
    assert any(line.startswith('model-on-benchmark,"model, benchmark",') for line in lines)
    assert len(lines) == len(list_queries()) + 1


def test_cli_named_query_with_params(build):
    r = CliRunner().invoke(cli, ["query", str(build), "--name", "results-for-benchmark", "--param", "benchmark=gsm8k",
                                 "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert [line.split(",")[:5] for line in r.output.splitlines()] == [
        ["system", "metric", "value", "unit", "identifier"],
        ["FooBar", "accuracy", "88.5", "%", "p1"],
        ["BazNet", "accuracy", "80.1", "%", "p3"],
    ]


@pytest.mark.parametrize("args, message", [
    (["--name", "model-on-benchmark", "--param", "model=x"], "needs parameter"),
    (["--name", "nope"], "no named query 'nope'"),
    (["--name", "most-used-methods", "--param", "novalue"], "KEY=VALUE"),
    (["SELECT * WHERE {}", "--name", "most-used-methods"], "not both"),
    ([], "give a SPARQL query"),
])
def test_cli_query_errors(build, args, message):
    r = CliRunner().invoke(cli, ["query", str(build), *args])
    assert r.exit_code == 2
    assert message in r.output
    assert "Traceback" not in r.output


def test_cli_query_without_folder_is_a_usage_error():
    r = CliRunner().invoke(cli, ["query"])
    assert r.exit_code == 2 and "build folder" in r.output
