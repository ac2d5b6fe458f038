"""kg.viz without a browser: graph.html and report.html are self-contained, their data is safely
embedded, hostile input stays text, non-http(s) URLs never become links, large graphs are capped."""
from __future__ import annotations

import base64
import doctest
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg.viz.escape
import kg.viz.explorer
import kg.viz.report
import kg.viz.style
import kg.viz.subgraph
from kg.errors import ConfigError, ExportError
from kg.viz import write_graph_html, write_report_html
from kg.viz.escape import safe_href, script_json
from kg.viz.report import cooccurrence, entity_table, results_table, timeline
from kg.viz.subgraph import select_view
from viz_graphs import KGR, PAYLOADS, hostile_graph, sample_graph, synthetic_graph


class Page(HTMLParser):
    """The parts of a page that matter here: every element with its attributes, script bodies."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "script":
            self._in_script = attrs
            self._body = []

    def handle_data(self, data):
        if self._in_script is not None:
            self._body.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._body)))
            self._in_script = None

    def tags(self, name):
        return [a for t, a in self.elements if t == name]

    def data(self) -> dict:
        (body,) = [b for a, b in self.scripts if a.get("id") == "kg-data"]
        return json.loads(body)


def write_graph(g, tmp_path: Path, **kw) -> tuple[str, dict]:
    out = write_graph_html(g, tmp_path / "graph.html", **kw)
    return (tmp_path / "graph.html").read_text("utf-8"), out


def fetching_attributes(page: Page) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of everything that would load something when the page opens."""
    found = []
    for tag, attrs in page.elements:
        for name in ("src", "href", "srcset", "data", "poster", "background"):
            value = attrs.get(name)
            if value is None:
                continue
            if tag == "a" and name == "href":
                continue  # a link loads nothing until clicked
            if tag == "link" and attrs.get("rel") == "icon" and value == "data:,":
                continue  # our no-favicon marker
            found.append((tag, name, value))
    return found


@pytest.fixture(scope="module")
def sample():
    return sample_graph()


@pytest.fixture(scope="module")
def hostile():
    return hostile_graph()


# ---- graph.html ----

def test_graph_page_is_self_contained(sample, tmp_path):
    html, out = write_graph(sample, tmp_path)
    page = Page(html)
    assert fetching_attributes(page) == []
    assert [a for a, _ in page.scripts if "src" in a] == []
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "bootstrap" not in html.lower() and "cdnjs" not in html.lower()
    assert len(page.scripts) == 3  # data, vis-network, our explorer
    assert out["bytes"] == len(html.encode("utf-8"))


