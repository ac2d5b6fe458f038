"""The command line: builds, queries, stats, and one readable line + exit 2 for user mistakes."""
import json

import pytest
from click.testing import CliRunner

from kg.cli import cli


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    res = CliRunner().invoke(cli, ["build", "--sample", "-o", str(out), "--formats", "ttl,nt,csv,store,graphml,jsonld"])
    assert res.exit_code == 0, res.output
    return out


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_sample_build_writes_outputs(sample_build):
    for name in ("graph.ttl", "graph.nt", "entities.csv", "graph.graphml", "graph.jsonld", "build.json"):
        assert (sample_build / name).stat().st_size > 0
    assert (sample_build / "store").is_dir()
    assert json.loads((sample_build / "build.json").read_text())["papers"] == 90


def test_stats_counts_all_four_types(sample_build):
    res = run("stats", sample_build, "--json")
    assert res.exit_code == 0, res.output
    s = json.loads(res.output)
    assert s["papers"] == 90
    assert all(s["entities"][t] > 0 for t in ("Method", "Model", "Dataset", "Benchmark"))
    assert s["edges"]["evaluatesOn"] > 0 and s["top_entities"]


def test_query_formats(sample_build):
    q = "SELECT ?id WHERE { ?p a kg:Paper ; dcterms:identifier ?id } ORDER BY ?id LIMIT 3"
    res = run("query", sample_build, q, "--format", "json")
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.output)) == 3
    res = run("query", sample_build, q, "--format", "csv")
    assert res.output.splitlines()[0] == "id" and len(res.output.splitlines()) == 4
    res = run("query", sample_build, q)
    assert "3 row(s)" in res.output


def test_jsonl_input(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a1", "title": "T", "abstract": "We fine-tune Qwen3-8B on MATH-500."}) + "\n")
    res = run("build", src, "-o", tmp_path / "out", "--formats", "ttl")
    assert res.exit_code == 0, res.output
    assert "1 papers" in res.output


@pytest.mark.parametrize("args,needle", [
    (["build", "/no/such/file.jsonl"], "no such file"),
    (["build", "--sample", "--formats", "ttl,bogus"], "unknown format 'bogus'"),
    (["build", "--sample", "--format", "yaml"], "yaml"),
    (["build"], "INPUT"),
    (["query", "/no/such/build", "SELECT * WHERE { ?s ?p ?o }"], "no such build folder"),
    (["stats", "/no/such/build"], "no such build folder"),
    (["build", "--bogus-flag"], "bogus-flag"),
])
def test_user_errors_exit_2_with_one_line(args, needle, tmp_path):
    res = CliRunner().invoke(cli, args + (["-o", str(tmp_path)] if args[0] == "build" and "--bogus-flag" not in args else []))
    assert res.exit_code == 2, res.output
    assert needle.lower() in res.output.lower()
    assert "Traceback" not in res.output


def test_bad_sparql_is_a_user_error(sample_build):
    res = run("query", sample_build, "SELECT ?x WHERE {")
    assert res.exit_code == 2 and "SPARQL" in res.output and "Traceback" not in res.output


def test_input_with_only_bad_records_exits_1(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text("{not json\n[1, 2]\n")
    res = run("build", src, "-o", tmp_path / "out", "--formats", "ttl")
    assert res.exit_code == 1


def test_bad_records_are_reported_and_the_rest_built(tmp_path):
    src = tmp_path / "mixed.jsonl"
    src.write_text(json.dumps({"id": "ok", "title": "T", "abstract": "We use GRPO."}) + "\n{oops\n")
    res = run("build", src, "-o", tmp_path / "out", "--formats", "ttl")
    assert res.exit_code == 0, res.output
    rejects = [json.loads(l) for l in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert rejects[0]["line"] == 2 and rejects[0]["reason"]


def test_every_command_has_help_and_a_readme_entry():
    from pathlib import Path
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name, cmd in cli.commands.items():
        assert cmd.help and "Example" in cmd.help, name
        assert f"kg {name}" in readme, name
