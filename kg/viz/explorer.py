"""graph.html: one self-contained page to explore a graph, drawn by vis-network via pyvis.

pyvis builds the node and edge records and renders the page through our template
(`templates/explorer.html.j2`), which inlines vis-network's script and style from the pyvis
package, so the page fetches nothing. Input strings travel only inside the JSON data block
(see `kg.viz.escape`) and reach the page through the DOM's textContent or vis-network's canvas.
"""
from __future__ import annotations

import base64
import hashlib
import math
from pathlib import Path

import networkx as nx

from kg.errors import ExportError
from kg.viz.escape import jsonable, safe_href, script_json, text
from kg.viz.style import (KINDS, PAPER, RELATIONS, RESULT, is_entity, kind_style, ordered,
                          relation_color)
from kg.viz.subgraph import View, select_view

TEMPLATES = Path(__file__).parent / "templates"
VIS_VERSION = "9.1.2"
EDGE_LABELS_UP_TO = 400  # draw relation names on edges only while the page is small enough to read them
PAPER_LABEL_CHARS = 40


def write_graph_html(
    g: nx.MultiDiGraph,
    path: str | Path,
    *,
    max_entities: int = 500,
    max_papers: int | None = None,
    title: str = "paper-kg",
) -> dict:
    """Write the interactive graph page.

    Args:
        g: the graph (`KnowledgeGraph.nx`).
        path: the .html file to write (replaced atomically).
        max_entities: for large graphs, embed only this many of the most connected entities;
            the page says so and lets the reader show fewer.
        max_papers: most papers to embed (default 2 * max_entities).
        title: page title.

    Returns:
        What the page holds: `nodes`, `edges` (as drawn when it opens, = `window.kgView` counts),
        `entities_total`, `entities_shown`, `papers_total`, `papers_shown`, `truncated`, `bytes`.

    Raises:
        ConfigError: a cap below 1 or `g` not a MultiDiGraph.
        ExportError: the file cannot be written.

    >>> import tempfile
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("https://w3id.org/paper-kg/id/method/grpo", kind="Method", label="GRPO", aliases=[], paper_count=1)
    >>> out = write_graph_html(g, Path(tempfile.mkdtemp()) / "graph.html")
    >>> out["nodes"], out["edges"], out["truncated"]
    (1, 0, False)
    """
    view = select_view(g, max_entities=max_entities, max_papers=max_papers)
    data = page_data(view)
    html = render_page(data, title=title)
    _write(Path(path), html)
    return {
        "path": str(path),
        "nodes": len(data["nodes"]),
        "edges": len(data["edges"]),
        "entities_total": view.entities_total,
        "entities_shown": len(view.rank),
        "papers_total": view.papers_total,
        "papers_shown": view.papers_shown,
        "truncated": view.truncated,
        "bytes": len(html.encode("utf-8")),
    }


