"""Checks that `kg push` passes against any real triple store, shared by the tests of each store
(tests/test_push_virtuoso.py, tests/test_push_oxigraph.py). A store is given as its graph store
endpoint, a `select(query, graph)` returning (columns, SPARQL JSON bindings) and a
`count(graph, where)`."""
from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from kg import store
from kg.cli import cli
from kg.push import push
from kg_fixture import build_dir

Select = Callable[..., tuple[list[str], list[dict]]]
Count = Callable[..., int]


def sparql_select(url: str, query: str, graph: str | None) -> tuple[list[str], list[dict]]:
    """A SELECT over the SPARQL protocol at `url` with our prefixes, the dataset given as
    default-graph-uri: (columns, SPARQL JSON bindings)."""
    prolog = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in store.QUERY_PREFIXES.items())
    params = {"query": prolog + query}
    if graph:
        params["default-graph-uri"] = graph
    req = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(),
                                 headers={"Accept": "application/sparql-results+json",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as r:
        res = json.load(r)
    return res["head"]["vars"], res["results"]["bindings"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(request, argv: list[str], folder: Path, ready: Callable[[], object], *, wait_s: float) -> None:
    """Run a store's server (`argv`, in `folder`, its output in folder/server.log) until the test
    module ends, and return once `ready()` answers without a connection error."""
    log_path = folder / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(argv, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

    request.addfinalizer(stop)
    deadline = time.monotonic() + wait_s
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{argv[0]} exited with {proc.returncode}:\n{log_path.read_text()[-2000:]}")
        try:
            ready()
            return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                pytest.fail(f"{argv[0]} did not come up:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.3)


def nt_lines(build: Path) -> int:
    return sum(1 for line in (build / "graph.nt").read_bytes().split(b"\n") if line.strip())


def named_query_answers_the_same(select: Select, build: Path, name: str) -> None:
    """The named query gives the same columns and rows on the store as on the build's own store."""
    q = store.get_query(name)
    text = store.render_query(q, q.example or None)
    ours = store.run(store.open_store(build), text)
    cols, bindings = select(text)
    assert cols == ours.columns

    def norm(v):  # GROUP_CONCAT's order is not defined by SPARQL
        return " | ".join(sorted(v.split(" | "))) if v else v

    theirs = sorted(tuple(norm(b[c]["value"]) if c in b else None for c in cols) for b in bindings)
    assert theirs == sorted(tuple(map(norm, r)) for r in ours.rows)
    assert theirs, f"{name}: no rows on the fixture, so the comparison proves little"


def append_adds_and_replace_replaces(endpoint: str, count: Count, graph: str, tmp_path: Path) -> None:
    """`kg push` of a build, then `--append` of one more triple, then `--replace` with the build."""
    build = build_dir()
    n = nt_lines(build)
    extra = tmp_path / "extra.nt"
    extra.write_text('<https://example.org/s> <https://example.org/p> "an extra triple, with ünïcode ✓"@en .\n')
    res = CliRunner().invoke(cli, ["push", str(build), "--endpoint", endpoint, "--graph", graph])
    assert res.exit_code == 0, res.output
    assert f"{n} triples" in res.output and count(graph) == n
    res = CliRunner().invoke(cli, ["push", str(extra), "--endpoint", endpoint, "--graph", graph, "--append"])
    assert res.exit_code == 0, res.output
    assert count(graph) == n + 1
    assert count(graph, '?s ?p "an extra triple, with ünïcode ✓"@en') == 1
    res = CliRunner().invoke(cli, ["push", str(build), "--endpoint", endpoint, "--graph", graph, "--replace"])
    assert res.exit_code == 0, res.output
    assert count(graph) == n


def blank_nodes_stay_whole(endpoint: str, count: Count, graph: str, tmp_path: Path) -> None:
    """Blank nodes in requests of 64 bytes: each stays one node, with all its triples."""
    ttl = tmp_path / "bnodes.ttl"
    ttl.write_text("@prefix ex: <https://example.org/> .\n" + "".join(
        f'ex:s{i} ex:label "s{i}" ; ex:has [ ex:name "node {i}" ; ex:rank {i} ] .\n' for i in range(40)))
    res = push(ttl, endpoint, graph=graph, chunk_bytes=64)
    assert res.triples == 160 and res.requests > 2  # the lines without blank nodes go in small requests
    assert count(graph) == 160
    # each blank node still carries its name and its rank: none was split in two
    assert count(graph, "?s <https://example.org/has> ?b . ?b <https://example.org/name> ?n ; "
                        "<https://example.org/rank> ?r") == 40
