"""The Oxigraph store written next to every build, SPARQL over it, and the named-query library.

Named queries are the `.rq` files in ontology/queries/. Each starts with a header of `# key: value`
comment lines:

    # name: results-for-benchmark
    # description: Results reported on a benchmark, highest value first.
    # params: benchmark
    # example: benchmark=MATH-500

A parameter is a SPARQL variable of the same name (`?benchmark`) that the query never projects.
`render_query` replaces it with an RDF term: a plain literal for ordinary text, an IRI for a value
written `<...>`. The term is serialised by Oxigraph (quotes and control characters escaped), and only
variable tokens are replaced (never text inside strings, IRIs or comments), so user text can never
change the shape of the query.
"""
from __future__ import annotations

import re
import shutil
from decimal import Decimal, InvalidOperation
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError, QueryError
from kg.namespaces import PREFIXES
from kg.resources import ontology_dir

#: Prefixes predeclared in every query (the one prefix table, kg.namespaces.PREFIXES).
QUERY_PREFIXES: dict[str, str] = {p: str(ns) for p, ns in PREFIXES.items()}

_HEADER = re.compile(r"^#\s*([A-Za-z]+)\s*:\s*(.*?)\s*$")
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class QueryResult:
    """Rows of a SELECT (or one boolean row for ASK, or triples for CONSTRUCT/DESCRIBE)."""

    columns: list[str]
    rows: list[list[str | None]]


@dataclass(frozen=True)
class NamedQuery:
    """One query of the library in ontology/queries/."""

    name: str
    description: str
    text: str
    params: tuple[str, ...] = ()
    example: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


# ---------------------------------------------------------------- the store


