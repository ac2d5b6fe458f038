"""Training data for the span typer (kg.nlp.classifier): our own pipeline's candidate spans,
labelled from annotated text.

- GSAP-NER paragraphs (`../shared/gsap/paragraphs.jsonl`): a candidate is labelled by the gold
  mentions it overlaps (MLModel -> Model, Dataset -> Data, Method -> Method, ModelArchitecture and
  Datasource by `ARCH_LABEL` / `DATASOURCE_LABEL`); no overlap -> NONE. Its group is the paragraph's
  `fold`, so cross-validation can hold out whole papers.
- Dev gold (`../shared/eval/seed_gold.jsonl` with its corpus): a candidate is labelled by the gold
  entity whose name or alias it matches after normalisation (Benchmark and Dataset -> Data);
  optional entities are left out; no match -> NONE. Its group is the paper id.

The candidates and their features come from the real pipeline: a recording "classifier" sits in
EntityFinder's hook, asked about every candidate, and returns None so the rules run unchanged.
Nothing here is needed at run time.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.nlp.classifier import DEFAULT_CUES, SpanTyper, span_features, train
from kg.types import Paper

ARCH_LABEL = "Method"  # GSAP ModelArchitecture ("Transformer", "ResNet"): not a Model by GUIDELINES.md
DATASOURCE_LABEL = "NONE"  # GSAP Datasource ("Wikipedia", "CommonCrawl"): not scored as data by GSAP
GSAP_LABELS = {"MLModel": "Model", "Dataset": "Data", "Method": "Method"}
GOLD_LABELS = {"Method": "Method", "Model": "Model", "Dataset": "Data", "Benchmark": "Data"}
_PRIORITY = ("Model", "Data", "Method")


@dataclass
class Example:
    doc: str  # paper / paragraph id
    group: str  # cross-validation group (GSAP fold, or paper id)
    corpus: str  # "gsap" | "dev"
    text: str
    source: str
    rule_type: str
    cue: str
    features: list
    label: str


class _Everything:
    def __contains__(self, item) -> bool:
        return True


class _Recorder:
    """Stands in for the classifier: records every candidate it is asked about, changes nothing."""

    cues = _Everything()

    def __init__(self):
        self.items = []

    def predict(self, doc, span, source, rule_type, cue="default"):
        self.items.append((span.start_char, span.end_char, span.text, source, rule_type.value, cue,
                           span_features(doc, span, source, rule_type, cue)))
        return None


def candidates(texts, nlp=None):
    """For each text, the (start, end, text, source, rule type, cue, features) of every candidate."""
    from kg.nlp.pipeline import build_nlp

    nlp = nlp or build_nlp(use_classifier=False)
    finder = nlp.get_pipe("kg_entities")
    saved = finder.classifier
    rec = finder.classifier = _Recorder()
    try:
        for text in texts:
            rec.items = []
            nlp(text)
            yield rec.items
    finally:
        finder.classifier = saved


def norm(s: str) -> str:
    """The scorers' name normalisation (NFKC, lower case, letters, digits and '+')."""
    return re.sub(r"[^\w+]+|_", "", unicodedata.normalize("NFKC", str(s)).lower())


