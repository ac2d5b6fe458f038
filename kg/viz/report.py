"""report.html: what a corpus is about, as matplotlib charts inlined as SVG, plus the results table.

The page has no script at all. Chart text is written by matplotlib's SVG backend as escaped
`<text>` (fonttype "none", math parsing off), and every other string goes through Jinja's
autoescaping; `_check_svg` refuses a chart holding anything active.
"""
from __future__ import annotations

import io
import re
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pandas as pd

from kg.errors import ExportError
from kg.viz.escape import safe_href, text
from kg.viz.subgraph import check_graph
from kg.viz.style import ENTITY_KINDS, PAPER, PAPER_RELATIONS, RESULT, is_entity, kind_style

TEMPLATES = Path(__file__).parent / "templates"
TOP = 15
HEATMAP_ROWS, HEATMAP_COLS = 15, 12
TIMELINE_ENTITIES = 6
MAX_RESULT_ROWS = 1000
LABEL_CHARS = 42
PLURAL = {"Method": "methods", "Model": "models", "Dataset": "datasets", "Benchmark": "benchmarks"}


def write_report_html(g: nx.MultiDiGraph, path: str | Path, *, title: str = "paper-kg report") -> None:
    """Write the report page: top entities per type, method x benchmark heatmap, entities over time
    (when papers carry dates) and the results table.

    Args:
        g: the graph (`KnowledgeGraph.nx`).
        path: the .html file to write (replaced atomically).
        title: page title.

    Raises:
        ConfigError: `g` is not a MultiDiGraph.
        ExportError: the file cannot be written.

    >>> import tempfile
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("https://w3id.org/paper-kg/id/method/grpo", kind="Method", label="GRPO", aliases=[], paper_count=1)
    >>> write_report_html(g, Path(tempfile.mkdtemp()) / "report.html")
    """
    from kg.viz.explorer import _write

    check_graph(g)
    _write(Path(path), render_report(g, title=title))


def render_report(g: nx.MultiDiGraph, *, title: str = "paper-kg report") -> str:
    """The report's HTML."""
    import matplotlib
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    entities = entity_table(g)
    rc = {"svg.fonttype": "none", "text.parse_math": False, "font.size": 9, "axes.spines.top": False,
          "axes.spines.right": False, "svg.hashsalt": "paper-kg"}
    charts = []
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")  # CJK etc.: text stays text
        for kind in ENTITY_KINDS:
            top = entities[entities["kind"] == kind].head(TOP)
            svg = _bar_svg(top, kind) if len(top) else None
            charts.append({"id": f"top-{PLURAL[kind]}", "title": f"Top {PLURAL[kind]}", "svg": svg and Markup(svg),
                           "empty": f"No {PLURAL[kind]} in this graph.", "total": int((entities["kind"] == kind).sum())})
        matrix = cooccurrence(g)
        heatmap = Markup(_heatmap_svg(matrix)) if matrix.size and matrix.values.sum() else None
        periods = timeline(g)
        over_time = Markup(_timeline_svg(periods)) if periods is not None else None
    results = results_table(g)
    kinds = Counter(k for _, k in g.nodes(data="kind"))
    dated = sum(1 for _, d in g.nodes(data=True) if d.get("kind") == PAPER and _date(d.get("date")) is not None)
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True))
    return env.get_template("report.html.j2").render(
        page_title=text(title),
        css=Markup((TEMPLATES / "report.css").read_text("utf-8")),
        papers=kinds.get(PAPER, 0),
        dated=dated,
        counts=[(PLURAL[k], kinds.get(k, 0)) for k in ENTITY_KINDS],
        result_count=kinds.get(RESULT, 0),
        charts=charts,
        heatmap=heatmap,
        over_time=over_time,
        results=results[:MAX_RESULT_ROWS],
        results_cut=max(0, len(results) - MAX_RESULT_ROWS),
        top=TOP,
    )


# ---- the numbers ----

