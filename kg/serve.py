"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over a build folder.

Design, and why:

* Queries run in a small pool of worker *processes*, each with the build's Oxigraph store open
  read-only. A query that passes the time limit cannot be cancelled inside Oxigraph, so its worker is
  killed and replaced; the server itself never stalls (threads could not be stopped).
* Results are cut at `max_rows` rows (or triples); the response then carries the header
  `X-SPARQL-MaxRows: N` (the header Virtuoso uses for the same cut).
* Read-only: SPARQL Update (the `update` parameter, `application/sparql-update`, or update syntax
  sent as a query) is refused with 403. The store is opened read-only as well.
* No outgoing calls: Oxigraph would run a SERVICE clause by calling that endpoint, so queries with
  SERVICE get 403, and the workers run in an empty network namespace where Linux allows it.
* On loopback, only requests whose Host is a loopback name are answered (no DNS rebinding).
* Request bodies over `max_body` bytes get 413; errors are one line of plain text, never a trace;
  CORS headers are sent only for the origins given; the default address is loopback.
* `/` is a small query page that works offline (no external scripts or styles), with the named
  queries of ontology/queries/ as examples.

The module imports only the standard library and pyoxigraph at the top, so worker processes start
fast; Starlette and uvicorn (the `serve` extra) are imported when an app is made.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import queue
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.errors import ConfigError, InputError, MissingExtraError

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class ServeSettings:
    """Options of `kg serve`; the defaults are safe for a laptop."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0  # seconds a query may run (waiting for a free worker included)
    max_rows: int = 10_000  # rows or triples per response
    max_body: int = 1 << 20  # bytes of a POST body
    cors: tuple[str, ...] = ()  # allowed origins; none means no CORS headers
    workers: int = 2  # query processes
    in_memory: bool = False  # each worker copies the store into memory (benchmarks/QUERIES.md: from 2.4x faster to 2.2x slower), more RAM

    def __post_init__(self):
        if self.timeout <= 0 or self.max_rows < 1 or self.max_body < 1 or self.workers < 1:
            raise ConfigError("timeout, max-rows, max-body and workers must be positive "
                              f"(got {self.timeout}, {self.max_rows}, {self.max_body}, {self.workers})")


@dataclass(frozen=True)
class Reply:
    """What a worker hands back: a complete HTTP response."""

    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str, **headers: str) -> Reply:
    return Reply(status, (message.rstrip() + "\n").encode("utf-8"), headers=dict(headers))


# ---------------------------------------------------------------- content negotiation

#: Result formats for SELECT and ASK, the server's preference first: media type -> format key.
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
#: RDF formats for CONSTRUCT and DESCRIBE, the server's preference first.
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    out = []
    for part in accept.split(","):
        bits = [b.strip() for b in part.split(";")]
        mt = bits[0].lower()
        if not mt:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((mt, q))
    return out


def negotiate(accept: str | None, offers) -> str | None:
    """The offered media type the Accept header likes best (ties: the server's order); None if none.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_TYPES)
    'application/sparql-results+xml'
    >>> negotiate(None, SOLUTION_TYPES)
    'application/sparql-results+json'
    >>> negotiate("image/png", SOLUTION_TYPES) is None
    True
    """
    offers = list(offers)
    if not accept or not accept.strip():
        return offers[0]
    ranges = _accept_ranges(accept)
    best, best_q = None, 0.0
    for offer in offers:
        major = offer.split("/")[0]
        q, spec = 0.0, -1
        for mt, mq in ranges:
            s = 2 if mt == offer else 1 if mt == f"{major}/*" else 0 if mt == "*/*" else -1
            if s > spec:
                q, spec = mq, s
        if spec >= 0 and q > best_q:
            best, best_q = offer, q
    return best


# ---------------------------------------------------------------- result serialisers


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != _XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    return {"type": "literal", "value": str(t)}  # a quoted triple: not in our graphs


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    return f"<literal>{escape(str(t))}</literal>"


def _csv_field(t) -> str:
    if t is None:
        return ""
    v = f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value if hasattr(t, "value") else str(t)
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def serialize_solutions(variables: list[str], rows: list[list], fmt: str) -> bytes:
    """SELECT results in SPARQL 1.1 JSON, XML, CSV or TSV (rows hold pyoxigraph terms or None)."""
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, r) if t is not None} for r in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for r in rows:
            out.append("<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                            for v, t in zip(variables, r) if t is not None) + "</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        lines = [",".join(_csv_field(ox.Literal(v)) for v in variables)]
        lines += [",".join(_csv_field(t) for t in r) for r in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in r) for r in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown result format {fmt!r}")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer in the format of `serialize_solutions`."""
    v = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{v}</boolean>\n</sparql>\n").encode("utf-8")
    if fmt == "csv":
        return f"_askResult\r\n{v}\r\n".encode("utf-8")
    return f"?_askResult\n{v}\n".encode("utf-8")


# ---------------------------------------------------------------- running one query (in a worker)

_UPDATE = re.compile(
    r"(?i)\b(?:insert|delete)\s+(?:data\b|where\b|\{)|\b(?:load|clear|drop|create|add|move|copy)\s+(?:silent\s+)?"
    r"(?:graph\b|default\b|named\b|all\b|<)"
)


def execute(store: ox.Store, sparql: str, accept: str | None, max_rows: int, prefixes: dict[str, str]) -> Reply:
    """Run one query and serialise the answer as the client asked. Never raises."""
    try:
        res = store.query(sparql, prefixes=prefixes)
    except SyntaxError as e:
        if _UPDATE.search(sparql):
            return _text(403, "this endpoint is read-only: SPARQL Update is not accepted")
        return _text(400, f"SPARQL syntax error: {e}")
    except Exception as e:  # noqa: BLE001 - any engine error becomes one line, never a trace
        return _text(400, f"query failed: {str(e)[:500]}")
    try:
        if type(res).__name__ == "QueryBoolean" or isinstance(res, bool):
            mt = negotiate(accept, SOLUTION_TYPES)
            if mt is None:
                return _text(406, "ASK results are available as " + ", ".join(SOLUTION_TYPES))
            return Reply(200, serialize_boolean(bool(res), SOLUTION_TYPES[mt]), _media(mt))
        truncated = False
        if hasattr(res, "variables"):
            mt = negotiate(accept, SOLUTION_TYPES)
            if mt is None:
                return _text(406, "SELECT results are available as " + ", ".join(SOLUTION_TYPES))
            variables = [v.value for v in res.variables]
            rows = []
            for sol in res:
                if len(rows) == max_rows:
                    truncated = True
                    break
                rows.append([sol[v] for v in variables])
            body = serialize_solutions(variables, rows, SOLUTION_TYPES[mt])
        else:
            mt = negotiate(accept, GRAPH_TYPES)
            if mt is None:
                return _text(406, "CONSTRUCT and DESCRIBE results are available as " + ", ".join(GRAPH_TYPES))
            triples = []
            for t in res:
                if len(triples) == max_rows:
                    truncated = True
                    break
                triples.append(t)
            # kgr: is left out: its local names hold '/', which Turtle would have to escape (kgr:entity\/X)
            body = ox.serialize(triples, format=GRAPH_TYPES[mt], prefixes={k: v for k, v in prefixes.items() if k != "kgr"})
        headers = {"X-SPARQL-MaxRows": str(max_rows)} if truncated else {}
        return Reply(200, body, _media(mt), headers)
    except Exception as e:  # noqa: BLE001
        return _text(500, f"query failed while reading results: {str(e)[:500]}")


def _media(mt: str) -> str:
    return f"{mt}; charset=utf-8" if mt.startswith("text/") or mt.endswith(("json", "xml")) else mt


def _isolate_network() -> bool:
    """Move this process into an empty network namespace, where no connection can be made.

    Oxigraph answers SERVICE clauses by calling the named endpoint over HTTP; the server refuses such
    queries (`kg.store.uses_service`), and this is the second wall: a worker has no network at all.
    Linux only; needs root, CAP_SYS_ADMIN or unprivileged user namespaces, and a single-threaded
    process (so it runs before the store opens). Returns False where it is not possible.
    """
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        clone_newnet, clone_newuser = 0x40000000, 0x10000000
        return libc.unshare(clone_newnet) == 0 or libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def _worker_main(conn, store_path: str, prefixes: dict[str, str], in_memory: bool = False) -> None:
    """A worker process: open the store read-only, answer (query, accept, max_rows) messages."""
    isolated = _isolate_network()
    try:
        store = ox.Store.read_only(store_path)
        if in_memory:
            disk, store = store, ox.Store()
            store.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
            del disk
    except OSError as e:
        conn.send(f"cannot open the store: {e}")
        return
    conn.send("ready" if isolated else "ready, not isolated")
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        conn.send(execute(store, *msg, prefixes))


# ---------------------------------------------------------------- the worker pool (in the server)


class _Worker:
    isolated = False

    def __init__(self, ctx, store_path: str, prefixes: dict[str, str], in_memory: bool):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, store_path, prefixes, in_memory), daemon=True)
        self.proc.start()
        child.close()

    def wait_ready(self, timeout: float) -> bool:
        try:
            if not self.conn.poll(timeout):
                return False
            msg = self.conn.recv()
        except (EOFError, OSError):
            return False
        self.isolated = msg == "ready"
        return msg.startswith("ready")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class QueryPool:
    """`size` worker processes; `run()` blocks (call it from a thread) and never raises."""

    def __init__(self, store_path: str | Path, prefixes: dict[str, str], size: int, timeout: float,
                 in_memory: bool = False):
        self._ctx = multiprocessing.get_context("spawn")
        self._path, self._prefixes, self._timeout, self._in_memory = str(store_path), prefixes, timeout, in_memory
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._spawn() for _ in range(size)]
        for w in workers:
            if not w.wait_ready(600):
                self.close()
                raise InputError(f"a query worker could not open the store {self._path}")
            self._idle.put(w)
        #: whether the workers run without network (see _isolate_network)
        self.isolated = all(w.isolated for w in workers)

    def _spawn(self) -> _Worker:
        w = _Worker(self._ctx, self._path, self._prefixes, self._in_memory)
        with self._lock:
            self._all.add(w)
        return w

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
            if self._closed:
                return

        def start():
            w = self._spawn()
            if w.wait_ready(600) and not self._closed:
                self._idle.put(w)
            else:
                self._retire(w)

        # replacing takes a moment (a new interpreter); the caller's answer does not wait for it
        threading.Thread(target=start, daemon=True).start()

    def _retire(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._all.discard(w)

    def run(self, sparql: str, accept: str | None, max_rows: int) -> Reply:
        deadline = time.monotonic() + self._timeout
        try:
            w = self._idle.get(timeout=self._timeout)
        except queue.Empty:
            return _text(503, f"busy: no query worker became free within {self._timeout:g} s", **{"Retry-After": "1"})
        try:
            w.conn.send((sparql, accept, max_rows))
            if w.conn.poll(max(0.0, deadline - time.monotonic())):
                reply = w.conn.recv()
                self._idle.put(w)
                return reply
        except (EOFError, OSError):
            self._replace(w)
            return _text(500, "the query worker stopped unexpectedly")
        self._replace(w)
        return _text(503, f"query stopped: it ran longer than the limit of {self._timeout:g} s", **{"Retry-After": "1"})

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.proc.join(1)
            if w.proc.is_alive():
                w.kill()


# ---------------------------------------------------------------- the app


def prepare_store(build_dir: str | Path) -> tuple[Path, Path | None]:
    """The on-disk store to serve: the build's own, or one loaded from its graph file into a temporary
    folder (returned second, for removal when the server stops)."""
    from kg.store import graph_file

    d = Path(build_dir)
    if not d.is_dir():
        raise InputError(f"no such build folder: {d}")
    if (d / "store").is_dir():
        return d / "store", None
    found = graph_file(d)
    if found is None:
        raise InputError(f"{d} holds no graph: build it first with `kg build INPUT -o {d}`")
    tmp = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    store = ox.Store(str(tmp / "store"))
    try:
        store.bulk_load(path=str(found[0]), format=found[1])
    except (SyntaxError, ValueError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"cannot read {found[0]}: {e}") from e
    store.flush()
    del store
    return tmp / "store", tmp


def create_app(build_dir: str | Path, settings: ServeSettings = ServeSettings()):
    """The ASGI app serving `build_dir`. Workers start with the app (lifespan) and stop with it."""
    try:
        from starlette.applications import Starlette
        from starlette.concurrency import run_in_threadpool
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        from starlette.responses import HTMLResponse, PlainTextResponse, Response
        from starlette.routing import Route
    except ImportError as e:
        raise MissingExtraError("kg serve", "serve") from e
    from contextlib import asynccontextmanager

    from kg.store import QUERY_PREFIXES, uses_service

    store_path, tmp = prepare_store(build_dir)
    page = query_page()
    state: dict[str, QueryPool] = {}

    @asynccontextmanager
    async def lifespan(app):
        state["pool"] = await run_in_threadpool(QueryPool, store_path, QUERY_PREFIXES, settings.workers, settings.timeout,
                                                settings.in_memory)
        if not state["pool"].isolated:
            logging.getLogger("kg.serve").warning(
                "query workers could not be cut off from the network; SERVICE clauses are still refused")
        try:
            yield
        finally:
            state["pool"].close()
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)

    def text(status: int, message: str) -> Response:
        return PlainTextResponse(message + "\n", status_code=status)

    async def read_body(request) -> bytes | None:
        size, chunks = 0, []
        async for chunk in request.stream():
            size += len(chunk)
            if size > settings.max_body:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def sparql(request):
        params = request.query_params
        if request.method == "POST":
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > settings.max_body):
                return text(413, f"request body too large: the limit is {settings.max_body} bytes")
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return text(403, "this endpoint is read-only: SPARQL Update is not accepted")
            if ctype not in ("application/sparql-query", "application/x-www-form-urlencoded"):
                return text(415, "send the query as application/sparql-query or application/x-www-form-urlencoded")
            body = await read_body(request)
            if body is None:
                return text(413, f"request body too large: the limit is {settings.max_body} bytes")
            try:
                body_text = body.decode("utf-8")
            except UnicodeDecodeError:
                return text(400, "the request body is not UTF-8")
            if ctype == "application/sparql-query":
                queries = [body_text]
            else:
                try:
                    form = parse_qs(body_text, keep_blank_values=True, max_num_fields=100)
                except ValueError:
                    return text(400, "bad form body")
                if "update" in form:
                    return text(403, "this endpoint is read-only: SPARQL Update is not accepted")
                queries = form.get("query", [])
        else:
            if "update" in params:
                return text(403, "this endpoint is read-only: SPARQL Update is not accepted")
            queries = params.getlist("query")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return text(400, "default-graph-uri and named-graph-uri are not supported: the store has one graph")
        if len(queries) != 1 or not queries[0].strip():
            return text(400, "give exactly one SPARQL query in the 'query' parameter (see / for examples)")
        if uses_service(queries[0]):
            return text(403, "federated queries (SERVICE) are not allowed on this endpoint")
        reply = await run_in_threadpool(state["pool"].run, queries[0], request.headers.get("accept"), settings.max_rows)
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=reply.headers)

    async def home(request):
        return HTMLResponse(page, headers={
            "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                                       "style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'"})

    async def server_error(request, exc):
        return text(500, "internal error")

    middleware = []
    if is_loopback(settings.host):
        # a page on another site cannot reach a loopback server through a DNS name it controls
        # (DNS rebinding): only requests addressed to a loopback name are answered
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "::1", "[::1]"]))
    if settings.cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors), allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"], max_age=600))
    app = Starlette(
        routes=[Route("/", home, methods=["GET"]), Route("/sparql", sparql, methods=["GET", "POST"])],
        middleware=middleware,
        exception_handlers={Exception: server_error},
        lifespan=lifespan,
    )
    return _SecurityHeaders(app)


