"""Upload a build's graph to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

    PUT  URL?graph=IRI   replace the named graph (or `?default`: the default graph)
    POST URL?graph=IRI   add to it

The body is N-Triples (`application/n-triples`). A large file goes in several requests, each a
run of whole lines of about `chunk_bytes`: the first is a PUT when replacing, the rest POSTs.
Blank nodes are the one thing that cannot be cut across requests (a label like `_:b1` means one
node only within one document), so lines that hold one are kept back and sent together in the last
request. Builds have none, but a graph file given by path may.

Stores name the graph parameter differently: `graph` in the standard, Fuseki (`/ds/data`) and the
Oxigraph server (`/store`); Virtuoso's `/sparql-graph-crud` and `/sparql-graph-crud-auth` take
`graph-uri` (recent versions accept both), which `graph_param_for` picks from the URL's path.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kg.errors import ConfigError, ExportError, InputError

#: Bytes of N-Triples per request: small enough for any store's request limit, large enough to be fast.
DEFAULT_CHUNK_BYTES = 8 << 20
_NT_TYPE = "application/n-triples"
#: Graph files that are converted to N-Triples (with pyoxigraph) before the upload.
_RDF_SUFFIXES = {".ttl": "TURTLE", ".jsonld": "JSON_LD", ".rdf": "RDF_XML", ".owl": "RDF_XML", ".n3": "N3"}


class PushRefused(ExportError):
    """The store answered an upload with an error status (it refused the data, the credentials or the URL)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass
class PushResult:
    """What was sent: where, how many triples, in how many requests."""

    endpoint: str
    graph: str | None  # None: the default graph
    triples: int
    requests: int
    bytes: int
    replaced: bool


def graph_param_for(endpoint: str) -> str:
    """The query parameter naming the graph at `endpoint`: `graph-uri` for Virtuoso, else `graph`.

    >>> graph_param_for("http://localhost:8890/sparql-graph-crud")
    'graph-uri'
    >>> graph_param_for("http://localhost:3030/ds/data")
    'graph'
    """
    path = urllib.parse.urlsplit(endpoint).path.rstrip("/")
    return "graph-uri" if path.endswith(("/sparql-graph-crud", "/sparql-graph-crud-auth")) else "graph"


def graph_source(path: str | Path) -> Path:
    """The graph file to upload: `path` itself, or `path/graph.nt` for a build folder.

    Raises:
        InputError: nothing there, or a build folder without graph.nt.
    """
    p = Path(path)
    if p.is_dir():
        if not (p / "graph.nt").is_file():
            raise InputError(f"{p} holds no graph.nt: build it with `kg build INPUT -o {p}` "
                             f"(graph.nt is among the default outputs), or give a graph file")
        return p / "graph.nt"
    if not p.is_file():
        raise InputError(f"no such build folder or graph file: {p}")
    if p.suffix.lower() != ".nt" and p.suffix.lower() not in _RDF_SUFFIXES:
        raise InputError(f"cannot tell the RDF format of {p.name}; give a build folder or a "
                         f".nt, {', '.join(sorted(_RDF_SUFFIXES))} file")
    return p


def push(source: str | Path, endpoint: str, *, graph: str | None = None, replace: bool = True,
         user: str | None = None, password: str | None = None, graph_param: str | None = None,
         chunk_bytes: int = DEFAULT_CHUNK_BYTES, timeout: float = 300.0) -> PushResult:
    """Upload the graph of a build folder (its graph.nt) or of a graph file to a Graph Store endpoint.

    Args:
        source: a build folder, or a graph file (.nt is streamed; .ttl, .jsonld, .rdf are converted).
        endpoint: the store's Graph Store Protocol URL, e.g. http://localhost:8890/sparql-graph-crud.
        graph: the named graph's IRI; None for the store's default graph.
        replace: PUT (the graph then holds exactly these triples) rather than POST (add to it).
        user, password: HTTP Basic or Digest credentials, whichever the store asks for.
        graph_param: the query parameter naming the graph (default: `graph_param_for(endpoint)`).
        chunk_bytes: about this many bytes of whole lines per request.
        timeout: seconds to wait for each answer.

    Returns:
        PushResult with the triple, request and byte counts.

    Raises:
        ConfigError: a bad URL, graph IRI, chunk size, or a user without a password.
        InputError: the source cannot be found or read.
        ExportError: the store cannot be reached.
        PushRefused: the store answered with an error status.
    """
    url = _check_endpoint(endpoint)
    if graph is not None:
        _check_iri(graph)
    if chunk_bytes < 1:
        raise ConfigError(f"chunk size must be at least 1 byte, not {chunk_bytes}")
    if (user is None) != (password is None):
        raise ConfigError("give both --user and --password (or KG_PUSH_PASSWORD), or neither")
    param = graph_param or graph_param_for(url)
    target = _target_url(url, param, graph)
    opener = _opener(url, user, password)
    sent = PushResult(endpoint=url, graph=graph, triples=0, requests=0, bytes=0, replaced=replace)
    for body, n in _chunks(graph_source(source), chunk_bytes):
        method = "PUT" if replace and sent.requests == 0 else "POST"
        _send(opener, method, target, body, timeout, sent)
        sent.requests += 1
        sent.triples += n
        sent.bytes += len(body)
    if sent.requests == 0:
        raise InputError(f"{source} holds no triples; nothing was sent")
    return sent