def entity_table(g: nx.MultiDiGraph) -> pd.DataFrame:
    """One row per entity (id, kind, label, papers), most papers first.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Method", label="GRPO", paper_count=2)
    >>> entity_table(g)[["label", "papers"]].values.tolist()
    [['GRPO', 2]]
    """
    rows = []
    for n, d in g.nodes(data=True):
        if not is_entity(d.get("kind")):
            continue
        papers = d.get("paper_count")
        if not isinstance(papers, int):
            papers = len({p for p in g.predecessors(n) if g.nodes[p].get("kind") == PAPER})
        rows.append({"id": str(n), "kind": text(d.get("kind")), "label": text(d.get("label")) or str(n),
                     "papers": papers})
    df = pd.DataFrame(rows, columns=["id", "kind", "label", "papers"])
    return df.sort_values(["papers", "label", "id"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def _paper_entities(g: nx.MultiDiGraph) -> dict[str, set[str]]:
    """paper id -> entity ids it links to by a paper relation."""
    out: dict[str, set[str]] = defaultdict(set)
    for u, v, d in g.edges(data=True):
        if g.nodes[u].get("kind") == PAPER and d.get("relation") in PAPER_RELATIONS and is_entity(g.nodes[v].get("kind")):
            out[u].add(v)
    return out


def cooccurrence(g: nx.MultiDiGraph, rows: int = HEATMAP_ROWS, cols: int = HEATMAP_COLS) -> pd.DataFrame:
    """Papers linking both a method (row) and a benchmark (column), for the most co-occurring ones.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p", kind="Paper", label="P"); g.add_node("m", kind="Method", label="GRPO")
    >>> g.add_node("b", kind="Benchmark", label="MATH-500")
    >>> _ = g.add_edge("p", "m", key="proposes", relation="proposes")
    >>> _ = g.add_edge("p", "b", key="evaluatesOn", relation="evaluatesOn")
    >>> cooccurrence(g).to_dict()
    {'MATH-500': {'GRPO': 1}}
    """
    pairs: Counter = Counter()
    for ents in _paper_entities(g).values():
        methods = [e for e in ents if g.nodes[e].get("kind") == "Method"]
        benches = [e for e in ents if g.nodes[e].get("kind") == "Benchmark"]
        pairs.update((m, b) for m in methods for b in benches)
    if not pairs:
        return pd.DataFrame()
    row_tot, col_tot = Counter(), Counter()
    for (m, b), c in pairs.items():
        row_tot[m] += c
        col_tot[b] += c
    label = lambda n: text(g.nodes[n].get("label")) or str(n)  # noqa: E731
    top_rows = sorted(row_tot, key=lambda n: (-row_tot[n], label(n), n))[:rows]
    top_cols = sorted(col_tot, key=lambda n: (-col_tot[n], label(n), n))[:cols]
    matrix = pd.DataFrame([[pairs.get((m, b), 0) for b in top_cols] for m in top_rows],
                          index=_unique([label(n) for n in top_rows]), columns=_unique([label(n) for n in top_cols]))
    return matrix


def timeline(g: nx.MultiDiGraph, top: int = TIMELINE_ENTITIES) -> pd.DataFrame | None:
    """Papers per period: column "all papers", then one per most-mentioned entity. None without dates.

    The period is a day, a month or a year, whichever keeps the dated span readable.
    """
    dates = {n: _date(d.get("date")) for n, d in g.nodes(data=True) if d.get("kind") == PAPER}
    dates = {n: t for n, t in dates.items() if t is not None}
    if not dates:
        return None
    span = (max(dates.values()) - min(dates.values())).days
    freq = "D" if span <= 62 else "M" if span <= 3 * 366 else "Y"
    fmt = {"D": "%Y-%m-%d", "M": "%Y-%m", "Y": "%Y"}[freq]
    period = {n: pd.Period(t, freq=freq).strftime(fmt) for n, t in dates.items()}
    links = _paper_entities(g)
    mentions = Counter(e for p in period for e in links.get(p, ()))
    label = lambda n: text(g.nodes[n].get("label")) or str(n)  # noqa: E731
    chosen = sorted(mentions, key=lambda e: (-mentions[e], label(e), e))[:top]
    columns = ["all papers", *_unique([label(e) for e in chosen])]
    first, last = min(dates.values()), max(dates.values())
    every = pd.period_range(first, last, freq=freq).strftime(fmt)
    counts = {when: [0] * len(columns) for when in every}  # empty periods stay on the axis
    for p, when in period.items():
        row = counts[when]
        row[0] += 1
        for i, e in enumerate(chosen, 1):
            row[i] += e in links.get(p, ())
    return pd.DataFrame.from_dict(counts, orient="index", columns=columns)


def results_table(g: nx.MultiDiGraph) -> list[dict]:
    """One row per Result node: system, benchmark, metric, value, unit, paper (title, href)."""
    rows = []
    for n, d in g.nodes(data=True):
        if d.get("kind") != RESULT:
            continue
        row = {"system": "", "benchmark": "", "metric": text(d.get("metric")), "value": _number(d.get("value")),
               "unit": text(d.get("unit")), "paper": "", "href": None}
        for _, v, rel in g.out_edges(n, data="relation"):
            if rel in ("system", "benchmark"):
                row[rel] = text(g.nodes[v].get("label")) or str(v)
        for u, _, rel in g.in_edges(n, data="relation"):
            if rel == "reportsResult":
                row["paper"] = text(g.nodes[u].get("label")) or str(u)
                row["href"] = safe_href(g.nodes[u].get("url"))
        rows.append(row)
    return sorted(rows, key=lambda r: (r["benchmark"].lower(), r["metric"].lower(), r["system"].lower(), r["paper"]))


# ---- the charts ----

def _bar_svg(top: pd.DataFrame, kind: str) -> str:
    from matplotlib.figure import Figure

    n = len(top)
    fig = Figure(figsize=(5.2, 0.28 * n + 0.8))
    ax = fig.add_subplot()
    y = range(n)
    ax.barh(list(y), top["papers"].tolist(), color=kind_style(kind)[0])
    ax.set_yticks(list(y), [_short(s) for s in top["label"]])
    ax.invert_yaxis()
    ax.set_xlabel("papers")
    ax.xaxis.get_major_locator().set_params(integer=True)
    for i, v in enumerate(top["papers"]):
        ax.annotate(str(v), (v, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    return _svg(fig, f"bar-{kind}")


def _heatmap_svg(matrix: pd.DataFrame) -> str:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows, cols = matrix.shape
    fig = Figure(figsize=(max(4.5, 0.45 * cols + 2.8), max(2.5, 0.32 * rows + 1.6)))
    ax = fig.add_subplot()
    im = ax.imshow(matrix.values, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(cols), [_short(s, 24) for s in matrix.columns], rotation=40, ha="right")
    ax.set_yticks(range(rows), [_short(s) for s in matrix.index])
    ax.set_xlabel("benchmark")
    ax.set_ylabel("method")
    top = matrix.values.max() or 1
    for i in range(rows):
        for j in range(cols):
            v = int(matrix.values[i, j])
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color="white" if v > top / 2 else "#222")
    bar = fig.colorbar(im, ax=ax, label="papers with both", shrink=0.8)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    return _svg(fig, "heatmap")


def _timeline_svg(frame: pd.DataFrame) -> str:
    from matplotlib.figure import Figure

    periods = list(frame.index)
    fig = Figure(figsize=(7.5, 3.4))
    ax = fig.add_subplot()
    x = list(range(len(periods)))
    ax.bar(x, frame["all papers"].tolist(), color="#dddddd", label="all papers")
    entity_cols = list(frame.columns[1:])
    if len(periods) >= 3:
        for col in entity_cols:
            ax.plot(x, frame[col].tolist(), marker="o", markersize=3, label=_short(col))
    else:  # one or two periods: side-by-side bars read better than lines
        width = 0.8 / max(1, len(entity_cols))
        for k, col in enumerate(entity_cols):
            ax.bar([i - 0.4 + width * (k + 0.5) for i in x], frame[col].tolist(), width=width * 0.9, label=_short(col))
    step = max(1, len(periods) // 12)
    ax.set_xticks(x[::step], periods[::step], rotation=30 if len(periods) > 4 else 0, ha="right" if len(periods) > 4 else "center")
    ax.set_ylabel("papers")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(fig, "timeline")


def _svg(fig, name: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"paper-kg-{name}"}):  # clip-path ids unique per chart
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)  # RDF creator block: noise
    _check_svg(svg)
    return svg


_ACTIVE = {"script", "foreignObject", "iframe", "object", "embed", "a", "animate", "set"}


def _check_svg(svg: str) -> None:
    """Refuse a chart that holds any element or attribute able to run or fetch something."""
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError as e:
        raise ExportError(f"matplotlib wrote an SVG chart that does not parse: {e}") from e
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        bad_attr = []
        for k, v in el.attrib.items():
            name = k.rsplit("}", 1)[-1].lower()
            # references inside the chart, and imshow's raster as an inline PNG, are all we allow
            ok_href = v.startswith("#") or (tag == "image" and v.startswith("data:image/png;base64,"))
            if name.startswith("on") or (name == "href" and not ok_href):
                bad_attr.append(k)
        if tag in _ACTIVE or bad_attr:
            raise ExportError(f"refusing an SVG chart with <{tag}> {bad_attr or ''}")


# ---- small helpers ----

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_YEAR = re.compile(r"\b\d{4}\b")


def _date(value) -> pd.Timestamp | None:
    """A paper's date as a Timestamp, or None when absent, unreadable or without a year.

    ISO-like strings ("2025", "2025-09", "2025-09-02T...") are read directly, other strings by
    pandas if they name a year ("Sep 2, 2025"); "Sep 2" has no place on a timeline.

    >>> _date("2025-09"), _date("Sep 2, 2025"), _date("Sep 2")
    (Timestamp('2025-09-01 00:00:00'), Timestamp('2025-09-02 00:00:00'), None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        m = _ISO.match(value)
        if m:
            try:
                return pd.Timestamp(int(m[1]), int(m[2] or 1), int(m[3] or 1))
            except ValueError:
                return None
        if not _YEAR.search(value):
            return None
    try:
        t = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if pd.isna(t):
        return None
    return t.tz_localize(None) if t.tzinfo else t


def _number(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return text(v)
    return f"{v:g}"


def _short(s, n: int = LABEL_CHARS) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "\u2026"


def _unique(labels: list[str]) -> list[str]:
    """Labels made distinct ("X", "X (2)") so two entities sharing a name keep two rows."""
    seen: Counter = Counter()
    out = []
    for s in labels:
        seen[s] += 1
        out.append(s if seen[s] == 1 else f"{s} ({seen[s]})")
    return out
