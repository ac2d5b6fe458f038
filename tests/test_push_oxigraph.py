"""`kg push` against a real Oxigraph server (`oxigraph serve`, the `oxigraph` package's binary)
started on loopback for this module: the Graph Store Protocol at /store, queries at /query. The
pushed graph holds exactly graph.nt's triples, replacing and appending do what they say, the
default graph can be the target, and every named query answers there as on the embedded store."""
from __future__ import annotations

import shutil
import sys
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
_BIN = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
pytestmark = pytest.mark.skipif(not Path(_BIN).is_file(), reason="the oxigraph server is not installed (pip install oxigraph)")


class OxigraphServer:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.store = f"{self.base}/store"

    def select(self, query: str, graph: str | None = GRAPH) -> tuple[list[str], list[dict]]:
        return sparql_select(f"{self.base}/query", query, graph)

    def count(self, graph: str | None = GRAPH, where: str = "?s ?p ?o") -> int:
        _, rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", graph)
        return int(rows[0]["n"]["value"])


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    d = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    s = OxigraphServer(port)
    start_server(request, [_BIN, "serve", "--location", str(d / "db"), "--bind", f"127.0.0.1:{port}"], d,
                 lambda: s.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1", graph=None), wait_s=60)
    return s


@pytest.fixture(scope="module")
def pushed(server):
    """The fixture build pushed in requests of ~4 kB (so in many of them), replacing GRAPH."""
    build = build_dir()
    return build, push(build, server.store, graph=GRAPH, chunk_bytes=4096)


def test_pushed_graph_holds_exactly_the_lines_of_graph_nt(server, pushed):
    build, res = pushed
    assert res.requests > 5 and res.triples == nt_lines(build) and res.replaced
    assert server.count() == nt_lines(build)


@pytest.mark.parametrize("name", [q.name for q in store.list_queries()])
def test_named_query_answers_the_same_on_the_server_and_the_embedded_store(server, pushed, name):
    named_query_answers_the_same(server.select, pushed[0], name)


def test_cli_append_adds_and_replace_replaces(server, tmp_path):
    append_adds_and_replace_replaces(server.store, server.count, GRAPH + "/cli", tmp_path)


def test_the_default_graph_is_a_target_too(server):
    # no --graph: the default graph, which Oxigraph's graph store (unlike Virtuoso's) accepts;
    # replacing it twice leaves one copy, and the named graphs are untouched
    build = build_dir()
    named = server.count(GRAPH)
    for _ in range(2):
        res = CliRunner().invoke(cli, ["push", str(build), "--endpoint", server.store])
        assert res.exit_code == 0, res.output
    assert server.count(graph=None) == nt_lines(build)  # (the server's default graph is its own)
    assert server.count(GRAPH) == named


def test_blank_nodes_stay_one_node_across_requests(server, tmp_path):
    blank_nodes_stay_whole(server.store, server.count, GRAPH + "/bnodes", tmp_path)


def test_a_refusal_is_one_line_with_the_stores_reason(server, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text("<https://example.org/s> <https://example.org/p> .\n")  # no object
    res = CliRunner().invoke(cli, ["push", str(bad), "--endpoint", server.store, "--graph", GRAPH + "/bad"])
    assert res.exit_code != 0 and "Traceback" not in res.output, res.output
    assert len(res.output.strip().splitlines()) == 1
