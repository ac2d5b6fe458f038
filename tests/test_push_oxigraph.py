"""`kg push` against a real Oxigraph server (`oxigraph serve`, the `oxigraph` package's binary)
started on loopback for this module: the Graph Store Protocol at /store, queries at /query. The
pushed graph holds exactly graph.nt's triples, replacing and appending do what they say, the
default graph can be the target, and every named query answers there as on the embedded store."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
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
_BIN = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
pytestmark = pytest.mark.skipif(not Path(_BIN).is_file(), reason="the oxigraph server is not installed (pip install oxigraph)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.store = f"{self.base}/store"

    def select(self, query: str, graph: str | None = GRAPH) -> tuple[list[str], list[dict]]:
        """SELECT over /query with our prefixes; the dataset given as default-graph-uri."""
        prolog = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in store.QUERY_PREFIXES.items())
        params = {"query": prolog + query}
        if graph:
            params["default-graph-uri"] = graph
        req = urllib.request.Request(f"{self.base}/query", data=urllib.parse.urlencode(params).encode(),
                                     headers={"Accept": "application/sparql-results+json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req, timeout=60) as r:
            res = json.load(r)
        return res["head"]["vars"], res["results"]["bindings"]

    def count(self, graph: str | None = GRAPH, where: str = "?s ?p ?o") -> int:
        _, rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", graph)
        return int(rows[0]["n"]["value"])


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    d = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    log = open(d / "server.log", "wb")
    proc = subprocess.Popen([_BIN, "serve", "--location", str(d / "db"), "--bind", f"127.0.0.1:{port}"],
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
    s = OxigraphServer(port)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"oxigraph serve exited with {proc.returncode}:\n{(d / 'server.log').read_text()[-2000:]}")
        try:
            s.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1", graph=None)
            return s
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                pytest.fail(f"oxigraph serve did not come up:\n{(d / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)


def _lines(build: Path) -> int:
    return sum(1 for line in (build / "graph.nt").read_bytes().split(b"\n") if line.strip())


@pytest.fixture(scope="module")
def pushed(server):
    """The fixture build pushed in requests of ~4 kB (so in many of them), replacing GRAPH."""
    build = build_dir()
    return build, push(build, server.store, graph=GRAPH, chunk_bytes=4096)


def test_pushed_graph_holds_exactly_the_lines_of_graph_nt(server, pushed):
    build, res = pushed
    assert res.requests > 5 and res.triples == _lines(build) and res.replaced
    assert server.count() == _lines(build)


@pytest.mark.parametrize("name", [q.name for q in store.list_queries()])
def test_named_query_answers_the_same_on_the_server_and_the_embedded_store(server, pushed, name):
    build, _ = pushed
    q = store.get_query(name)
    text = store.render_query(q, q.example or None)
    ours = store.run(store.open_store(build), text)
    cols, bindings = server.select(text)
    assert cols == ours.columns

    def norm(v):  # GROUP_CONCAT's order is not defined by SPARQL
        return " | ".join(sorted(v.split(" | "))) if v else v

    theirs = sorted(tuple(norm(b[c]["value"]) if c in b else None for c in cols) for b in bindings)
    assert theirs == sorted(tuple(map(norm, r)) for r in ours.rows)
    assert theirs, f"{name}: no rows on the fixture, so the comparison proves little"


def test_cli_append_adds_and_replace_replaces(server, tmp_path):
    g = GRAPH + "/cli"
    build = build_dir()
    n = _lines(build)
    extra = tmp_path / "extra.nt"
    extra.write_text('<https://example.org/s> <https://example.org/p> "an extra triple, with ünïcode ✓"@en .\n')
    res = CliRunner().invoke(cli, ["push", str(build), "--endpoint", server.store, "--graph", g])
    assert res.exit_code == 0, res.output
    assert f"{n} triples" in res.output and server.count(g) == n
    res = CliRunner().invoke(cli, ["push", str(extra), "--endpoint", server.store, "--graph", g, "--append"])
    assert res.exit_code == 0, res.output
    assert server.count(g) == n + 1
    assert server.count(g, '?s ?p "an extra triple, with ünïcode ✓"@en') == 1
    res = CliRunner().invoke(cli, ["push", str(build), "--endpoint", server.store, "--graph", g, "--replace"])
    assert res.exit_code == 0, res.output
    assert server.count(g) == n


def test_the_default_graph_is_a_target_too(server, tmp_path):
    # no --graph: the default graph, which Oxigraph's graph store (unlike Virtuoso's) accepts;
    # replacing it twice leaves one copy, and the named graphs are untouched
    build = build_dir()
    named = server.count(GRAPH)
    for _ in range(2):
        res = CliRunner().invoke(cli, ["push", str(build), "--endpoint", server.store])
        assert res.exit_code == 0, res.output
    assert server.count(graph=None) == _lines(build)  # (the server's default graph is its own)
    assert server.count(GRAPH) == named


def test_blank_nodes_stay_one_node_across_requests(server, tmp_path):
    ttl = tmp_path / "bnodes.ttl"
    ttl.write_text("@prefix ex: <https://example.org/> .\n" + "".join(
        f'ex:s{i} ex:label "s{i}" ; ex:has [ ex:name "node {i}" ; ex:rank {i} ] .\n' for i in range(40)))
    g = GRAPH + "/bnodes"
    res = push(ttl, server.store, graph=g, chunk_bytes=64)
    assert res.triples == 160 and res.requests > 2
    assert server.count(g) == 160
    assert server.count(g, "?s <https://example.org/has> ?b . ?b <https://example.org/name> ?n ; "
                           "<https://example.org/rank> ?r") == 40


def test_a_refusal_is_one_line_with_the_stores_reason(server, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text("<https://example.org/s> <https://example.org/p> .\n")  # no object
    res = CliRunner().invoke(cli, ["push", str(bad), "--endpoint", server.store, "--graph", GRAPH + "/bad"])
    assert res.exit_code != 0 and "Traceback" not in res.output, res.output
    assert len(res.output.strip().splitlines()) == 1