def test_graph_page_csp_allows_exactly_its_own_scripts(sample, tmp_path):
    html, _ = write_graph(sample, tmp_path)
    page = Page(html)
    (csp,) = [a["content"] for a in page.tags("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    code = [body for attrs, body in page.scripts if attrs.get("type") != "application/json"]
    hashes = {"sha256-" + base64.b64encode(hashlib.sha256(c.encode("utf-8")).digest()).decode() for c in code}
    assert set(re.findall(r"'(sha256-[^']+)'", csp)) == hashes


def test_graph_data_holds_the_whole_graph(sample, tmp_path):
    html, out = write_graph(sample, tmp_path)
    data = Page(html).data()
    assert {n["id"] for n in data["nodes"]} == set(sample.nodes)
    assert len(data["edges"]) == sample.number_of_edges() == out["edges"]
    assert out["nodes"] == sample.number_of_nodes()
    assert out["truncated"] is False and data["meta"]["truncated"] is False
    pairs = sorted((e["from"], e["to"], e["relation"]) for e in data["edges"])
    assert pairs == sorted((u, v, k) for u, v, k in sample.edges(keys=True))


def test_graph_data_styles_sizes_and_evidence(sample, tmp_path):
    data = Page(write_graph(sample, tmp_path)[0]).data()
    nodes = {n["id"]: n for n in data["nodes"]}
    grpo, lora = nodes[f"{KGR}method/grpo"], nodes[f"{KGR}method/lora"]
    assert grpo["shape"] == "dot" and grpo["color"] == kg.viz.style.kind_style("Method")[0]
    assert nodes[f"{KGR}benchmark/math-500"]["shape"] == "star"
    assert grpo["size"] > lora["size"]  # 3 papers vs 1
    assert data["info"][f"{KGR}method/grpo"]["aliases"] == ["Group Relative Policy Optimization"]
    (edge,) = [e for e in data["edges"] if e["to"] == grpo["id"] and e["relation"] == "proposes"]
    ev = edge["evidence"][0]
    assert ev["sentence"][ev["start"]:ev["end"]] == "GRPO"
    assert edge["color"]["color"] == kg.viz.style.relation_color("proposes")
    kinds = [k["kind"] for k in data["legend"]["kinds"]]
    assert kinds == ["Method", "Model", "Dataset", "Benchmark", "Paper", "Result"]
    assert [r["relation"] for r in data["legend"]["relations"]][:5] == list(kg.viz.style.PAPER_RELATIONS)


def test_hostile_strings_reach_the_page_only_as_json_text(hostile, tmp_path):
    html, _ = write_graph(hostile, tmp_path, title=PAYLOADS[0])
    for payload in PAYLOADS:
        assert payload not in html
    ours = html.replace(kg.viz.explorer._vis_file("vis-network.min.js"), "")  # the library has an `onerror`
    for fragment in ("<img", "<svg", "<iframe", "\u2028", "\u2029"):
        assert fragment not in ours, fragment
    assert "<title>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</title>" in html  # the title, as text
    page = Page(html)
    assert len(page.scripts) == 3
    assert not [(t, k) for t, a in page.elements for k in a if k.startswith("on")]
    assert [t for t, _ in page.elements if t in ("img", "iframe", "svg", "object", "embed")] == []
    data = page.data()  # the payloads come back exactly, as data
    labels = {i["label"] for i in data["info"].values()}
    assert PAYLOADS[1] in labels and PAYLOADS[4] in labels
    assert f"{KGR}paper/{PAYLOADS[0]}" in data["info"]
    sentences = [ev["sentence"] for e in data["edges"] for ev in e["evidence"]]
    assert any("\u2028" in s for s in sentences)


def test_non_http_urls_are_never_links(hostile, tmp_path):
    data = Page(write_graph(hostile, tmp_path)[0]).data()
    papers = {i["url"]: i["href"] for i in data["info"].values() if i["kind"] == "Paper"}
    assert papers["javascript:window.__pwned=1"] is None
    assert papers["JaVaScRiPt:window.__pwned=1"] is None
    assert papers["data:text/html,<script>parent.__pwned=1</script>"] is None
    assert papers["https://example.org/?q=" + PAYLOADS[0]] is None  # has spaces: not one clean URL
    sample = Page(write_graph(sample_graph(), tmp_path)[0]).data()["info"]
    assert sample[f"{KGR}paper/2501-00001"]["href"] == "https://arxiv.org/abs/2501.00001"
    assert sample[f"{KGR}paper/2504-00005"]["href"] is None  # no URL at all


@pytest.mark.parametrize("url, ok", [
    ("https://arxiv.org/abs/2509.00001", True),
    ("http://example.org/a?b=c#d", True),
    ("HTTPS://EXAMPLE.ORG/", True),
    ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False),
    (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False),
    ("jav&#x61;script:alert(1)", False),
    ("data:text/html,<b>", False),
    ("vbscript:x", False),
    ("file:///etc/passwd", False),
    ("//evil.example/x", False),
    ("https:evil", False),
    ("https://exa mple.org", False),
    ("https://example.org/\u2028", False),
    ("https://example.org/?q=<b>&x=1", True),  # markup in a URL is fine: it only travels as JSON text
    ("", False),
    (None, False),
    (42, False),
])
def test_safe_href(url, ok):
    assert safe_href(url) == (url if ok else None)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=20))
def test_script_json_never_closes_its_element(value):
    out = script_json(value)
    assert not re.search(r"[<>&\u2028\u2029]", out)
    assert out.isascii()
    back = json.loads(out)
    assert back == kg.viz.escape.jsonable(value)


def test_write_errors_name_the_problem(sample, tmp_path):
    with pytest.raises(ConfigError, match="max_entities"):
        write_graph_html(sample, tmp_path / "g.html", max_entities=0)
    with pytest.raises(ConfigError, match="MultiDiGraph"):
        write_graph_html(nx.Graph(), tmp_path / "g.html")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        write_graph_html(sample, blocker / "g.html")
    with pytest.raises(ExportError, match="cannot write"):
        write_report_html(sample, blocker / "r.html")


