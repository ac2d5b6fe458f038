"""`kg serve`: the real server (the CLI in a subprocess, uvicorn) on a free loopback port, spoken to
over HTTP with requests and SPARQLWrapper."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

requests = pytest.importorskip("requests")
pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from kg.serve import ServeSettings, is_loopback, negotiate, SOLUTION_TYPES  # noqa: E402
from kg.store import list_queries  # noqa: E402
from kg_fixture import build_dir  # noqa: E402

KG_BIN = Path(sys.executable).with_name("kg")
BENCHMARKS = "SELECT ?l WHERE { ?e a kg:Benchmark ; rdfs:label ?l } ORDER BY ?l"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *args: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [str(KG_BIN), "serve", str(build_dir()), "--port", str(self.port), *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kg serve exited: {self.proc.stdout.read()}")
            try:
                if requests.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("kg serve did not come up in 60 s")

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, _ = self.proc.communicate()
        return out


@pytest.fixture(scope="module")
def server():
    s = Server("--timeout", "2", "--max-rows", "3", "--max-body", "4096", "--workers", "2")
    yield s
    log = s.stop()
    assert "Traceback" not in log, log


def _labels(resp) -> list[str]:
    return [b["l"]["value"] for b in resp.json()["results"]["bindings"]]


# ---------------------------------------------------------------- the protocol


def test_get_returns_sparql_json(server):
    r = requests.get(server.sparql, params={"query": BENCHMARKS}, timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert _labels(r) == ["GSM8K", "MATH-500"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_post_sparql_query_and_form(server):
    a = requests.post(server.sparql, data=BENCHMARKS.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=10)
    b = requests.post(server.sparql, data={"query": BENCHMARKS}, timeout=10)
    assert a.status_code == b.status_code == 200
    assert _labels(a) == _labels(b) == ["GSM8K", "MATH-500"]


@pytest.mark.parametrize("accept, fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_select_in_every_results_format(server, accept, fmt):
    q = "SELECT ?l ?v ?r WHERE { ?r a kg:Result ; kg:value ?v ; kg:benchmark/rdfs:label ?l } ORDER BY DESC(?v) LIMIT 2"
    r = requests.get(server.sparql, params={"query": q}, headers={"Accept": accept}, timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == accept
    if fmt == ox.QueryResultsFormat.CSV:  # lossy by design: Oxigraph will not parse it, Python's csv does
        table = list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
        assert table[0] == ["l", "v", "r"] and r.content.endswith(b"\r\n")
        got = table[1:]
    else:
        got = [[sol[v].value for v in ("l", "v", "r")] for sol in ox.parse_query_results(r.content, format=fmt)]
    assert got == [["GSM8K", "88.5", "https://w3id.org/paper-kg/id/result/p1/2"],
                   ["GSM8K", "80.1", "https://w3id.org/paper-kg/id/result/p3/1"]]
    if fmt != ox.QueryResultsFormat.CSV:
        # the formats that keep term types say which value is a decimal and which an IRI
        sol = next(iter(ox.parse_query_results(r.content, format=fmt)))
        assert isinstance(sol["r"], ox.NamedNode)
        assert sol["v"].datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


@pytest.mark.parametrize("accept, fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                         ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_construct_as_turtle_and_ntriples(server, accept, fmt):
    q = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a kg:Benchmark ; rdfs:label ?l }"
    r = requests.post(server.sparql, data={"query": q}, headers={"Accept": accept}, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept
    triples = {(t.subject.value, t.object.value) for t in ox.parse(r.content, format=fmt)}
    assert triples == {("https://w3id.org/paper-kg/id/entity/GSM8K", "GSM8K"),
                       ("https://w3id.org/paper-kg/id/entity/MATH-500", "MATH-500")}


def test_describe_defaults_to_turtle(server):
    r = requests.get(server.sparql, params={"query": "DESCRIBE kgr:entity\\/BazSet"}, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))) == 3  # type, label, paperCount


def test_ask(server):
    r = requests.get(server.sparql, params={"query": "ASK { ?p a kg:Paper }"}, timeout=10)
    assert r.json() == {"head": {}, "boolean": True}


def test_unacceptable_format_is_406(server):
    r = requests.get(server.sparql, params={"query": BENCHMARKS}, headers={"Accept": "image/png"}, timeout=10)
    assert r.status_code == 406 and "text/csv" in r.text


def test_sparqlwrapper_client(server):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    for method in (None, POST):
        w = SPARQLWrapper(server.sparql)
        if method:
            w.setMethod(method)
        w.setQuery("PREFIX kg: <https://w3id.org/paper-kg/ns#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }")
        w.setReturnFormat(JSON)
        assert w.query().convert()["results"]["bindings"][0]["n"]["value"] == "4"


# ---------------------------------------------------------------- read-only and limits


@pytest.mark.parametrize("how", ["get-update", "form-update", "sparql-update", "update-as-query"])
def test_update_is_refused(server, how):
    upd = "INSERT DATA { <http://e/x> a <https://w3id.org/paper-kg/ns#Paper> }"
    if how == "get-update":
        r = requests.get(server.sparql, params={"update": upd}, timeout=10)
    elif how == "form-update":
        r = requests.post(server.sparql, data={"update": upd}, timeout=10)
    elif how == "sparql-update":
        r = requests.post(server.sparql, data=upd.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=10)
    else:
        r = requests.post(server.sparql, data={"query": upd}, timeout=10)
    assert r.status_code == 403 and "read-only" in r.text
    count = requests.get(server.sparql, params={"query": "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }"}, timeout=10)
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "4"


def test_federated_queries_are_refused(server):
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    r = requests.get(server.sparql, params={"query": q}, timeout=10)
    assert r.status_code == 403 and "SERVICE" in r.text


def test_workers_have_no_network(server):
    """The second wall behind the SERVICE check: where Linux allows, a worker cannot connect anywhere."""
    code = ("import socket, sys\nfrom kg.serve import _isolate_network\n"
            "if not _isolate_network(): sys.exit(3)\n"
            f"socket.create_connection(('127.0.0.1', {server.port}), timeout=2)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    if res.returncode == 3:
        pytest.skip("network namespaces are not available here")
    assert res.returncode == 1 and "Network is unreachable" in res.stderr


def test_other_host_names_are_refused_on_loopback(server):
    r = requests.get(server.sparql, params={"query": BENCHMARKS}, headers={"Host": "rebind.example"}, timeout=10)
    assert r.status_code == 400
    ok = requests.get(server.sparql, params={"query": BENCHMARKS}, headers={"Host": f"localhost:{server.port}"}, timeout=10)
    assert ok.status_code == 200


def test_expensive_query_is_stopped_and_the_server_goes_on(server):
    t0 = time.monotonic()
    r = requests.get(server.sparql, params={"query": EXPENSIVE}, timeout=30)
    assert r.status_code == 503 and "limit" in r.text
    assert time.monotonic() - t0 < 6
    for _ in range(3):  # the other worker answers at once; the killed one is replaced
        ok = requests.get(server.sparql, params={"query": BENCHMARKS}, timeout=10)
        assert ok.status_code == 200 and _labels(ok) == ["GSM8K", "MATH-500"]


def test_long_answers_are_cut_at_max_rows(server):
    r = requests.get(server.sparql, params={"query": "SELECT ?p WHERE { ?p a kg:Paper } ORDER BY ?p"}, timeout=10)
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 3
    assert r.headers["x-sparql-maxrows"] == "3"
    short = requests.get(server.sparql, params={"query": BENCHMARKS}, timeout=10)
    assert "x-sparql-maxrows" not in short.headers


def test_large_body_is_413(server):
    q = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    r = requests.post(server.sparql, data=q.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert r.status_code == 413


@pytest.mark.parametrize("kwargs, status, text", [
    ({"params": {"query": "SELECT ?x WHERE {"}}, 400, "SPARQL syntax error"),
    ({"params": {}}, 400, "exactly one SPARQL query"),
    ({"params": [("query", BENCHMARKS), ("query", BENCHMARKS)]}, 400, "exactly one SPARQL query"),
    ({"params": {"query": BENCHMARKS, "default-graph-uri": "http://e/g"}}, 400, "not supported"),
])
def test_bad_requests_are_one_line_without_trace(server, kwargs, status, text):
    r = requests.get(server.sparql, timeout=10, **kwargs)
    assert r.status_code == status and text in r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_unknown_content_type_is_415(server):
    r = requests.post(server.sparql, data=b"{}", headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 415


def test_no_cors_unless_asked(server):
    r = requests.get(server.sparql, params={"query": BENCHMARKS}, headers={"Origin": "http://evil.test"}, timeout=10)
    assert "access-control-allow-origin" not in r.headers
    pre = requests.options(server.sparql, headers={"Origin": "http://evil.test", "Access-Control-Request-Method": "POST"},
                           timeout=10)
    assert "access-control-allow-origin" not in pre.headers


def test_cors_for_the_given_origin_only():
    s = Server("--cors", "http://app.test", "--workers", "1", "--in-memory")  # in-memory workers get covered too
    try:
        ok = requests.get(s.sparql, params={"query": BENCHMARKS}, headers={"Origin": "http://app.test"}, timeout=10)
        assert ok.headers["access-control-allow-origin"] == "http://app.test"
        pre = requests.options(s.sparql, headers={"Origin": "http://app.test", "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"}, timeout=10)
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "http://app.test"
        other = requests.get(s.sparql, params={"query": BENCHMARKS}, headers={"Origin": "http://evil.test"}, timeout=10)
        assert "access-control-allow-origin" not in other.headers
    finally:
        s.stop()


def test_loopback_by_default():
    assert ServeSettings().host == "127.0.0.1" and is_loopback(ServeSettings().host)
    assert not is_loopback("0.0.0.0")


def test_negotiation_prefers_quality_then_server_order():
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_TYPES) == "application/sparql-results+xml"
    assert negotiate("text/*", SOLUTION_TYPES) == "text/csv"
    assert negotiate("*/*;q=0.1, text/tab-separated-values", SOLUTION_TYPES) == "text/tab-separated-values"


# ---------------------------------------------------------------- the query page


def test_query_page_is_offline_and_lists_the_named_queries(server):
    r = requests.get(server.url + "/", timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    html = r.text
    assert "<script src" not in html and "<link" not in html  # nothing to fetch from elsewhere
    data = json.loads(html.split('<script type="application/json" id="data">')[1].split("</script>")[0])
    names = [e["name"] for e in data["examples"]]
    assert set(q.name for q in list_queries()) <= set(names)
    # every example runs as given (parameters filled in with the examples' values)
    for e in data["examples"]:
        res = requests.post(server.sparql, data={"query": e["query"]}, timeout=10)
        assert res.status_code == 200, (e["name"], res.text)
