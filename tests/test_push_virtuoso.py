"""`kg push` against a real Virtuoso (Debian's virtuoso-opensource) started on loopback for this module:
the pushed graph holds exactly graph.nt's triples, and every named query answers the same there as on
the embedded Oxigraph store. Plus the errors that need no server."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import store
from kg.cli import cli
from kg.push import push
from kg_fixture import build_dir
from push_checks import (append_adds_and_replace_replaces, blank_nodes_stay_whole, free_port,
                         named_query_answers_the_same, nt_lines, sparql_select, start_server)

GRAPH = "https://example.org/graphs/kg-test"
needs_virtuoso = pytest.mark.skipif(
    shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None,
    reason="Virtuoso not installed (apt-get install virtuoso-opensource: virtuoso-t and isql-vt)")


class Virtuoso:
    def __init__(self, http_port: int, sql_port: int):
        self.base = f"http://127.0.0.1:{http_port}"
        self.sql_port = sql_port
        self.crud = f"{self.base}/sparql-graph-crud"

    def select(self, query: str, graph: str | None = GRAPH) -> tuple[list[str], list[dict]]:
        return sparql_select(f"{self.base}/sparql", query, graph)

    def count(self, graph: str = GRAPH, where: str = "?s ?p ?o") -> int:
        # Virtuoso answers counts as typed literals ("409"^^xsd:integer); the value is the lexical form
        _, rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", graph)
        return int(rows[0]["n"]["value"])

    def isql(self, sql: str) -> str:
        p = subprocess.run(["isql-vt", str(self.sql_port), "dba", "dba", f"exec={sql}"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0 and "Error" not in p.stdout, p.stdout + p.stderr
        return p.stdout


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, request):
    d = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    vsp = Path("/usr/share/virtuoso-opensource-7/vsp")
    (d / "virtuoso.ini").write_text(f"""\
[Database]
DatabaseFile = {d}/kg.db
ErrorLogFile = {d}/kg.log
TransactionFile = {d}/kg.trx
xa_persistent_file = {d}/kg.pxa
[TempDatabase]
DatabaseFile = {d}/kg-temp.db
TransactionFile = {d}/kg-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {d}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
{f'ServerRoot = {vsp}' if vsp.is_dir() else ''}
[Plugins]
""")
    v = Virtuoso(http_port, sql_port)
    # a new database takes ~10 s to create; the CI machine may be busy
    start_server(request, ["virtuoso-t", "+configfile", str(d / "virtuoso.ini"), "+foreground"], d,
                 lambda: v.select("ASK { ?s ?p ?o }", graph=None), wait_s=180)
    # the unauthenticated /sparql-graph-crud runs as the SQL user SPARQL, which may only read by default
    v.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
    return v


@pytest.fixture(scope="module")
def pushed(virtuoso):
    """The fixture build pushed in requests of ~4 kB (so in many of them), replacing GRAPH."""
    build = build_dir()
    res = push(build, virtuoso.crud, graph=GRAPH, chunk_bytes=4096)
    return build, res


@needs_virtuoso
def test_pushed_graph_holds_exactly_the_lines_of_graph_nt(virtuoso, pushed):
    build, res = pushed
    assert res.requests > 5 and res.triples == nt_lines(build)
    assert virtuoso.count() == nt_lines(build)


@needs_virtuoso
@pytest.mark.parametrize("name", [q.name for q in store.list_queries()])
def test_named_query_answers_the_same_on_virtuoso_and_oxigraph(virtuoso, pushed, name):
    named_query_answers_the_same(virtuoso.select, pushed[0], name)


@needs_virtuoso
def test_cli_append_adds_and_replace_replaces(virtuoso, tmp_path):
    append_adds_and_replace_replaces(virtuoso.crud, virtuoso.count, GRAPH + "/cli", tmp_path)


@needs_virtuoso
def test_blank_nodes_stay_one_node_across_requests(virtuoso, tmp_path):
    blank_nodes_stay_whole(virtuoso.crud, virtuoso.count, GRAPH + "/bnodes", tmp_path)


@needs_virtuoso
def test_digest_authentication(virtuoso):
    auth = virtuoso.crud + "-auth"
    g = GRAPH + "/auth"
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", auth, "--graph", g,
                                   "--user", "dba", "--password", "dba"])
    assert res.exit_code == 0, res.output
    assert virtuoso.count(g) > 0
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", auth, "--graph", g,
                                   "--user", "dba", "--password", "wrong"])
    assert res.exit_code == 1 and "HTTP 401" in res.output and "Traceback" not in res.output, res.output
    assert len(res.output.strip().splitlines()) == 1


@needs_virtuoso
def test_a_refusal_is_one_line_with_the_stores_reason(virtuoso):
    # Virtuoso's graph store endpoint has no default graph: it refuses ?default, and says so
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", virtuoso.crud])
    assert res.exit_code == 1, res.output
    assert "default graph" in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


# ---------------------------------------------------------------- errors that need no server


@pytest.mark.parametrize("args,needle", [
    (["--endpoint", "ftp://host/x"], "http(s) URL"),
    (["--endpoint", "http://u:p@localhost:1/x"], "--user"),
    (["--endpoint", "http://localhost:1/x", "--graph", "not an iri"], "absolute IRI"),
    (["--endpoint", "http://localhost:1/x", "--user", "dba"], "--password"),
])
def test_bad_arguments_exit_2_with_one_line(args, needle):
    res = CliRunner().invoke(cli, ["push", str(build_dir()), *args], env={"KG_PUSH_PASSWORD": None})
    assert res.exit_code == 2, res.output
    assert needle in res.output and "Traceback" not in res.output


def test_password_from_the_environment_is_used_only_with_user():
    url = f"http://127.0.0.1:{free_port()}/store"
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", url], env={"KG_PUSH_PASSWORD": "x"})
    assert res.exit_code == 2 and "cannot reach" in res.output, res.output
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", url, "--password", "x"])
    assert res.exit_code == 2 and "--user" in res.output, res.output


def test_unreachable_store_exits_2():
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", f"http://127.0.0.1:{free_port()}/store"])
    assert res.exit_code == 2, res.output
    assert "cannot reach" in res.output and "before anything was stored" in res.output
    assert "Traceback" not in res.output


def test_folder_without_graph_nt_exits_2(tmp_path):
    res = CliRunner().invoke(cli, ["push", str(tmp_path), "--endpoint", "http://127.0.0.1:1/store"])
    assert res.exit_code == 2 and "graph.nt" in res.output, res.output