def test_empty_graph_writes_pages(tmp_path):
    html, out = write_graph(nx.MultiDiGraph(), tmp_path)
    assert out["nodes"] == out["edges"] == 0 and Page(html).data()["nodes"] == []
    write_report_html(nx.MultiDiGraph(), tmp_path / "report.html")
    report = (tmp_path / "report.html").read_text("utf-8")
    assert "No methods in this graph." in report and "No paper carries a date with a year." in report


def test_unknown_kinds_and_odd_values_do_not_break_the_page(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("a", kind="Task", label=None, paper_count=None)
    g.add_node("p", kind="Paper", label="P", date=object(), url=7, abstract=None)
    g.add_node("r", kind="Result", label="r", metric="acc", value=float("nan"), unit=None)
    g.add_edge("p", "a", key="studies", relation="studies", evidence=[{"sentence": "x", "start": None, "end": 9}])
    g.add_edge("p", "r", key="reportsResult", relation="reportsResult")
    data = Page(write_graph(g, tmp_path)[0]).data()
    assert data["info"]["r"]["value"] is None
    assert [k["kind"] for k in data["legend"]["kinds"]] == ["Paper", "Result", "Task"]
    assert [r["relation"] for r in data["legend"]["relations"]] == ["reportsResult", "studies"]
    write_report_html(g, tmp_path / "report.html")


# ---- large graphs ----

def test_large_graph_is_capped_to_the_most_connected(tmp_path):
    g = synthetic_graph(3000, 1500, seed=1)
    html, out = write_graph(g, tmp_path, max_entities=100)
    assert out["truncated"] and out["entities_shown"] == 100 and out["papers_shown"] <= 200
    assert out["entities_total"] == sum(1 for _, k in g.nodes(data="kind") if k not in ("Paper", "Result"))
    data = Page(html).data()
    meta = data["meta"]
    assert meta["truncated"] and meta["entitiesShown"] == 100 and meta["maxEntities"] == 100
    kept = {n["id"] for n in data["nodes"] if n["rank"] is not None}
    counts = sorted((d["paper_count"] for n, d in g.nodes(data=True) if d["kind"] not in ("Paper", "Result")), reverse=True)
    assert min(g.nodes[n]["paper_count"] for n in kept) >= counts[99]
    assert sorted(n["rank"] for n in data["nodes"] if n["rank"] is not None) == list(range(100))
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])
    assert out["bytes"] < 3_000_000


def test_a_huge_build_still_gives_a_bounded_page(tmp_path):
    small = write_graph_html(synthetic_graph(2000, 1000, seed=2), tmp_path / "a.html", max_entities=50)
    large = write_graph_html(synthetic_graph(8000, 4000, seed=2), tmp_path / "b.html", max_entities=50)
    assert large["nodes"] <= 50 + 100 + 100 * 2  # entities + papers + their results
    assert large["bytes"] < 2 * small["bytes"] + 200_000


def test_select_view_keeps_small_graphs_whole(sample):
    view = select_view(sample)
    assert view.graph is sample and not view.truncated
    assert view.rank[f"{KGR}benchmark/math-500"] == 0  # 4 papers: the most connected


# ---- report.html ----

