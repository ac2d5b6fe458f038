"""`kg validate`: check a graph against the SHACL shapes of the contract (ontology/shapes.ttl).

pySHACL runs without inference and without mixing in ontology/kg.ttl: the shapes name the four entity
classes explicitly, so the ontology adds nothing to the checks, and leaving it out keeps the data
graph as built (and validation fast).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.errors import InputError
from kg.namespaces import bind_prefixes
from kg.resources import ontology_file

# file suffix -> rdflib parser name
_FORMATS = {".nt": "nt", ".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml",
            ".owl": "xml", ".n3": "n3", ".nq": "nquads", ".trig": "trig"}


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words: which shape and property, on which node, why."""

    severity: str  # Violation, Warning or Info
    shape: str  # e.g. "kgsh:PaperShape / title"
    focus: str  # the node that failed (prefixed when it can be)
    message: str
    value: str | None = None

    def __str__(self) -> str:
        v = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {self.shape}: {self.focus}: {self.message}{v}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of `validate`: conforms, or the violations found."""

    conforms: bool
    triples: int
    violations: tuple[Violation, ...] = ()

    def summary(self, limit: int = 20) -> str:
        """A readable report: a count per shape, then the first `limit` violations."""
        if self.conforms:
            return f"conforms: {self.triples} triples checked against ontology/shapes.ttl"
        counts = Counter(v.shape for v in self.violations)
        lines = [f"does not conform: {len(self.violations)} violation(s) in {self.triples} triples"]
        lines += [f"  {n:>5}  {shape}" for shape, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        lines.append("")
        lines += [str(v) for v in self.violations[:limit]]
        if len(self.violations) > limit:
            lines.append(f"... and {len(self.violations) - limit} more")
        return "\n".join(lines)


def load_graph(path: str | Path) -> Graph:
    """A build folder (graph.nt, graph.ttl, graph.jsonld or its store) or one graph file, as an rdflib Graph.

    Raises:
        InputError: nothing readable at `path`.
    """
    p = Path(path)
    if p.is_dir():
        for name in ("graph.nt", "graph.ttl", "graph.jsonld"):
            if (p / name).is_file():
                return load_graph(p / name)
        if (p / "store").is_dir():
            import pyoxigraph as ox

            from kg.store import open_store

            data = open_store(p).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            g = Graph()
            g.parse(data=data.decode("utf-8"), format="nt")
            return g
        raise InputError(f"{p} holds no graph (graph.nt, graph.ttl, graph.jsonld or store)")
    if not p.is_file():
        raise InputError(f"no such file or folder: {p}")
    fmt = _FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the RDF format of {p.name}; use one of {', '.join(sorted(_FORMATS))}")
    g = Graph()
    try:
        g.parse(str(p), format=fmt)
    except Exception as e:  # rdflib raises many kinds for bad input
        raise InputError(f"cannot parse {p} as {fmt}: {e}") from e
    return g


def _short(g: Graph, node) -> str:
    if isinstance(node, URIRef):
        try:
            return g.namespace_manager.normalizeUri(node)
        except Exception:
            return f"<{node}>"
    if isinstance(node, Literal):
        return repr(str(node)) if node.datatype is None else f"{str(node)!r}^^{_short(g, node.datatype)}"
    return str(node)


def validate(data: str | Path | Graph, *, shapes: str | Path | None = None) -> ValidationReport:
    """Validate a build folder, a graph file or an rdflib Graph against the shapes.

    Args:
        data: what to check.
        shapes: a shapes file; default ontology/shapes.ttl.
    """
    from pyshacl import validate as shacl_validate

    g = data if isinstance(data, Graph) else load_graph(data)
    shapes_g = Graph().parse(str(shapes or ontology_file("shapes.ttl")), format="turtle")
    conforms, results, _ = shacl_validate(g, shacl_graph=shapes_g, inference="none", advanced=False,
                                          abort_on_first=False, allow_warnings=True)
    names = bind_prefixes(Graph(bind_namespaces="none"))
    names.bind("kgsh", "https://w3id.org/paper-kg/shapes#")
    # a property shape is a blank node: name it by its node shape and sh:name
    parent = {ps: ns for ns, ps in shapes_g.subject_objects(SH.property)}
    violations = []
    for r in results.subjects(predicate=None, object=SH.ValidationResult, unique=True):
        src = results.value(r, SH.sourceShape)
        shape = _short(names, src)
        if isinstance(src, BNode):
            ns, pname = parent.get(src), shapes_g.value(src, SH.name)
            shape = f"{_short(names, ns) if ns is not None else 'shape'} / {pname or _short(names, shapes_g.value(src, SH.path))}"
        sev = results.value(r, SH.resultSeverity)
        value = results.value(r, SH.value)
        violations.append(Violation(
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            shape=shape,
            focus=_short(names, results.value(r, SH.focusNode)),
            message=str(results.value(r, SH.resultMessage) or "constraint not met"),
            value=_short(names, value) if value is not None else None,
        ))
    violations.sort(key=lambda v: (v.shape, v.focus, v.message, v.value or ""))
    return ValidationReport(conforms=bool(conforms), triples=len(g), violations=tuple(violations))
