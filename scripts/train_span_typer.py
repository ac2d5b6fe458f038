#!/usr/bin/env python3
"""Train the span typer (kg.nlp.classifier) on every GSAP-NER paragraph plus the dev gold and write
it to kg/data/span_typer.npz (what `kg build` loads by default). Deterministic given --seed: the
same rules, data and seed give the same file, byte for byte.

    python scripts/train_span_typer.py [--shared ../shared] [--seed 0] [-o kg/data/span_typer.npz]

The model's GSAP and dev scores are only honest when cross-validated: scripts/crossval.py.
Retrain after changing the rules (kg/nlp/rules.py, components.py): the candidates and their cues
are the model's input.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.nlp import span_train  # noqa: E402
from kg.nlp.classifier import DEFAULT_PATH  # noqa: E402
from kg.nlp.pipeline import build_nlp  # noqa: E402

MAX_BYTES = 20 * 1024 * 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--output", default=str(DEFAULT_PATH))
    ap.add_argument("--no-dev", action="store_true", help="train on GSAP alone (leave the dev gold out)")
    a = ap.parse_args()
    t0 = time.time()
    src = span_train.default_sources(a.shared)
    nlp = build_nlp(use_classifier=False)
    examples = span_train.gsap_examples(src["gsap"], nlp=nlp)
    if not a.no_dev:
        examples += span_train.gold_examples(src["corpus"], src["gold"], nlp=nlp)
    model = span_train.fit(examples, seed=a.seed, **span_train.DEFAULT_FIT)
    model.save(a.output)
    size = Path(a.output).stat().st_size
    digest = hashlib.sha256(Path(a.output).read_bytes()).hexdigest()[:16]
    print(f"{a.output}: {size / 1e6:.2f} MB, {model.meta['examples']} examples "
          f"{model.meta['examples_by_corpus']}, seed {a.seed}, sha256 {digest}, {time.time() - t0:.0f}s")
    if size > MAX_BYTES:
        sys.exit(f"model file over {MAX_BYTES} bytes")


if __name__ == "__main__":
    main()