def test_report_has_the_charts_heatmap_timeline_and_results(sample, tmp_path):
    write_report_html(sample, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text("utf-8")
    page = Page(html)
    assert page.scripts == [] and fetching_attributes(page) == []
    for section in ("top-methods", "top-models", "top-datasets", "top-benchmarks", "cooccurrence", "over-time", "results"):
        assert f'id="{section}"' in html
    assert html.count("<svg") == 6  # four bar charts, the heatmap, the timeline
    assert "GRPO" in html and "MATH-500" in html and "Qwen3-8B" in html
    rows = results_table(sample)
    assert {(r["system"], r["benchmark"], r["metric"], r["value"]) for r in rows} >= {("Qwen3-8B", "MATH-500", "accuracy", "87.2")}
    assert [a["href"] for a in page.tags("a")] == [r["href"] for r in rows if r["href"]]


def test_report_numbers(sample):
    ents = entity_table(sample)
    assert ents.iloc[0]["label"] == "MATH-500" and ents.iloc[0]["papers"] == 4
    matrix = cooccurrence(sample)
    assert matrix.loc["GRPO", "MATH-500"] == 3 and matrix.loc["GRPO", "AIME 2024"] == 1
    frame = timeline(sample)
    assert list(frame.index) == [f"2025-{m:02d}" for m in range(1, 10)]  # Jan..Sep, August empty
    assert frame["all papers"].sum() == 9 and frame.loc["2025-08", "all papers"] == 0
    assert frame.loc["2025-01", "GRPO"] == 1


def test_report_without_dates_or_results(tmp_path):
    g = sample_graph()
    for n, d in list(g.nodes(data=True)):
        if d["kind"] == "Paper":
            d["date"] = None
        if d["kind"] == "Result":
            g.remove_node(n)
    write_report_html(g, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text("utf-8")
    assert "No paper carries a date with a year." in html and "No results were extracted." in html
    assert html.count("<svg") == 5


def test_hostile_report_is_inert(hostile, tmp_path):
    write_report_html(hostile, tmp_path / "report.html", title=PAYLOADS[1])
    html = (tmp_path / "report.html").read_text("utf-8")
    for payload in PAYLOADS:
        assert payload not in html
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    page = Page(html)
    assert not [(t, k) for t, a in page.elements for k in a if k.startswith("on")]
    assert {t for t, _ in page.elements} <= {"html", "head", "meta", "title", "link", "style", "body", "h1", "h2",
                                             "p", "span", "section", "figure", "figcaption", "table", "thead",
                                             "tbody", "tr", "th", "td", "a", "svg", "g", "path", "defs", "text",
                                             "use", "clippath", "rect", "image", "metadata", "style"}
    assert [a.get("href") for a in page.tags("a")] == []  # none of the hostile URLs is http(s) and clean


def test_dates_in_many_shapes():
    parse = kg.viz.report._date
    assert str(parse("2025-09-02").date()) == "2025-09-02"
    assert str(parse("2025-09").date()) == "2025-09-01"
    assert str(parse("2025").date()) == "2025-01-01"
    assert str(parse("Sep 2, 2025").date()) == "2025-09-02"
    assert parse("2025-13-40") is None and parse("soon") is None and parse(None) is None
    assert parse("Sep 2") is None  # Daily Papers dates carry no year


@pytest.mark.parametrize("module", [kg.viz.escape, kg.viz.explorer, kg.viz.report, kg.viz.style, kg.viz.subgraph])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_pages_from_a_real_knowledge_graph(tmp_path):
    """The contract end to end: extraction records -> KnowledgeGraph.nx (kg.graph) -> both pages."""
    from kg.graph.model import KnowledgeGraph
    from kg.types import EntityType, Mention, Paper, PaperEntity, PaperExtraction, Relation, Result

    paper = Paper("2509.00001", "GRPO for Qwen3-8B", "We fine-tune Qwen3-8B with GRPO on MATH-500.",
                  date="2025-09-02", url="https://arxiv.org/abs/2509.00001")
    text = paper.text
    sentence = (paper.abstract_offset, len(text))

    def entity(label, etype, relation):
        start = text.index(label, sentence[0])
        return PaperEntity(label, etype, relation, mentions=(Mention(label, start, start + len(label), *sentence),))

    ex = PaperExtraction(paper, entities=(
        entity("GRPO", EntityType.METHOD, Relation.USES),
        entity("Qwen3-8B", EntityType.MODEL, Relation.USES),
        entity("MATH-500", EntityType.BENCHMARK, Relation.EVALUATES_ON),
    ), results=(Result("Qwen3-8B", "MATH-500", "accuracy", 87.2, "%"),))
    g = KnowledgeGraph.from_extractions([ex]).nx
    html, out = write_graph(g, tmp_path)
    assert (out["nodes"], out["edges"]) == (g.number_of_nodes(), g.number_of_edges())
    data = Page(html).data()
    (edge,) = [e for e in data["edges"] if data["info"][e["to"]]["label"] == "GRPO"]
    ev = edge["evidence"][0]
    assert ev["sentence"] == paper.abstract and ev["sentence"][ev["start"]:ev["end"]] == "GRPO"
    write_report_html(g, tmp_path / "report.html")
    report = (tmp_path / "report.html").read_text("utf-8")
    assert "87.2 %" in report and report.count("<svg") >= 4


def test_report_rejects_a_non_graph(tmp_path):
    with pytest.raises(ConfigError, match="MultiDiGraph"):
        write_report_html({"not": "a graph"}, tmp_path / "report.html")
