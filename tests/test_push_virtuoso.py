"""`kg push` against a real Virtuoso (Debian's virtuoso-opensource) started on loopback for this module:
the pushed graph holds exactly graph.nt's triples, and every named query answers the same there as on
the embedded Oxigraph store. Plus the errors that need no server."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import store
from kg.cli import cli
from kg.push import push
from kg_fixture import build_dir

GRAPH = "https://example.org/graphs/kg-test"
needs_virtuoso = pytest.mark.skipif(
    shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None,
    reason="Virtuoso not installed (apt-get install virtuoso-opensource: virtuoso-t and isql-vt)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    def __init__(self, http_port: int, sql_port: int):
        self.base = f"http://127.0.0.1:{http_port}"
        self.sql_port = sql_port
        self.crud = f"{self.base}/sparql-graph-crud"

    def select(self, query: str, graph: str | None = GRAPH) -> tuple[list[str], list[dict]]:
        """SELECT over /sparql with our prefixes; the dataset given as default-graph-uri."""
        prolog = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in store.QUERY_PREFIXES.items())
        params = {"query": prolog + query}
        if graph:
            params["default-graph-uri"] = graph
        req = urllib.request.Request(f"{self.base}/sparql", data=urllib.parse.urlencode(params).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            res = json.load(r)
        return res["head"]["vars"], res["results"]["bindings"]

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
    http_port, sql_port = _free_port(), _free_port()
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
    log = open(d / "stdout.log", "wb")
    proc = subprocess.Popen(["virtuoso-t", "+configfile", str(d / "virtuoso.ini"), "+foreground"], cwd=d,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

    request.addfinalizer(stop)
    v = Virtuoso(http_port, sql_port)
    deadline = time.monotonic() + 180  # a new database takes ~10 s to create; the CI machine may be busy
    while True:
        if proc.poll() is not None:
            pytest.fail(f"virtuoso-t exited with {proc.returncode}:\n{(d / 'stdout.log').read_text()[-2000:]}")
        try:
            v.select("ASK { ?s ?p ?o }", graph=None)
            break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                pytest.fail(f"Virtuoso did not come up:\n{(d / 'stdout.log').read_text()[-2000:]}")
            time.sleep(0.5)
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
    lines = sum(1 for l in (build / "graph.nt").read_bytes().split(b"\n") if l.strip())
    assert res.requests > 5 and res.triples == lines
    assert virtuoso.count() == lines


@needs_virtuoso
@pytest.mark.parametrize("name", [q.name for q in store.list_queries()])
def test_named_query_answers_the_same_on_virtuoso_and_oxigraph(virtuoso, pushed, name):
    build, _ = pushed
    q = store.get_query(name)
    text = store.render_query(q, q.example or None)
    ours = store.run(store.open_store(build), text)
    cols, bindings = virtuoso.select(text)
    assert cols == ours.columns

    def norm(v):  # GROUP_CONCAT's order is not defined by SPARQL
        return " | ".join(sorted(v.split(" | "))) if v else v

    theirs = sorted(tuple(norm(b[c]["value"]) if c in b else None for c in cols) for b in bindings)
    assert theirs == sorted(tuple(map(norm, r)) for r in ours.rows)
    assert theirs, f"{name}: no rows on the fixture, so the comparison proves little"


@needs_virtuoso
def test_cli_append_adds_and_replace_replaces(virtuoso, tmp_path):
    g = GRAPH + "/cli"
    build = build_dir()
    n = sum(1 for l in (build / "graph.nt").read_bytes().split(b"\n") if l.strip())
    extra = tmp_path / "extra.nt"
    extra.write_text('<https://example.org/s> <https://example.org/p> "an extra triple, with ünïcode ✓"@en .\n')
    res = CliRunner().invoke(cli, ["push", str(build), "--endpoint", virtuoso.crud, "--graph", g])
    assert res.exit_code == 0, res.output
    assert f"{n} triples" in res.output and virtuoso.count(g) == n
    res = CliRunner().invoke(cli, ["push", str(extra), "--endpoint", virtuoso.crud, "--graph", g, "--append"])
    assert res.exit_code == 0, res.output
    assert virtuoso.count(g) == n + 1
    assert virtuoso.count(g, '?s ?p "an extra triple, with ünïcode ✓"@en') == 1
    res = CliRunner().invoke(cli, ["push", str(build), "--endpoint", virtuoso.crud, "--graph", g, "--replace"])
    assert res.exit_code == 0, res.output
    assert virtuoso.count(g) == n


@needs_virtuoso
def test_blank_nodes_stay_one_node_across_requests(virtuoso, tmp_path):
    ttl = tmp_path / "bnodes.ttl"
    ttl.write_text("@prefix ex: <https://example.org/> .\n" + "".join(
        f'ex:s{i} ex:label "s{i}" ; ex:has [ ex:name "node {i}" ; ex:rank {i} ] .\n' for i in range(40)))
    g = GRAPH + "/bnodes"
    res = push(ttl, virtuoso.crud, graph=g, chunk_bytes=64)
    assert res.triples == 160 and res.requests > 2  # the lines without blank nodes go in small requests
    assert virtuoso.count(g) == 160
    # each blank node still carries its name and its rank: none was split in two
    assert virtuoso.count(g, "?s <https://example.org/has> ?b . ?b <https://example.org/name> ?n ; "
                             "<https://example.org/rank> ?r") == 40


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
    url = f"http://127.0.0.1:{_free_port()}/store"
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", url], env={"KG_PUSH_PASSWORD": "x"})
    assert res.exit_code == 2 and "cannot reach" in res.output, res.output
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", url, "--password", "x"])
    assert res.exit_code == 2 and "--user" in res.output, res.output


def test_unreachable_store_exits_2():
    res = CliRunner().invoke(cli, ["push", str(build_dir()), "--endpoint", f"http://127.0.0.1:{_free_port()}/store"])
    assert res.exit_code == 2, res.output
    assert "cannot reach" in res.output and "before anything was stored" in res.output
    assert "Traceback" not in res.output


def test_folder_without_graph_nt_exits_2(tmp_path):
    res = CliRunner().invoke(cli, ["push", str(tmp_path), "--endpoint", "http://127.0.0.1:1/store"])
    assert res.exit_code == 2 and "graph.nt" in res.output, res.output