def _read_jsonl(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def gsap_examples(path, *, arch_label: str = ARCH_LABEL, datasource_label: str = DATASOURCE_LABEL,
                  nlp=None) -> list[Example]:
    mapping = {**GSAP_LABELS, "ModelArchitecture": arch_label, "Datasource": datasource_label}
    rows = _read_jsonl(path)
    papers = [Paper(r["id"], r.get("title") or "", r["abstract"]) for r in rows]
    out = []
    for row, paper, items in zip(rows, papers, candidates((p.text for p in papers), nlp)):
        off = paper.abstract_offset
        gold = [(m["start"] + off, m["end"] + off, mapping.get(m["label"], "NONE")) for m in row["gold_mentions"]]
        # the GSAP scorer compares bags of names per paragraph: a name annotated once as a model
        # makes every mention of it in the paragraph a model mention
        bag: dict[str, set] = {}
        for m in row["gold_mentions"]:
            bag.setdefault(norm(m["text"]), set()).add(mapping.get(m["label"], "NONE"))
        for s, e, text, src, rtype, cue, feats in items:
            labs = {lab for gs, ge, lab in gold if gs < e and s < ge} | bag.get(norm(text), set())
            label = next((l for l in _PRIORITY if l in labs), "NONE")
            out.append(Example(row["id"], f"fold{row['fold']}", "gsap", text, src, rtype, cue, feats, label))
    return out


def gold_examples(corpus_path, gold_path, *, nlp=None) -> list[Example]:
    gold = {r["id"]: r for r in _read_jsonl(gold_path)}
    rows = [r for r in _read_jsonl(corpus_path) if r.get("id") in gold]
    papers = [Paper(r["id"], r.get("title") or "", r.get("abstract") or "") for r in rows]
    out = []
    for paper, items in zip(papers, candidates((p.text for p in papers), nlp)):
        names: dict[str, str | None] = {}
        for ent in gold[paper.id].get("entities", []):
            label = None if ent.get("optional") else GOLD_LABELS[ent["type"]]
            for n in (ent["name"], *ent.get("aliases", [])):
                if norm(n):
                    names.setdefault(norm(n), label)
        for s, e, text, src, rtype, cue, feats in items:
            key = norm(text.strip(" ,.;:\"'“”"))
            if key in names:
                label = names[key]
                if label is None:  # optional in the gold: no lesson either way
                    continue
            else:
                label = "NONE"
            out.append(Example(paper.id, paper.id, "dev", text, src, rtype, cue, feats, label))
    return out


# the settings `make train-model` and scripts/crossval.py use, chosen by GSAP cross-validation
# (scripts/crossval.py): consulted on the weak cues plus the context cues that are often wrong on
# names that are not data or models ("on V100" -> role), trained on every candidate (strong cues
# teach what contexts of models and data look like)
TYPER_CUES = ("default", "name shape", "list", "model family", "role", "head noun", "long form")
DEFAULT_FIT = {"cues": TYPER_CUES, "train_cues": "all", "dev_weight": 2.0, "epochs": 12,
               "dim": 1 << 18, "l2": 1e-4}


def fit(examples: list[Example], *, cues=DEFAULT_CUES, train_cues=None, dev_weight: float = 2.0, seed: int = 0,
        **kw) -> SpanTyper:
    """Train a typer to be consulted on candidates with rule cue in `cues`, on the examples whose
    cue is in `train_cues` (default: `cues`; "all" for every example). Deterministic given `seed`."""
    cues = tuple(sorted(cues))
    if train_cues == "all":
        use = list(examples)
    else:
        keep = set(cues if train_cues is None else train_cues)
        use = [x for x in examples if x.cue in keep]
    if not use:
        raise ValueError("no training examples with the given cues")
    weights = [dev_weight if x.corpus == "dev" else 1.0 for x in use]
    meta = {"seed": seed, "dev_weight": dev_weight, "train_cues": train_cues if train_cues == "all" else sorted(keep),
            "examples": len(use),
            "examples_by_corpus": {c: sum(x.corpus == c for x in use) for c in sorted({x.corpus for x in use})}}
    model_kw = {k: kw.pop(k) for k in ("min_prob", "drop_prob", "keep_sources") if k in kw}
    return train([x.features for x in use], [x.label for x in use], sample_weight=weights, seed=seed,
                 cues=cues, meta=meta, **model_kw, **kw)


def default_sources(shared: str | Path):
    shared = Path(shared)
    return {"gsap": shared / "gsap" / "paragraphs.jsonl",
            "corpus": shared / "corpus" / "daily-papers-sep-2.jsonl",
            "gold": shared / "eval" / "seed_gold.jsonl"}


__all__ = ["DEFAULT_FIT", "TYPER_CUES", "Example", "candidates", "gsap_examples", "gold_examples", "fit", "default_sources", "norm"]