def page_data(view: View) -> dict:
    """The JSON the page reads: vis-network nodes/edges/options (from pyvis), panel info, legend."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    g = view.graph
    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    info: dict[str, dict] = {}
    pos = initial_positions(view)
    for n, d in g.nodes(data=True):
        kind = text(d.get("kind")) or "Entity"
        colour, shape, _ = kind_style(kind)
        x, y = pos[n]
        rank = view.rank.get(n)
        n = str(n)
        net.add_node(n, label=_node_label(n, kind, d), shape=shape, color=colour, size=_node_size(kind, d),
                     title=_tooltip(kind, d), kind=kind, rank=rank, x=x, y=y,
                     font={"size": 10 if kind in (PAPER, RESULT) else 14})
        info[n] = _node_info(kind, d)
    show_labels = g.number_of_edges() <= EDGE_LABELS_UP_TO
    known = set(net.node_map)
    for i, (u, v, key, d) in enumerate(sorted(g.edges(keys=True, data=True), key=_edge_order)):
        relation = text(d.get("relation") or key)
        colour = relation_color(relation)
        u, v = str(u), str(v)
        if u not in known or v not in known:  # pragma: no cover - a subgraph never has dangling edges
            continue
        # pyvis's add_edge scans the node list per edge (quadratic); its Edge record is the same thing
        edge = Edge(u, v, True, id=f"e{i}", relation=relation, title=relation,
                    color={"color": colour, "highlight": colour, "hover": colour},
                    evidence=_evidence(d.get("evidence")))
        if show_labels:
            edge.options["label"] = relation
        net.edges.append(edge.options)

    kinds = ordered({n["kind"] for n in net.nodes}, KINDS)
    relations = ordered({e["relation"] for e in net.edges}, RELATIONS)
    return jsonable({
        "nodes": net.nodes,
        "edges": net.edges,
        "options": vis_options(len(net.nodes), len(net.edges)),
        "info": info,
        "legend": {
            "kinds": [{"kind": k, "color": kind_style(k)[0], "glyph": kind_style(k)[2],
                       "count": sum(1 for n in net.nodes if n["kind"] == k)} for k in kinds],
            "relations": [{"relation": r, "color": relation_color(r),
                           "count": sum(1 for e in net.edges if e["relation"] == r)} for r in relations],
        },
        "meta": {
            "entitiesTotal": view.entities_total, "entitiesShown": len(view.rank),
            "papersTotal": view.papers_total, "papersShown": view.papers_shown,
            "truncated": view.truncated, "maxEntities": view.max_entities, "maxPapers": view.max_papers,
        },
    })


def initial_positions(view: View, spacing: float = 45.0) -> dict:
    """Starting points for the physics, so a few iterations give a readable layout.

    Entities lie on a sunflower spiral by rank (most connected in the middle); a paper starts at
    the centre of the entities it names, a result next to its paper, and a paper naming none on
    an outer ring. Deterministic: the same graph gives the same page.
    """
    g = view.graph
    golden = math.pi * (3 - math.sqrt(5))
    pos: dict = {}
    others = sorted((n for n, k in g.nodes(data="kind") if is_entity(k) and n not in view.rank), key=str)
    for i, n in enumerate([*sorted(view.rank, key=view.rank.get), *others]):
        r = spacing * math.sqrt(i + 0.5)
        pos[n] = (r * math.cos(i * golden), r * math.sin(i * golden))
    outer = spacing * math.sqrt(len(pos) + 1) + 2 * spacing
    papers = sorted((n for n, k in g.nodes(data="kind") if k == PAPER), key=str)
    lonely = 0
    for i, p in enumerate(papers):
        linked = [pos[e] for e in g.successors(p) if e in pos]
        jx, jy = math.cos(i * golden) * spacing / 2, math.sin(i * golden) * spacing / 2
        if linked:
            pos[p] = (sum(x for x, _ in linked) / len(linked) + jx, sum(y for _, y in linked) / len(linked) + jy)
        else:
            a = lonely * golden
            pos[p] = (outer * math.cos(a), outer * math.sin(a))
            lonely += 1
    for i, (n, k) in enumerate(sorted(g.nodes(data="kind"), key=lambda t: str(t[0]))):
        if n not in pos:  # results: beside their paper
            anchor = next((pos[u] for u in g.predecessors(n) if u in pos), (0.0, 0.0))
            pos[n] = (anchor[0] + spacing / 3 * math.cos(i), anchor[1] + spacing / 3 * math.sin(i))
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}


def vis_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options: physics runs a bounded number of iterations from `initial_positions`,
    then the page turns it off. vis's cost is about linear in nodes x iterations."""
    iterations = 150 if n_nodes <= 300 else 100 if n_nodes <= 1000 else 60
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": False},  # positions come from initial_positions
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -45, "centralGravity": 0.012, "springLength": 80,
                                 "springConstant": 0.08, "damping": 0.5, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
            "timestep": 0.5,
        },
        "interaction": {"hover": True, "tooltipDelay": 200, "hideEdgesOnDrag": n_edges > 1500,
                        "hideEdgesOnZoom": n_edges > 3000},
        "edges": {"smooth": False, "width": 1, "selectionWidth": 2,
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                  "font": {"size": 9, "color": "#555555", "strokeWidth": 2, "align": "middle"}},
        "nodes": {"borderWidth": 1, "font": {"face": "system-ui, sans-serif"}},
    }


