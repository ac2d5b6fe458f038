#!/usr/bin/env python3
"""Score reported results (kg:Result) against the "results" lists of a gold file.

Two levels, each with precision, recall and F1 over the papers the gold covers:

- pairs: (paper, benchmark, value): the number is tied to the right benchmark;
- tuples: (paper, subject, benchmark, metric, value, unit): everything right.

Names match by `kg.ids.name_key`, through the aliases the gold lists for the paper's entities or
through the aliases the extraction (or graph) gives the predicted entity;
values match to 1e-6. A metric matches when equal after dropping parentheses and case, or when one
is the head (last word) of the other ("accuracy" ~ "judgment accuracy", "reduction" ~ "token
length reduction"). Misses and false positives are listed on stdout (--errors N caps the list).

    python scripts/score_results.py                             # extract in-process, rules alone
    python scripts/score_results.py --graph out/graph.ttl       # read a built graph instead
    python scripts/score_results.py --typer                     # in-process with the span typer
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.ids import name_key  # noqa: E402


# ---------------------------------------------------------------- predictions

def extracted(corpus: Path, *, typer: bool = False) -> dict[str, list[dict]]:
    """Run the extractor in-process over `corpus`: paper id -> result dicts."""
    from kg.ingest import read_papers
    from kg.nlp.classifier import DEFAULT_PATH
    from kg.nlp.extract import extract
    from kg.nlp.pipeline import build_nlp

    nlp = build_nlp(use_classifier=typer, classifier_path=str(DEFAULT_PATH) if typer else None)
    out: dict[str, list[dict]] = {}
    for ex in extract(read_papers(corpus), nlp):
        names = {e.label: e.names for e in ex.entities}
        out[ex.paper.id] = [dict(subject=r.subject, benchmark=r.benchmark, metric=r.metric, value=r.value,
                                 unit=r.unit, sentence=ex.paper.text[r.sentence_start:r.sentence_end]
                                 if r.sentence_start is not None else None,
                                 subject_names=names.get(r.subject, (r.subject,)),
                                 benchmark_names=names.get(r.benchmark, (r.benchmark,)))
                            for r in ex.results]
    return out


_RLABEL = re.compile(r"^(?P<subject>.*) on (?P<bench>.*): ")


def from_graph(path: Path) -> dict[str, list[dict]]:
    """Read kg:Result nodes from a built graph (Turtle, N-Triples or JSON-LD)."""
    from rdflib import Graph
    from rdflib.namespace import DCTERMS, RDFS, SKOS

    from kg.namespaces import KG

    g = Graph()
    g.parse(str(path))
    out: dict[str, list[dict]] = {}
    for paper, _, res in g.triples((None, KG.reportsResult, None)):
        pid = str(g.value(paper, DCTERMS.identifier) or str(paper).rsplit("/", 1)[-1])
        label = str(g.value(res, RDFS.label) or "")
        m = _RLABEL.match(label)
        system = g.value(res, KG.system)
        subject = str(g.value(system, RDFS.label)) if system is not None else (m["subject"] if m else "")
        bench = g.value(res, KG.benchmark)
        unit = g.value(res, KG.unit)

        def names(node, label):
            return (label, *(str(a) for a in g.objects(node, SKOS.altLabel))) if node is not None else (label,)

        out.setdefault(pid, []).append(dict(
            subject=subject, benchmark=str(g.value(bench, RDFS.label)) if bench is not None else (m["bench"] if m else ""),
            metric=str(g.value(res, KG.metric) or ""), value=float(g.value(res, KG.value)),
            unit=str(unit) if unit is not None else None, sentence=None))
        r = out[pid][-1]
        r["subject_names"], r["benchmark_names"] = names(system, r["subject"]), names(bench, r["benchmark"])
    return out


# ---------------------------------------------------------------- matching

def _aliases(gold_entities: list[dict]) -> dict[str, str]:
    """name_key of every gold name or alias -> name_key of the entity's name."""
    table = {}
    for e in gold_entities:
        k = name_key(e["name"])
        for n in (e["name"], *e.get("aliases", ())):
            table[name_key(n)] = k
    return table


def _same_name(pred_names, gold: str, table: dict[str, str]) -> bool:
    kb = name_key(gold)
    gb = table.get(kb, kb)
    return any(ka == kb or table.get(ka, ka) == gb for ka in map(name_key, pred_names))


def _metric_words(m: str) -> list[str]:
    return re.sub(r"\([^)]*\)", " ", (m or "").lower()).replace("-", " ").split()


def _same_metric(a: str, b: str) -> bool:
    wa, wb = _metric_words(a), _metric_words(b)
    if wa == wb:
        return True
    return bool(wa and wb) and (wa[-1] == wb[-1] and (len(wa) == 1 or len(wb) == 1))


