"""Generate N realistic synthetic abstracts as JSON Lines, from the bundled sample.

Each paper is a real abstract of the sample (Daily Papers of 2 September) with a quarter of its
sentences swapped for sentences of other abstracts, and fresh names: the title names a new
method, and about a third of the entity names in the sentences (names extraction finds in the
sample) become names never seen before. So texts are all distinct (nothing is cached by
accident), the entity table grows with the corpus (about 3 new entities per paper, more than
real arXiv data: a harsh case for the reduce), and well-known names (GPT-4o, MATH-500, GRPO)
still join papers together. Papers come out a little denser in names than the sample (6.6
entities per paper against 4.2), so they give more triples (about 137 per paper against 92).

    python benchmarks/generate.py 10000 -o /tmp/papers-10k.jsonl [--seed 1] [--start 0]

`--start` shifts the ids and the random stream, so `--start N` gives papers that are new to a
corpus of N papers made with the same seed (the +1% of an incremental build).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_SYLLABLES = ("ka", "ro", "vex", "li", "mar", "zen", "tor", "qua", "si", "bel", "dra", "no", "fi", "xan", "pol",
              "ur", "te", "gai", "mo", "rix", "sol", "ven", "ka", "thi", "lo", "ar", "phy", "cor", "del", "ion")
_SUFFIXES = ("", "", "", "-R1", "Net", "PO", "-7B", "-VL", "Bench", "-Math", "-2", "LM", "-X", "Former", "RL")
_TITLE_FORMS = ("{name}: {rest}", "{rest} with {name}", "{name}: Towards {rest}", "Scaling {rest} via {name}")


def load_sample():
    """The sample's papers, and a pattern matching every entity name extraction found in them."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kg.ingest import read_sample
    from kg.nlp.extract import extract

    papers = list(read_sample())
    names = {m.surface for ex in extract(papers) for e in ex.entities for m in e.mentions if len(m.surface) > 1}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return papers, re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


def mint(rng: random.Random, serial: int) -> str:
    """A name never seen before: 2-3 syllables, a serial in base 36, maybe a family suffix."""
    stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    tag = _base36(serial)
    name = f"{stem.capitalize()}{tag.capitalize()}"
    if rng.random() < 0.35:
        name = name.upper()[:3] + tag.upper()
    return name + rng.choice(_SUFFIXES)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def generate(n: int, *, seed: int = 1, start: int = 0):
    """Yield `n` synthetic papers as dicts (id, title, abstract, date), numbered from `start`."""
    papers, name_re = load_sample()
    sentences = [s for p in papers for s in _SENT.split(p.abstract) if 30 <= len(s) <= 600]
    serial = start * 8
    for i in range(start, start + n):
        rng = random.Random(f"{seed}-{i}")
        own = mint(rng, serial)
        serial += 1
        swap: dict[str, str] = {}
        # a real abstract with a quarter of its sentences swapped for sentences of others: names
        # repeat across sentences as in real abstracts, and no two texts are the same
        src = rng.choice(papers)
        base = _SENT.split(src.abstract)
        picked = [rng.choice(sentences) if rng.random() < 0.25 else s for s in base]
        body = []
        for j, s in enumerate(picked):
            if j == 0:
                s = f"We propose {own}, " + s[0].lower() + s[1:]
            for name in sorted(set(name_re.findall(s))):
                if name not in swap:
                    if rng.random() < 0.33:
                        swap[name] = mint(rng, serial)
                        serial += 1
                    else:
                        swap[name] = name
                if swap[name] != name:
                    s = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", swap[name], s)
            body.append(s)
        rest = name_re.sub(lambda m: swap.get(m.group(), m.group()), src.title)
        rest = rest.split(": ", 1)[-1]
        title = rng.choice(_TITLE_FORMS).format(name=own, rest=rest)
        yield {"id": f"syn-{seed}-{i:07d}", "title": title, "abstract": " ".join(body),
               "date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"}


def write(n: int, path: Path, *, seed: int = 1, start: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for rec in generate(n, seed=seed, start=start):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="how many papers")
    ap.add_argument("-o", "--output", type=Path, required=True, help="JSONL file to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="number of the first paper (for +N%% updates)")
    a = ap.parse_args(argv)
    write(a.n, a.output, seed=a.seed, start=a.start)


if __name__ == "__main__":
    main()
