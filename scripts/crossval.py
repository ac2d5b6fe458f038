#!/usr/bin/env python3
"""Honest scores for the span typer (kg.nlp.classifier): every paper is typed by a model that did
not train on it.

- GSAP-NER paragraphs: for each `fold` (10 papers each), a typer trained on the other folds' GSAP
  paragraphs plus the whole dev gold types that fold's paragraphs; each fold is built into its own
  graph with the real pipeline, and the per-paragraph predictions of all folds are merged and
  scored with ../shared/eval/gsap_score.py's own functions, beside the SciDeBERTa peer (whose
  numbers are themselves 10-fold cross-validated).
- Dev gold (90 abstracts): 5-fold cross-validation over papers (a typer trained on all of GSAP
  plus the other four fifths of the dev gold), and a typer trained on GSAP alone (no dev gold at
  all); scored with ../shared/eval/score.py's own functions.

The rules alone are built and scored the same way (per fold), so the columns compare like with
like. The graph-level type vote across papers only sees papers of the same fold; a full build's
number differs a little for that reason alone.

    python scripts/crossval.py [--shared ../shared] [--seed 0] [--json out.json]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.builder import build  # noqa: E402
from kg.export import write_outputs  # noqa: E402
from kg.ingest import read_papers  # noqa: E402
from kg.nlp import span_train  # noqa: E402
from kg.nlp.pipeline import build_nlp  # noqa: E402

DEV_FOLDS = 5


def _scorers(shared: Path):
    sys.path.insert(0, str(shared / "eval"))
    import gsap_score  # noqa: F401
    import score

    return gsap_score, score


def _graph_preds(papers, nlp, load_graph):
    """Build `papers` into a graph with `nlp`, write N-Triples, read it back as the scorers do."""
    g = build(papers, nlp=nlp)
    with tempfile.TemporaryDirectory(prefix="kg-cv-") as tmp:
        write_outputs(g, Path(tmp) / "out", ("nt",))
        return load_graph(str(Path(tmp) / "out" / "graph.nt"))


def _merged(builds):
    papers, pred = {}, {}
    for p, d in builds:
        papers.update(p)
        pred.update(d)
    return papers, pred


def gsap_scores(gsap_score, rows, papers, pred, peer="scideberta"):
    """gsap_score.main's computation, over merged per-fold predictions."""
    gmap, ours_map = gsap_score.GSAP, gsap_score.OURS

    def ours(row):
        out = defaultdict(list)
        for rec in pred.get(row["id"], {}).values():
            for k in {ours_map[t] for t in rec["types"] if t in ours_map}:
                out[k].append(rec["names"])
        return out

    def peer_pred(row):
        out, seen = defaultdict(list), set()
        for m in row["peers"].get(peer, []):
            k, n = gmap.get(m["label"]), gsap_score.norm(m["text"])
            if k and n and (k, n) not in seen:
                seen.add((k, n))
                out[k].append({n})
        return out

    return {"ours": gsap_score.bag_scores(rows, ours), "peer": gsap_score.bag_scores(rows, peer_pred),
            "papers_in_graph": sum(1 for r in rows if r["id"] in papers),
            "paragraphs": len(rows)}


def render_gsap(res) -> str:
    from kg import evalfmt

    buf = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(json.dumps(res))
    try:
        with contextlib.redirect_stdout(buf):
            evalfmt.main()
    finally:
        sys.stdin = old
    return buf.getvalue()


def render_dev(columns: dict) -> str:
    names = list(columns)
    metrics = [m for m in next(iter(columns.values())) if isinstance(columns[names[0]][m], dict)
               and "f1" in columns[names[0]][m]]
    order = ["entity", "typed", "coarse", "relation"] + sorted(m for m in metrics if m.startswith("type:"))
    out = [f"{'':16s}" + "".join(f"{n:>26s}" for n in names),
           f"{'':16s}" + "".join(f"{'P     R     F1':>26s}" for _ in names)]
    for m in order:
        if m not in metrics:
            continue
        cells = []
        for n in names:
            v = columns[n].get(m, {"precision": 0, "recall": 0, "f1": 0})
            cells.append(f"{v['precision']:.3f} {v['recall']:.3f} {v['f1']:.3f}".rjust(26))
        out.append(f"{m:16s}" + "".join(cells))
    out.append(f"{'one node each':16s}" + "".join(f"{columns[n]['canonical']['one_node_each']:26.3f}" for n in names))
    return "\n".join(out)


