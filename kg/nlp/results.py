"""Reported results: the numbers an abstract states for a system on a benchmark, as kg:Result
records (system, benchmark, metric, value, unit, sentence offsets)."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kg.ids import name_key
from kg.nlp.components import Candidate
from kg.nlp.sentences import sentences
from kg.types import EntityType, PaperEntity, Relation, Result

_NUMBER = re.compile(r"^[+\-]?\d+(?:\.\d+)?%?$")
_METRICS = re.compile(r"^(?:accuracy|pass@\d+|f1|em|bleu|rouge\S*|win-?rate|success|score|auc|mrr|ndcg\S*|precision|recall)$", re.I)
_IMPROVE = re.compile(r"^(?:improv\w*|gains?|boost\w*|outperform\w*|surpass\w*|increas\w*|by|up|\+)$", re.I)


def reported_results(doc: Doc, cands: list[Candidate], entities: list[PaperEntity]) -> list[Result]:
    """Numbers the abstract reports for a system on a benchmark.

    Per sentence: numbers with a unit (%, points) or an improvement cue ("+2.1", "by 3.4"), and the
    benchmarks named there. Equal counts with "respectively" (or two parallel lists) are zipped;
    one number over a list of benchmarks ("80% across A, B and C") applies to each; otherwise a
    number goes with the next benchmark after it ("34.0% on MATH500") or the nearest before it.
    """
    by_key = {}
    for e in entities:
        for n in e.names:
            by_key[name_key(n)] = e
    proposed = next((e for e in entities if e.relation is Relation.PROPOSES
                     and e.type in (EntityType.METHOD, EntityType.MODEL)), None)
    spans = []
    for c in cands:
        sp = doc.char_span(c.start, c.end, alignment_mode="expand")
        ent = by_key.get(name_key(c.label)) or by_key.get(name_key(c.text))
        if sp is not None and ent is not None:
            spans.append((sp, ent))
    out: list[Result] = []
    seen = set()
    for sent in sentences(doc):
        in_sent = [(sp, e) for sp, e in spans if sp.start >= sent.start and sp.end <= sent.end]
        benches = [(sp, e) for sp, e in in_sent if e.type in (EntityType.BENCHMARK, EntityType.DATASET)]
        if not benches:
            continue
        nums = _numbers(doc, sent)
        if not nums:
            continue
        pairs = []
        respectively = any(t.lower_ == "respectively" for t in sent)
        if len(nums) == len(benches) > 1 and (respectively or nums[-1][0] < benches[0][0].start or nums[0][0] > benches[-1][0].end):
            pairs = list(zip(nums, benches))
        elif len(nums) == 1 and len(benches) > 1 and all(b[0].start > nums[0][0] for b in benches):
            pairs = [(nums[0], b) for b in benches]
        else:
            for num in nums:
                i = num[0]
                after = [b for b in benches if b[0].start > i and b[0].start - i <= 8]
                before = [b for b in benches if b[0].end <= i and i - b[0].end <= 6]
                bench = after[0] if after else (before[-1] if before else None)
                if bench is not None:
                    pairs.append((num, bench))
        for (i, value, unit, improvement), (bsp, bench) in pairs:
            metric = "improvement" if improvement else next(
                (t.lower_ for t in doc[max(sent.start, i - 5):min(sent.end, i + 5)] if _METRICS.match(t.text)), "score")
            systems = [e for sp, e in in_sent if sp.end <= i and e.type in (EntityType.MODEL, EntityType.METHOD)
                       and e.relation is not Relation.COMPARES_WITH]
            subject = proposed if proposed is not None and (improvement or not systems) else (systems[-1] if systems else None)
            if subject is None:
                continue
            k = (subject.label, bench.label, metric, value)
            if k not in seen:
                seen.add(k)
                out.append(Result(subject.label, bench.label, metric, value, unit, sent.start_char, sent.end_char))
    return out


def _numbers(doc: Doc, sent: Span) -> list[tuple[int, float, str | None, bool]]:
    """(token index, value, unit, is an improvement) for each reported number in the sentence."""
    out = []
    for i in range(sent.start, sent.end):
        txt = doc[i].text
        if not _NUMBER.match(txt):
            continue
        nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
        prev = doc[i - 1].lower_ if i > sent.start else ""
        if prev in ("(", "[") or nxt in ("b", "k", "m", "x", "×", "billion", "million", "times", "steps", "samples",
                                        "examples", "tokens", "papers", "models", "tasks", "languages", "hours"):
            continue
        unit = "%" if txt.endswith("%") or nxt == "%" else ("points" if nxt in ("points", "pp", "pts", "point") else None)
        window = doc[max(sent.start, i - 6):i]
        improvement = txt.startswith("+") or any(_IMPROVE.match(t.text) for t in window)
        if unit is None and not (improvement and "." in txt):
            continue
        value = float(txt.rstrip("%").lstrip("+"))
        out.append((i, value, unit or ("%" if improvement else None), improvement))
    return out