def load_store(nt: str | bytes, path: Path) -> Path:
    """(Re)create an on-disk Oxigraph store at `path` holding the N-Triples `nt`."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    store = ox.Store(str(tmp))
    store.bulk_load(nt.encode("utf-8") if isinstance(nt, str) else nt, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    old = path.with_name(f".{path.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return path


def graph_file(build_dir: str | Path) -> tuple[Path, ox.RdfFormat] | None:
    """The graph file of a build folder that a store can be loaded from (graph.nt, else graph.ttl)."""
    d = Path(build_dir)
    for name, fmt in (("graph.nt", ox.RdfFormat.N_TRIPLES), ("graph.ttl", ox.RdfFormat.TURTLE)):
        if (d / name).is_file():
            return d / name, fmt
    return None


def open_store(build_dir: str | Path) -> ox.Store:
    """The store of a build folder: its on-disk store, else an in-memory one loaded from graph.nt/.ttl.

    Raises:
        InputError: the folder does not exist or holds no graph.
    """
    d = Path(build_dir)
    if not d.is_dir():
        raise InputError(f"no such build folder: {d}")
    if (d / "store").is_dir():
        try:
            return ox.Store.read_only(str(d / "store"))
        except OSError as e:
            raise InputError(f"cannot open the store {d / 'store'}: {e}; rebuild with `kg build ... -o {d}`") from e
    found = graph_file(d)
    if found is None:
        raise InputError(f"{d} holds no graph: build it first with `kg build INPUT -o {d}`")
    s = ox.Store()
    try:
        s.bulk_load(path=str(found[0]), format=found[1])
    except (SyntaxError, ValueError) as e:
        raise InputError(f"cannot read {found[0]}: {e}") from e
    return s


def _term(t) -> str | None:
    if t is None:
        return None
    return t.value if hasattr(t, "value") else str(t)


def comparable(value):
    """A query answer cell in a form that compares equal across engines (Oxigraph, rdflib,
    Virtuoso): a GROUP_CONCAT list (" | ") as a sorted tuple, since SPARQL leaves its order open,
    and a number as a normalised Decimal ("64.0" and "64" are one value).

    >>> comparable("b | a"), comparable("64.0") == comparable("64"), comparable("GRPO")
    (('a', 'b'), True, 'GRPO')
    """
    if value is None:
        return None
    value = str(value)
    if " | " in value:
        return tuple(sorted(value.split(" | ")))
    try:
        return Decimal(value).normalize()
    except InvalidOperation:
        return value


def run(store: ox.Store, sparql: str) -> QueryResult:
    """Run a SPARQL query on an open store; our prefixes are predeclared.

    >>> s = ox.Store()
    >>> run(s, "ASK { ?s a kg:Paper }").rows
    [['false']]
    """
    try:
        res = store.query(sparql, prefixes=QUERY_PREFIXES)
        if isinstance(res, bool) or type(res).__name__ == "QueryBoolean":
            return QueryResult(["result"], [[str(bool(res)).lower()]])
        if hasattr(res, "variables"):
            cols = [v.value for v in res.variables]
            # a solution iterates over its values in the order of res.variables (None where unbound):
            # faster than looking each column up by name, which counts on answers of 10k+ rows
            return QueryResult(cols, [[_term(t) for t in sol] for sol in res])
        return QueryResult(["subject", "predicate", "object"],
                           [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in res])
    except (SyntaxError, ValueError, OSError, RuntimeError) as e:
        raise QueryError(f"SPARQL error: {e}") from e


def query(build_dir: str | Path, sparql: str) -> QueryResult:
    """Run a SPARQL query (our prefixes are predeclared) on a build folder."""
    return run(open_store(build_dir), sparql)


# ---------------------------------------------------------------- named queries


def queries_dir() -> Path:
    return ontology_dir() / "queries"


def parse_named_query(text: str, path: Path | None = None) -> NamedQuery:
    """Read the `# key: value` header of a `.rq` file.

    >>> q = parse_named_query("# name: n\\n# description: d\\n# params: a, b\\n# example: a=1 b=x y\\nSELECT ...")
    >>> q.name, q.params, q.example
    ('n', ('a', 'b'), {'a': '1', 'b': 'x y'})
    """
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            meta.setdefault(m.group(1).lower(), m.group(2))
    where = path or "query"
    if not meta.get("name") or not meta.get("description"):
        raise QueryError(f"{where}: a named query needs '# name:' and '# description:' header lines")
    params = tuple(p for p in re.split(r"[\s,]+", meta.get("params", "")) if p)
    bad = [p for p in params if not _PARAM_NAME.match(p)]
    if bad:
        raise QueryError(f"{where}: bad parameter name(s) {', '.join(bad)}")
    example: dict[str, str] = {}
    if meta.get("example"):
        # "a=1 b=x y": each key starts a new value, so values may contain spaces
        for m in re.finditer(r"(\w+)=(.*?)(?=\s+\w+=|$)", meta["example"]):
            example[m.group(1)] = m.group(2)
    return NamedQuery(name=meta["name"], description=meta["description"], text=text, params=params,
                      example=example, path=path)


def list_queries(directory: str | Path | None = None) -> list[NamedQuery]:
    """Every named query, sorted by name."""
    d = Path(directory) if directory else queries_dir()
    qs = [parse_named_query(p.read_text(encoding="utf-8"), p) for p in sorted(d.glob("*.rq"))]
    return sorted(qs, key=lambda q: q.name)


def get_query(name: str, directory: str | Path | None = None) -> NamedQuery:
    """The named query `name`.

    Raises:
        QueryError: no query has that name (the message lists them).
    """
    qs = list_queries(directory)
    for q in qs:
        if q.name == name:
            return q
    raise QueryError(f"no named query {name!r}; choose one of {', '.join(q.name for q in qs)} (see `kg query --list`)")


def param_term(value: str) -> str:
    """A parameter value as an RDF term in SPARQL syntax: `<iri>` stays an IRI, the rest is a literal.

    >>> param_term('MATH-500')
    '"MATH-500"'
    >>> param_term('x" } ; DROP ALL #')
    '"x\\\\" } ; DROP ALL #"'
    >>> param_term('<https://w3id.org/paper-kg/id/entity/GRPO>')
    '<https://w3id.org/paper-kg/id/entity/GRPO>'
    """
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        try:
            return str(ox.NamedNode(v[1:-1]))
        except ValueError as e:
            raise QueryError(f"bad IRI parameter {value!r}: {e}") from e
    return str(ox.Literal(value))


# A SPARQL lexer just good enough to find variables: strings, IRIs and comments are skipped whole.
_TOKENS = re.compile(
    r'''(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*)'''
    r"|(?P<var>[?$][A-Za-z_0-9\u00B7\u00C0-\uFFFF]+)",
)


# the keyword, not part of a variable (?service) or a local name (ex:service). "service:x" counts:
# Oxigraph reads "SERVICE:e { }" in a pattern as SERVICE plus the IRI :e
_SERVICE = re.compile(r"(?i)(?<![\w:?$/\\.-])service(?![\w-])")


def uses_service(sparql: str) -> bool:
    """Whether a query has a SERVICE clause (a federated call to another endpoint), strings, IRIs and
    comments aside.

    >>> uses_service("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service WHERE { ?service rdfs:label "SERVICE" } # service')
    False
    """
    code = _TOKENS.sub(lambda m: " <> " if m.group("skip") else m.group(0), sparql)
    return _SERVICE.search(code) is not None


def render_query(q: NamedQuery, params: dict[str, str] | None = None) -> str:
    """The query text with each parameter variable replaced by its value as an RDF term.

    Raises:
        QueryError: a parameter is missing or unknown.
    """
    params = dict(params or {})
    unknown = sorted(set(params) - set(q.params))
    if unknown:
        raise QueryError(f"query {q.name!r} has no parameter {', '.join(unknown)}; "
                         f"its parameters: {', '.join(q.params) or 'none'}")
    missing = [p for p in q.params if p not in params]
    if missing:
        ex = " ".join(f"--param {k}={v}" for k, v in q.example.items()) or " ".join(f"--param {p}=..." for p in q.params)
        raise QueryError(f"query {q.name!r} needs parameter(s) {', '.join(missing)}, e.g. {ex}")
    if not params:
        return q.text
    terms = {p: param_term(v) for p, v in params.items()}

    def sub(m: re.Match) -> str:
        if m.group("var") and m.group("var")[1:] in terms:
            return terms[m.group("var")[1:]]
        return m.group(0)

    return _TOKENS.sub(sub, q.text)


def named_query(build_dir: str | Path, name: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run the named query `name` with `params` on a build folder."""
    return query(build_dir, render_query(get_query(name), params))