def run(shared: Path, seed: int = 0, fit_kw: dict | None = None, log=print) -> dict:
    fit_kw = dict(span_train.DEFAULT_FIT if fit_kw is None else fit_kw)
    gsap_score, score = _scorers(shared)
    src = span_train.default_sources(shared)
    t0 = time.time()
    nlp = build_nlp(use_classifier=False)
    finder = nlp.get_pipe("kg_entities")
    gsap_ex = span_train.gsap_examples(src["gsap"], nlp=nlp)
    dev_ex = span_train.gold_examples(src["corpus"], src["gold"], nlp=nlp)
    log(f"# candidates: {len(gsap_ex)} GSAP, {len(dev_ex)} dev ({time.time() - t0:.0f}s)")

    # ---- GSAP: one typer per held-out fold
    rows = [json.loads(line) for line in open(src["gsap"], encoding="utf-8")]
    fold_of = {r["id"]: f"fold{r['fold']}" for r in rows}
    papers = list(read_papers([src["gsap"]]))
    folds = sorted({fold_of[p.id] for p in papers})
    typed, plain = [], []
    for f in folds:
        held = [p for p in papers if fold_of[p.id] == f]
        model = span_train.fit([x for x in gsap_ex if x.group != f] + dev_ex, seed=seed, **fit_kw)
        finder.classifier = model
        typed.append(_graph_preds(held, nlp, gsap_score.load_graph))
        finder.classifier = None
        plain.append(_graph_preds(held, nlp, gsap_score.load_graph))
    log(f"# GSAP folds done ({time.time() - t0:.0f}s)")
    gsap = {}
    for name, builds in (("typer", typed), ("rules", plain)):
        gsap[name] = gsap_scores(gsap_score, rows, *_merged(builds))

    # ---- dev gold: 5-fold CV over papers, and a GSAP-only typer
    gold_rows = [json.loads(line) for line in open(src["gold"], encoding="utf-8") if line.strip()]
    gold_ids = sorted(r["id"] for r in gold_rows)
    dev_fold = {pid: i % DEV_FOLDS for i, pid in enumerate(gold_ids)}
    dev_papers = [p for p in read_papers([src["corpus"]]) if p.id in dev_fold]
    typed, plain = [], []
    for k in range(DEV_FOLDS):
        held = [p for p in dev_papers if dev_fold[p.id] == k]
        model = span_train.fit(gsap_ex + [x for x in dev_ex if dev_fold.get(x.doc) != k], seed=seed, **fit_kw)
        finder.classifier = model
        typed.append(_graph_preds(held, nlp, score.load_graph))
        finder.classifier = None
        plain.append(_graph_preds(held, nlp, score.load_graph))
    finder.classifier = span_train.fit(gsap_ex, seed=seed, **fit_kw)
    gsap_only = _graph_preds(dev_papers, nlp, score.load_graph)
    finder.classifier = None
    whole = _graph_preds(dev_papers, nlp, score.load_graph)
    dev = {
        "rules (per fold)": score.score(gold_rows, *_merged(plain))[0],
        "+typer (5-fold CV)": score.score(gold_rows, *_merged(typed))[0],
        "rules (one build)": score.score(gold_rows, *whole)[0],
        "+typer GSAP-only": score.score(gold_rows, *gsap_only)[0],
    }
    log(f"# dev folds done ({time.time() - t0:.0f}s)")
    return {"gsap": gsap, "dev": dev, "seed": seed, "fit": fit_kw}


def report(res: dict) -> str:
    out = ["== GSAP-NER paragraphs, span typer cross-validated by fold (ours vs peer SciDeBERTa) ==",
           render_gsap(res["gsap"]["typer"]).rstrip(),
           "-- the same folds, rules alone --",
           render_gsap(res["gsap"]["rules"]).rstrip(),
           "",
           "== dev gold (seed_gold.jsonl): rules alone vs + span typer that never saw the paper ==",
           render_dev(res["dev"])]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the scores as JSON here")
    a = ap.parse_args()
    res = run(Path(a.shared), seed=a.seed, log=lambda s: print(s, file=sys.stderr))
    print(report(res))
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