class _SecurityHeaders:
    """ASGI wrapper: every response says nosniff and no-referrer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def serve(build_dir: str | Path, settings: ServeSettings = ServeSettings(), *, log_level: str = "info") -> None:
    """Serve `build_dir` until interrupted (uvicorn; blocks)."""
    try:
        import uvicorn
    except ImportError as e:
        raise MissingExtraError("kg serve", "serve") from e
    app = create_app(build_dir, settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level, server_header=False,
                limit_concurrency=max(16, 8 * settings.workers), timeout_keep_alive=5,
                timeout_graceful_shutdown=5)


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address (only this machine can connect).

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- the query page


def query_page() -> str:
    """The HTML page at `/`: a query box, the named queries as examples, results as a table."""
    from kg.store import QUERY_PREFIXES, list_queries, render_query

    examples = [{"name": "all papers", "description": "Every paper with its title.",
                 "query": "SELECT ?identifier ?title WHERE {\n  ?paper a kg:Paper ;\n         dcterms:identifier ?identifier ;\n"
                          "         dcterms:title ?title .\n}\nORDER BY ?identifier\nLIMIT 100\n"}]
    for q in list_queries():
        text = render_query(q, q.example) if q.params else q.text
        desc = q.description + (f" (example: {', '.join(f'{k}={v}' for k, v in q.example.items())})" if q.params else "")
        examples.append({"name": q.name, "description": desc, "query": text})
    prolog = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in QUERY_PREFIXES.items())
    data = json.dumps({"examples": examples, "prolog": prolog}).replace("<", "\\u003c")
    return _PAGE.replace("__DATA__", data)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paper-kg SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:1.5em auto;max-width:70em;padding:0 1em;color:#222}
textarea{width:100%;height:16em;font:13px ui-monospace,monospace;box-sizing:border-box}
select,button{font:inherit;margin:.3em .3em .3em 0}
table{border-collapse:collapse;margin-top:1em;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}#status{color:#555}#desc{color:#555;margin:.3em 0}.err{color:#a00;white-space:pre-wrap}
code{background:#f3f3f3;padding:0 3px}
</style></head><body>
<h1>paper-kg SPARQL endpoint</h1>
<p>Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, read-only). Prefixes <span id="prefixes"></span> are predeclared.</p>
<label>Example: <select id="examples"></select></label>
<div id="desc"></div>
<textarea id="query" spellcheck="false"></textarea><br>
<button id="run">Run query</button> <span id="status"></span>
<div id="out"></div>
<script type="application/json" id="data">__DATA__</script>
<script>
(function(){
  var data = JSON.parse(document.getElementById('data').textContent);
  var sel = document.getElementById('examples'), q = document.getElementById('query');
  document.getElementById('prefixes').textContent = data.prolog.match(/PREFIX (\\w+):/g).map(function(s){return s.slice(7)}).join(' ');
  data.examples.forEach(function(e, i){ var o = document.createElement('option'); o.value = i; o.textContent = e.name; sel.appendChild(o); });
  function pick(){ var e = data.examples[sel.value]; q.value = e.query; document.getElementById('desc').textContent = e.description; }
  sel.onchange = pick; pick();
  function cell(b){ return b ? b.value : ''; }
  document.getElementById('run').onclick = function(){
    var out = document.getElementById('out'), st = document.getElementById('status');
    out.textContent = ''; st.textContent = 'running...'; var t0 = Date.now();
    fetch('sparql', {method: 'POST', headers: {'Content-Type': 'application/sparql-query',
      'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}, body: q.value})
    .then(function(r){ return r.text().then(function(body){ return {r: r, body: body}; }); })
    .then(function(x){
      var ms = (Date.now() - t0) + ' ms';
      if (!x.r.ok) { st.textContent = 'error ' + x.r.status + ', ' + ms; var d = document.createElement('div'); d.className = 'err'; d.textContent = x.body; out.appendChild(d); return; }
      var cut = x.r.headers.get('X-SPARQL-MaxRows') ? ' (cut at ' + x.r.headers.get('X-SPARQL-MaxRows') + ')' : '';
      if ((x.r.headers.get('Content-Type') || '').indexOf('json') < 0) { var p = document.createElement('pre'); p.textContent = x.body; out.appendChild(p); st.textContent = ms + cut; return; }
      var j = JSON.parse(x.body);
      if ('boolean' in j) { st.textContent = 'answer: ' + j.boolean + ', ' + ms; return; }
      var t = document.createElement('table'), tr = document.createElement('tr');
      j.head.vars.forEach(function(v){ var th = document.createElement('th'); th.textContent = v; tr.appendChild(th); });
      t.appendChild(tr);
      j.results.bindings.forEach(function(b){ var tr = document.createElement('tr');
        j.head.vars.forEach(function(v){ var td = document.createElement('td'); td.textContent = cell(b[v]); tr.appendChild(td); });
        t.appendChild(tr); });
      out.appendChild(t); st.textContent = j.results.bindings.length + ' row(s), ' + ms + cut;
    }).catch(function(e){ st.textContent = 'request failed: ' + e; });
  };
})();
</script></body></html>
"""