# ---------------------------------------------------------------- the pieces


def _check_endpoint(endpoint: str) -> str:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"endpoint must be an http(s) URL such as http://localhost:8890/sparql-graph-crud, "
                          f"not {endpoint!r}")
    if parts.username or parts.password:
        raise ConfigError("put credentials in --user and --password, not in the endpoint URL")
    return endpoint


def _check_iri(iri: str) -> None:
    parts = urllib.parse.urlsplit(iri)
    if not parts.scheme or re.search(r'[\s<>"{}|\\^`]', iri):
        raise ConfigError(f"graph must be an absolute IRI such as https://example.org/graphs/papers, not {iri!r}")


def _target_url(endpoint: str, param: str, graph: str | None) -> str:
    query = "default" if graph is None else urllib.parse.urlencode({param: graph})
    return endpoint + ("&" if urllib.parse.urlsplit(endpoint).query else "?") + query


def _opener(endpoint: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    if user is None:
        return urllib.request.build_opener()
    # answer whichever challenge the store sends: Virtuoso's -auth endpoints want Digest, Fuseki Basic
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, endpoint, user, password)
    return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(mgr),
                                       urllib.request.HTTPDigestAuthHandler(mgr))


def _send(opener, method: str, url: str, body: bytes, timeout: float, sent: PushResult) -> None:
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": _NT_TYPE, "Content-Length": str(len(body))})
    where = f"after {sent.triples} triples in {sent.requests} request(s)" if sent.requests else "before anything was stored"
    try:
        with opener.open(req, timeout=timeout) as r:
            r.read()
    except urllib.error.HTTPError as e:
        detail = _error_text(e)
        raise PushRefused(f"{sent.endpoint} refused the {method} (HTTP {e.code} {e.reason}){': ' + detail if detail else ''}"
                          f" [{where}]", e.code) from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        raise ExportError(f"cannot reach {sent.endpoint}: {reason} [{where}]") from e


def _error_text(e: urllib.error.HTTPError, limit: int = 300) -> str:
    """The store's own words for an error, on one line: Virtuoso's <xmp> message, else the body without tags."""
    try:
        text = e.read(64 << 10).decode("utf-8", "replace")
    except OSError:
        return ""
    m = re.search(r"<xmp>(.*?)</xmp>", text, re.S | re.I)
    if m:
        text = m.group(1)
    elif "<" in text:
        text = re.sub(r"(?is)<(head|script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def _chunks(path: Path, chunk_bytes: int) -> Iterator[tuple[bytes, int]]:
    """(body, triples) per request: runs of whole N-Triples lines, lines with blank nodes last, together."""
    held: list[bytes] = []
    buf: list[bytes] = []
    size = 0
    for line in _nt_lines(path):
        if _has_blank_node(line):
            held.append(line)
            continue
        buf.append(line)
        size += len(line)
        if size >= chunk_bytes:
            yield b"".join(buf), len(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf), len(buf)
    if held:
        yield b"".join(held), len(held)


def _nt_lines(path: Path) -> Iterator[bytes]:
    """The triples of a graph file as N-Triples lines (each ending in b"\\n"); comments and blanks dropped."""
    fmt = _RDF_SUFFIXES.get(path.suffix.lower())
    try:
        if fmt is None:
            with open(path, "rb") as f:
                # split on b"\n" only (binary readline): a literal may hold U+2028, which is not a line end here
                for line in f:
                    s = line.strip()
                    if s and not s.startswith(b"#"):
                        yield s + b"\n"
            return
        import pyoxigraph as ox

        for t in ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt)):
            yield f"{t.subject} {t.predicate} {t.object} .\n".encode("utf-8")
    except (SyntaxError, ValueError) as e:
        raise InputError(f"cannot read {path}: {e}") from e
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e


_SUBJECT = re.compile(rb"\s*(<[^>]*>|_:\S+)\s*<[^>]*>\s*")


def _has_blank_node(line: bytes) -> bool:
    """Whether the triple's subject or object is a blank node (text inside a literal does not count).

    >>> _has_blank_node(b'_:b0 <http://x/p> "a" .\\n'), _has_blank_node(b'<http://x/s> <http://x/p> _:b1 .\\n')
    (True, True)
    >>> _has_blank_node(b'<http://x/s> <http://x/p> "_:b2" .\\n')
    False
    """
    m = _SUBJECT.match(line)
    if m is None:
        return b"_:" in line  # not plain N-Triples: keep it with the rest that must travel together
    return m.group(1).startswith(b"_:") or line[m.end():].startswith(b"_:")