def render_page(data: dict, *, title: str) -> str:
    """The HTML of the page: pyvis renders our template with the data block and inlined libraries."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    from pyvis.network import Network

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      keep_trailing_newline=True)
    vis_js = _inline(_vis_file("vis-network.min.js"), "script")
    app_js = _inline((TEMPLATES / "explorer.js").read_text("utf-8"), "script")
    env.globals.update(
        page_title=text(title),
        csp=content_security_policy(vis_js, app_js),
        data_json=Markup(script_json(data)),
        vis_js=Markup(vis_js),
        vis_css=Markup(_inline(_vis_file("vis-network.css"), "style")),
        app_js=Markup(app_js),
        app_css=Markup(_inline((TEMPLATES / "explorer.css").read_text("utf-8"), "style")),
    )
    net = Network(directed=True, cdn_resources="in_line")
    net.templateEnv = env  # pyvis renders with its own variables; ours come in as globals
    net.path = "explorer.html.j2"
    return net.generate_html()


def content_security_policy(*scripts: str) -> str:
    """A CSP that fetches nothing and runs only `scripts` (by hash): injected markup could not run.

    >>> content_security_policy("x=1").split("; ")[:2]
    ["default-src 'none'", "script-src 'sha256-HyBrEcI+KMwlDe1/wAmNOCOoRnpUNA8axOU1y4VEST8='"]
    """
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'"
                      for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def _vis_file(name: str) -> str:
    import pyvis

    root = Path(pyvis.__file__).parent
    for base in (root / "templates" / "lib", root / "lib"):
        path = base / f"vis-{VIS_VERSION}" / name
        if path.exists():
            return path.read_text("utf-8")
    raise ExportError(f"pyvis {getattr(pyvis, '__version__', '?')} does not ship vis-network {VIS_VERSION} "
                      f"({name}); reinstall with: pip install 'pyvis>=0.3.2'")


def _inline(code: str, element: str) -> str:
    # Inlined code must not end its element early or open an HTML comment inside it.
    low = code.lower()
    if f"</{element}" in low or "<!--" in low:
        raise ExportError(f"cannot inline code containing '</{element}' or '<!--' into graph.html")
    return code


def _write(path: Path, html: str) -> None:
    from kg.export import atomic_write

    try:
        atomic_write(path, html)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from e


def _edge_order(edge):
    u, v, key, _ = edge
    return (str(u), str(v), str(key))


def _node_label(n: str, kind: str, d: dict) -> str:
    label = text(d.get("label")) or text(d.get("identifier")) or n
    if kind == PAPER and len(label) > PAPER_LABEL_CHARS:
        label = label[: PAPER_LABEL_CHARS - 1].rstrip() + "\u2026"
    return label


def _node_size(kind: str, d: dict) -> float:
    if kind == PAPER:
        return 7
    if kind == RESULT:
        return 6
    count = d.get("paper_count")
    count = count if isinstance(count, (int, float)) and math.isfinite(count) and count > 0 else 1
    return round(min(10 + 6 * math.sqrt(count), 60), 1)


def _tooltip(kind: str, d: dict) -> str:
    # vis-network shows string titles with innerText: plain text, newlines kept.
    label = text(d.get("label"))
    if kind == PAPER:
        return "\n".join(x for x in (label, text(d.get("date"))) if x)
    if kind == RESULT:
        unit = f" {text(d.get('unit'))}" if d.get("unit") else ""
        return f"{label}\n{text(d.get('metric'))}: {text(d.get('value'))}{unit}"
    count = d.get("paper_count")
    lines = [label, f"{kind} \u00b7 {count} paper{'s' if count != 1 else ''}" if count is not None else kind]
    aliases = [text(a) for a in d.get("aliases") or ()]
    if aliases:
        lines.append("also: " + ", ".join(aliases[:5]))
    return "\n".join(lines)


def _node_info(kind: str, d: dict) -> dict:
    """What the side panel shows, per kind."""
    out = {"kind": kind, "label": text(d.get("label"))}
    if kind == PAPER:
        out.update(identifier=d.get("identifier"), date=d.get("date"), url=d.get("url"),
                   href=safe_href(d.get("url")), abstract=d.get("abstract"))
    elif kind == RESULT:
        out.update(metric=d.get("metric"), value=d.get("value"), unit=d.get("unit"))
    else:
        out.update(aliases=[text(a) for a in d.get("aliases") or ()], paper_count=d.get("paper_count"))
    return out


def _evidence(evidence) -> list[dict]:
    out = []
    for ev in evidence or ():
        if isinstance(ev, dict) and ev.get("sentence") is not None:
            out.append({"sentence": text(ev.get("sentence")), "start": ev.get("start"), "end": ev.get("end")})
    return out

