/* paper-kg graph explorer. Reads the JSON in #kg-data (written by kg/viz/explorer.py) and draws it
 * with vis-network. Every string from the data reaches the page through textContent, text nodes or
 * vis-network's canvas and plain-text tooltips; nothing here builds markup from data.
 *
 * window.kgView: {ready, nodeCount, edgeCount} once drawn (counts follow the filters; the window
 * also gets a "kgview:ready" event), readyMs (since navigation start), timings, and
 * search(query) -> [node id], select(id) -> bool and the vis `network`, for tests and users' scripts.
 */
(function () {
  "use strict";

  var view = (window.kgView = { ready: false, nodeCount: 0, edgeCount: 0 });
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var info = data.info;
  var meta = data.meta;
  var $ = function (id) { return document.getElementById(id); };

  var RELATION_ORDER = ["proposes", "evaluatesOn", "comparesWith", "uses", "mentions"];
  var kindOn = {};
  var relationOn = {};
  data.legend.kinds.forEach(function (k) { kindOn[k.kind] = true; });
  data.legend.relations.forEach(function (r) { relationOn[r.relation] = true; });
  var kindColor = {};
  data.legend.kinds.forEach(function (k) { kindColor[k.kind] = k.color; });
  var entityLimit = meta.entitiesShown;

  var isEntity = function (kind) { return kind !== "Paper" && kind !== "Result"; };
  var nodeById = {};
  data.nodes.forEach(function (n) { nodeById[n.id] = n; });
  var outEdges = {};
  var inEdges = {};
  data.edges.forEach(function (e) {
    (outEdges[e.from] = outEdges[e.from] || []).push(e);
    (inEdges[e.to] = inEdges[e.to] || []).push(e);
  });

  // ---- visibility: type toggles, relation toggles, "entities shown" control ----
  var visible = {};
  function computeVisibility() {
    data.nodes.forEach(function (n) {
      if (isEntity(n.kind)) visible[n.id] = kindOn[n.kind] && n.rank !== null && n.rank < entityLimit;
    });
    data.nodes.forEach(function (n) {
      if (n.kind !== "Paper") return;
      var links = (outEdges[n.id] || []).filter(function (e) { return isEntity(nodeById[e.to].kind); });
      // a paper is drawn when it links to a drawn entity (or to none at all: nothing hides it)
      visible[n.id] = kindOn.Paper && (links.length === 0 || links.some(function (e) { return visible[e.to]; }));
    });
    data.nodes.forEach(function (n) {
      if (n.kind !== "Result") return;
      var papers = (inEdges[n.id] || []).filter(function (e) { return nodeById[e.from].kind === "Paper"; });
      visible[n.id] = kindOn.Result && (papers.length === 0 || papers.some(function (e) { return visible[e.from]; }));
    });
  }
  computeVisibility();

  var allNodes = new vis.DataSet(data.nodes);
  var allEdges = new vis.DataSet(data.edges);
  var nodesView = new vis.DataView(allNodes, { filter: function (n) { return !!visible[n.id]; } });
  var edgesView = new vis.DataView(allEdges, {
    filter: function (e) { return !!relationOn[e.relation] && !!visible[e.from] && !!visible[e.to]; }
  });
  function countDrawn() {
    view.nodeCount = nodesView.getIds().length;
    view.edgeCount = edgesView.getIds().length;
    $("kg-summary").textContent = view.nodeCount + " nodes, " + view.edgeCount + " edges drawn";
  }
  function keepPositions() {
    // vis's storePositions() fails on a filtered view (it looks up nodes the view left out)
    var pos = network.getPositions();
    allNodes.update(Object.keys(pos).map(function (id) { return { id: id, x: pos[id].x, y: pos[id].y }; }));
  }
  function refilter() {
    keepPositions();
    computeVisibility();
    nodesView.refresh();
    edgesView.refresh();
    countDrawn();
  }

  // ---- DOM helpers: text only ----
  function el(tag, props, children) {
    var e = document.createElement(tag);
    props = props || {};
    if (props.text !== undefined && props.text !== null) e.textContent = String(props.text);
    if (props.cls) e.className = props.cls;
    if (props.title) e.title = String(props.title);
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  function str(v) { return v === null || v === undefined ? "" : String(v); }
  function safeHref(u) {
    if (typeof u !== "string") return null;
    try {
      var url = new URL(u);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (err) {
      return null;
    }
  }
  function kindBadge(kind) {
    var b = el("span", { cls: "kg-kind", text: kind });
    b.style.background = kindColor[kind] || "#777";
    return b;
  }
  function nodeLink(id) {
    var i = info[id] || {};
    var b = el("button", { cls: "kg-node-link", text: str(i.label) || id, title: i.kind });
    b.type = "button";
    b.addEventListener("click", function () { select(id); });
    return b;
  }
  function evidenceQuote(ev) {
    // start/end count Unicode code points (Python offsets); Array.from splits by code point too
    var chars = Array.from(str(ev.sentence));
    var s = ev.start, t = ev.end;
    if (Number.isInteger(s) && Number.isInteger(t) && s >= 0 && s < t && t <= chars.length) {
      return el("blockquote", { cls: "kg-evidence" }, [
        chars.slice(0, s).join(""), el("mark", { text: chars.slice(s, t).join("") }), chars.slice(t).join("")
      ]);
    }
    return el("blockquote", { cls: "kg-evidence", text: chars.join("") });
  }
  function facts(pairs) {
    var dl = el("dl", { cls: "kg-facts" });
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === "") return;
      dl.appendChild(el("dt", { text: p[0] }));
      dl.appendChild(typeof p[1] === "object" ? el("dd", {}, [p[1]]) : el("dd", { text: p[1] }));
    });
    return dl;
  }
  function byRelation(edges) {
    var groups = {};
    edges.forEach(function (e) { (groups[e.relation] = groups[e.relation] || []).push(e); });
    var order = RELATION_ORDER.filter(function (r) { return groups[r]; });
    Object.keys(groups).sort().forEach(function (r) { if (order.indexOf(r) < 0) order.push(r); });
    return order.map(function (r) { return [r, groups[r]]; });
  }
  function resultText(id) {
    var r = info[id] || {};
    var system = null, bench = null;
    (outEdges[id] || []).forEach(function (e) {
      if (e.relation === "system") system = e.to;
      if (e.relation === "benchmark") bench = e.to;
    });
    var line = el("li", {}, [
      system ? nodeLink(system) : el("span", { cls: "kg-muted", text: "(system not linked)" }),
      " on ",
      bench ? nodeLink(bench) : el("span", { cls: "kg-muted", text: "?" }),
      ": " + str(r.metric) + " = " + str(r.value) + (r.unit ? " " + str(r.unit) : "")
    ]);
    return line;
  }

  // ---- side panel ----
  var panel = $("kg-panel"), body = $("kg-panel-body");
  function openPanel(children) {
    body.replaceChildren.apply(body, children);
    panel.hidden = false;
    panel.scrollTop = 0;
  }
  function closePanel() {
    panel.hidden = true;
    body.replaceChildren();
  }
  $("kg-panel-close").addEventListener("click", function () { closePanel(); network.unselectAll(); });

  function entityPanel(id) {
    var i = info[id];
    var parts = [el("h2", { text: i.label }), el("div", {}, [kindBadge(i.kind), " ",
      el("span", { cls: "kg-muted", text: str(i.paper_count) + " paper" + (i.paper_count === 1 ? "" : "s") })])];
    if (i.aliases && i.aliases.length) parts.push(facts([["Also called", i.aliases.join(", ")]]));
    var family = (outEdges[id] || []).filter(function (e) { return e.relation === "variantOf"; });
    var variants = (inEdges[id] || []).filter(function (e) { return e.relation === "variantOf"; });
    if (family.length) parts.push(el("h3", { text: "Variant of" }), el("ul", {}, family.map(function (e) { return el("li", {}, [nodeLink(e.to)]); })));
    if (variants.length) parts.push(el("h3", { text: "Variants" }), el("ul", {}, variants.map(function (e) { return el("li", {}, [nodeLink(e.from)]); })));
    var fromPapers = (inEdges[id] || []).filter(function (e) { return nodeById[e.from].kind === "Paper"; });
    parts.push(el("h3", { text: "Papers (" + fromPapers.length + ")" }));
    if (!fromPapers.length) parts.push(el("p", { cls: "kg-muted", text: "No paper on this page links to it." }));
    byRelation(fromPapers).forEach(function (g) {
      parts.push(el("h4", { text: g[0] + " (" + g[1].length + ")" }));
      parts.push(el("ul", {}, g[1].map(function (e) {
        return el("li", {}, [nodeLink(e.from)].concat((e.evidence || []).map(evidenceQuote)));
      })));
    });
    var results = (inEdges[id] || []).filter(function (e) { return nodeById[e.from].kind === "Result"; });
    if (results.length) parts.push(el("h3", { text: "Results" }), el("ul", {}, results.map(function (e) { return resultText(e.from); })));
    return parts;
  }
  function paperPanel(id) {
    var i = info[id];
    var href = safeHref(i.href);
    var link = null;
    if (href) {
      link = el("a", { text: str(i.url) });
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    } else if (i.url) {
      link = el("span", { cls: "kg-muted", text: str(i.url) + " (not a web link)" });
    }
    var parts = [el("h2", { text: i.label }), el("div", {}, [kindBadge("Paper")]),
      facts([["Id", str(i.identifier)], ["Date", str(i.date)], ["Link", link]])];
    var toEntities = (outEdges[id] || []).filter(function (e) { return isEntity(nodeById[e.to].kind); });
    parts.push(el("h3", { text: "Entities (" + toEntities.length + ")" }));
    byRelation(toEntities).forEach(function (g) {
      parts.push(el("h4", { text: g[0] + " (" + g[1].length + ")" }));
      parts.push(el("ul", {}, g[1].map(function (e) {
        return el("li", {}, [kindBadge(info[e.to].kind), " ", nodeLink(e.to)].concat((e.evidence || []).map(evidenceQuote)));
      })));
    });
    var results = (outEdges[id] || []).filter(function (e) { return e.relation === "reportsResult"; });
    if (results.length) parts.push(el("h3", { text: "Results" }), el("ul", {}, results.map(function (e) { return resultText(e.to); })));
    if (i.abstract) {
      parts.push(el("details", { cls: "kg-abstract" }, [el("summary", { text: "Abstract" }), el("p", { text: i.abstract })]));
    }
    return parts;
  }
  function resultPanel(id) {
    var i = info[id];
    var paper = (inEdges[id] || []).filter(function (e) { return e.relation === "reportsResult"; })[0];
    return [el("h2", { text: i.label }), el("div", {}, [kindBadge("Result")]),
      facts([["Metric", str(i.metric)], ["Value", str(i.value)], ["Unit", str(i.unit)],
        ["Paper", paper ? nodeLink(paper.from) : null]]),
      el("ul", {}, [resultText(id)])];
  }
  function showNode(id) {
    var i = info[id];
    if (!i) return;
    openPanel(i.kind === "Paper" ? paperPanel(id) : i.kind === "Result" ? resultPanel(id) : entityPanel(id));
  }
  function showEdge(edgeId) {
    var e = allEdges.get(edgeId);
    if (!e) return;
    var parts = [el("h2", { text: e.relation }),
      el("p", {}, [nodeLink(e.from), " \u2192 ", nodeLink(e.to)])];
    if (e.evidence && e.evidence.length) {
      parts.push(el("h3", { text: "Evidence" }));
      e.evidence.forEach(function (ev) { parts.push(evidenceQuote(ev)); });
    } else {
      parts.push(el("p", { cls: "kg-muted", text: "No evidence sentence recorded for this edge." }));
    }
    openPanel(parts);
  }

  // ---- search ----
  function search(query) {
    var q = str(query).trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    data.nodes.forEach(function (n) {
      var i = info[n.id];
      var best = 9;
      [i.label].concat(i.aliases || []).forEach(function (name) {
        var s = str(name).toLowerCase();
        if (s === q) best = Math.min(best, 0);
        else if (s.indexOf(q) === 0) best = Math.min(best, 1);
        else if (s.indexOf(q) > 0) best = Math.min(best, 2);
      });
      var kindOrder = isEntity(n.kind) ? 0 : n.kind === "Paper" ? 1 : 2;
      if (best < 9) hits.push([best, kindOrder, n.rank === null ? 1e9 : n.rank, str(i.label), n.id]);
    });
    hits.sort(function (a, b) {
      for (var k = 0; k < 4; k++) { if (a[k] < b[k]) return -1; if (a[k] > b[k]) return 1; }
      return 0;
    });
    return hits.map(function (h) { return h[4]; });
  }
  function select(id) {
    if (!info[id]) return false;
    if (visible[id]) {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    } else {
      network.unselectAll();
    }
    showNode(id);
    return true;
  }
  var searchBox = $("kg-search"), matches = $("kg-matches");
  function listMatches() {
    var ids = search(searchBox.value).slice(0, 30);
    matches.replaceChildren.apply(matches, ids.map(function (id) {
      var li = el("li", {}, [kindBadge(info[id].kind), " ", nodeLink(id)]);
      if (!visible[id]) li.appendChild(el("span", { cls: "kg-muted", text: " (hidden)" }));
      return li;
    }));
    if (searchBox.value.trim() && !ids.length) matches.appendChild(el("li", { cls: "kg-muted", text: "No match." }));
    return ids;
  }
  searchBox.addEventListener("input", listMatches);
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var ids = listMatches();
      if (ids.length) select(ids[0]);
    }
  });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { closePanel(); network.unselectAll(); } });

  // ---- legend with toggles, size control, note ----
  data.legend.kinds.forEach(function (k) {
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.kind = k.kind;
    box.addEventListener("change", function () { kindOn[k.kind] = box.checked; refilter(); });
    var glyph = el("span", { cls: "kg-glyph", text: k.glyph });
    glyph.style.color = k.color;
    $("kg-kinds").appendChild(el("label", {}, [box, glyph, el("span", { text: k.kind }), el("span", { cls: "kg-count", text: String(k.count) })]));
  });
  data.legend.relations.forEach(function (r) {
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.relation = r.relation;
    box.addEventListener("change", function () { relationOn[r.relation] = box.checked; refilter(); });
    var line = el("span", { cls: "kg-line" });
    line.style.borderTopColor = r.color;
    $("kg-relations").appendChild(el("label", {}, [box, line, el("span", { text: r.relation }), el("span", { cls: "kg-count", text: String(r.count) })]));
  });
  if (meta.entitiesShown > 1) {
    var limit = $("kg-limit"), out = $("kg-limit-out");
    limit.max = String(meta.entitiesShown);
    limit.value = String(meta.entitiesShown);
    out.textContent = meta.entitiesShown + " of " + meta.entitiesShown;
    limit.addEventListener("input", function () {
      entityLimit = Number(limit.value);
      out.textContent = entityLimit + " of " + meta.entitiesShown;
    });
    limit.addEventListener("change", refilter);
    $("kg-limit-box").hidden = false;
  }
  if (meta.truncated) {
    $("kg-note").textContent = "Large graph: this page holds the " + meta.entitiesShown + " most connected of " +
      meta.entitiesTotal + " entities and " + meta.papersShown + " of " + meta.papersTotal +
      " papers (max_entities=" + meta.maxEntities + ", max_papers=" + meta.maxPapers +
      "). Write it again with larger caps to include more.";
    $("kg-note").hidden = false;
  }

  // ---- the network: physics lays it out, then stops ----
  view.timings = { setup: Math.round(performance.now() - t0) };
  var tLayout = performance.now();
  var network = new vis.Network($("kg-network"), { nodes: nodesView, edges: edgesView }, data.options);
  var loading = $("kg-loading");
  network.on("stabilizationProgress", function (p) {
    loading.textContent = "Laying out " + view.nodeCount + " nodes\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
  });
  var laidOut = false;
  function done() {
    if (laidOut) return;
    laidOut = true;
    network.setOptions({ physics: { enabled: false } });
    keepPositions();
    network.fit();
    loading.hidden = true;
    view.timings.layout = Math.round(performance.now() - tLayout);
    network.once("afterDrawing", function () {
      view.readyMs = Math.round(performance.now());  // since navigation start
      view.ready = true;
      window.dispatchEvent(new Event("kgview:ready"));
    });
    network.redraw();
  }
  network.once("stabilizationIterationsDone", done);
  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else closePanel();
  });
  countDrawn();
  if (view.nodeCount === 0) done();

  view.search = search;
  view.select = select;
  view.network = network;
})();