def _pair_match(p: dict, g: dict, table) -> bool:
    return abs(float(p["value"]) - float(g["value"])) < 1e-6 and _same_name(
        p.get("benchmark_names") or (p["benchmark"],), g["benchmark"], table)


def _tuple_match(p: dict, g: dict, table) -> bool:
    return (_pair_match(p, g, table) and _same_name(p.get("subject_names") or (p["subject"],), g["subject"], table)
            and _same_metric(p["metric"], g["metric"]) and (p.get("unit") or None) == (g.get("unit") or None))


def _greedy(preds: list[dict], golds: list[dict], match) -> tuple[int, list[dict], list[dict]]:
    """One-to-one matching: (true positives, unmatched predictions, unmatched gold)."""
    used: set[int] = set()
    fps = []
    for p in preds:
        j = next((j for j, g in enumerate(golds) if j not in used and match(p, g)), None)
        if j is None:
            fps.append(p)
        else:
            used.add(j)
    return len(used), fps, [g for j, g in enumerate(golds) if j not in used]


def _dedup(preds: list[dict], key) -> list[dict]:
    seen, out = set(), []
    for p in preds:
        k = key(p)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def score(pred: dict[str, list[dict]], gold: list[dict]) -> dict:
    """{"pairs": {...}, "tuples": {...}}, each with tp, fp, fn, precision, recall, f1, misses, false_positives."""
    levels = {"pairs": _pair_match, "tuples": _tuple_match}
    out = {}
    for level, match in levels.items():
        tp = fp = fn = 0
        misses, fps = [], []
        for rec in gold:
            pid = rec["id"]
            table = _aliases(rec.get("entities", []))
            golds = rec.get("results") or []
            preds = pred.get(pid, [])
            if level == "pairs":  # several subjects/metrics for one (benchmark, value) count once
                preds = _dedup(preds, lambda p: (name_key(p["benchmark"]), round(float(p["value"]), 6)))
                golds = _dedup(golds, lambda g: (name_key(g["benchmark"]), round(float(g["value"]), 6)))
            n, f, m = _greedy(preds, golds, lambda p, g: match(p, g, table))
            tp, fp, fn = tp + n, fp + len(f), fn + len(m)
            fps += [{"paper": pid, **x} for x in f]
            misses += [{"paper": pid, **x} for x in m]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[level] = dict(tp=tp, fp=fp, fn=fn, precision=p, recall=r, f1=2 * p * r / (p + r) if p + r else 0.0,
                          misses=misses, false_positives=fps)
    return out


def _fmt(r: dict) -> str:
    unit = r.get("unit") or ""
    s = f"{r['paper']}: {r['subject']} | {r['benchmark']} | {r['metric']} | {r['value']:g}{unit}"
    return s + (f"\n      « {r['sentence'][:220]} »" if r.get("sentence") else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    shared = ROOT.parent / "shared"
    ap.add_argument("--gold", type=Path, default=shared / "eval" / "seed_gold.jsonl")
    ap.add_argument("--corpus", type=Path, default=shared / "corpus" / "daily-papers-sep-2.jsonl")
    ap.add_argument("--graph", type=Path, help="score the kg:Result nodes of this built graph instead")
    ap.add_argument("--typer", action="store_true", help="in-process: use the span typer (default: rules alone)")
    ap.add_argument("--errors", type=int, default=50, help="list at most N misses and N false positives per level")
    ap.add_argument("--json", type=Path, help="also write the scores (with error lists) here")
    a = ap.parse_args(argv)
    gold = [json.loads(line) for line in a.gold.open(encoding="utf-8") if line.strip()]
    pred = from_graph(a.graph) if a.graph else extracted(a.corpus, typer=a.typer)
    gold_ids = {g["id"] for g in gold}
    pred = {k: v for k, v in pred.items() if k in gold_ids}
    s = score(pred, gold)
    print(f"== reported results (kg:Result) vs {a.gold.name}, from {a.graph or 'in-process extraction'} ==")
    print(f"results: {sum(len(v) for v in pred.values())} predicted, "
          f"{sum(len(g.get('results') or []) for g in gold)} gold, {len(gold)} papers")
    print(f"{'level':8} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    for level, v in s.items():
        print(f"{level:8} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f}  {v['tp']:3d} {v['fp']:3d} {v['fn']:3d}")
    if a.errors:
        for level in ("pairs", "tuples"):
            v = s[level]
            print(f"-- {level}: false positives ({v['fp']})")
            for r in v["false_positives"][:a.errors]:
                print("   FP " + _fmt(r))
            print(f"-- {level}: misses ({v['fn']})")
            for r in v["misses"][:a.errors]:
                print("   FN " + _fmt(r))
    if a.json:
        a.json.write_text(json.dumps(s, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
