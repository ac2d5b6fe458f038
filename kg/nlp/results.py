"""Reported results: the numbers an abstract states for a system on a benchmark, as kg:Result
records (system, benchmark, metric, value, unit, sentence offsets).

The work is done per sentence on plain token texts by `sentence_results`, a pure function with
its own tests (tests/test_results.py); `reported_results` only finds the entity mentions of each
sentence. Precision comes first: a number becomes a result only when it is

- a score: a unit ("34%", "2.1 points", "3.5 pp", "2x", "0.09 AUROC"), or a decimal with a score
  cue before it ("achieves 72.1", "an accuracy of 71.5"); never a number inside a name, a year, a
  size or count ("7B", "32k tokens", "500 questions"), a share of data or time ("10% of the
  data"), a range ("30 to 50%", "35.4% - 61.1%") or a number the sentence compares nothing with;
- tied to a benchmark or dataset named in the same clause: "N% on B", "B (N%)", "on B, ... N",
  parallel lists ("on A, B and C it shows x, y and z", "x and y on A and B respectively"), one
  number over a list ("by up to 60% across A, B and C"); a paper that introduces one benchmark
  and evaluates on no other also gets "GPT-X scores N% accuracy" for that benchmark;
- said of a system: the grammatical subject of the clause when it is a method or model ("GPT-4.1
  showed ... (90%)"), a system right after the number ("from 15% to 95% for GPT-4o"), else the
  paper's proposed system ("our method", "it", or no subject named); clauses whose subject is
  something else ("human experts", "prior methods") report nothing.

Kinds: "improves X by N", "+N", "N% gain" give metric "improvement"; "reduces X by N", "N%
reduction in X" give "X reduction"; "from A to B" reports B (a score, not an improvement); the
metric word nearest the number (accuracy, pass@1, F1, win rate, success rate, ...) names a score,
else "score".
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from spacy.tokens import Doc

from kg.ids import name_key
from kg.nlp.components import Candidate
from kg.nlp.sentences import doc_text, sentences
from kg.nlp.tokens import token_span, tokens
from kg.types import EntityType, PaperEntity, Relation, Result

_NUM = re.compile(r"^(?P<sign>[+\-~≈])?(?P<v>\d+(?:\.\d+)?)(?P<unit>\\?%|[x×])?$")
_DIGIT = re.compile(r"\d")
_SYSTEM = (EntityType.METHOD, EntityType.MODEL)
_BENCH = (EntityType.BENCHMARK, EntityType.DATASET)

# metric words: a single token, or the head of a two-word metric ("win rate", "judgment accuracy")
_METRIC = re.compile(r"^(?:accurac(?:y|ies)|pass@\d+|f1|em|bleu(?:-\d)?|rouge(?:-\w+)?|meteor|auroc|auc|auprc|"
                     r"map|mrr|ndcg(?:@\d+)?|precision|recall|(?:\w+-)?scores?|rates?|win-?rates?|elo|match|"
                     r"perplexity|ppl|cider|spice|wer|cer|hit@\d+|hits@\d+|recall@\d+|acc)$", re.I)
# a metric that can stand as the unit of a bare number ("0.09 AUROC", "2.1 BLEU")
_METRIC_UNIT = re.compile(r"^(?:auroc|auc|auprc|bleu|rouge(?:-\w+)?|f1|em|map|mrr|ndcg(?:@\d+)?|cider|meteor|elo)$", re.I)
_SCORE_VERBS = frozenset("""achieve achieves achieved achieving attain attains attained attaining reach reaches reached
    reaching score scores scored scoring obtain obtains obtained obtaining get gets got record records recorded
    yield yields yielded deliver delivers delivered set sets hit hits""".split())
_IMPROVE_VERBS = re.compile(r"^(?:improv\w*|boost\w*|outperform\w*|surpass\w*|increas\w*|rais\w*|beat\w*|exceed\w*|"
                            r"gain\w*|enhanc\w*|lift\w*|advanc\w*|elevat\w*)$", re.I)
_REDUCE_VERBS = re.compile(r"^(?:reduc\w*|cut|cuts|cutting|trim\w*|lower\w*|decreas\w*|sav\w*|shrink\w*|compress\w*|"
                           r"shorten\w*|slash\w*|drop\w*)$", re.I)
_IMPROVE_NOUNS = frozenset({"improvement", "improvements", "gain", "gains", "increase", "increases", "boost",
                            "boosts", "uplift", "higher"})
_REDUCE_NOUNS = frozenset({"reduction", "reductions", "decrease", "decreases", "fewer", "less", "lower", "savings",
                           "shorter", "drop"})
# what a number counts when it is not a score
_COUNT_NOUNS = frozenset("""b m k t billion million thousand trillion tokens token samples sample examples example
    steps step epochs parameters params hours hour minutes seconds days gpus gpu papers models tasks languages
    questions problems participants annotators images videos pairs instances prompts scenarios turns layers heads
    shots shot languages domains categories subtasks benchmarks datasets times fold folds bits""".split())
_DATA_NOUNS = frozenset("""data training dataset datasets samples examples tokens parameters params compute time
    budget cost memory questions problems instances labels annotations corpus trajectories responses queries""".split())
_RANGE = frozenset({"to", "-", "–", "—", "~"})
_LIST_GAP = frozenset({",", "and", "or", "&"})
_BREAK = frozenset({";", "while", "whereas", "but", "although", "though", "however", "which", "where", "whilst",
                    "yet", "unlike"})
_CLAUSE = _BREAK | {"that"}
_LINK = frozenset({"on", "in", "across", "for", "over", "at", "among"})
_GAP_OK = frozenset("""on in across for over at among of with the a an all both each average averaged overall
    benchmark benchmarks dataset datasets task tasks suite test set sets split splits subset subsets , such as e.g.
    e.g including like respectively challenging popular standard widely-used public held-out""".split())
_FIRST_PERSON = frozenset({"we", "our", "ours", "it", "its", "proposed", "this", "ours", "us"})
_OTHERS = frozenset("""human humans baseline baselines prior previous existing other others competing random
    annotators experts people participants state-of-the-art sota conventional traditional standard""".split())
_STOP = frozenset("""the a an of in on for to by with and or our its their this that these those average overall
    absolute relative higher lower top best highest lowest mean both total""".split())
_TRAIN = re.compile(r"^(?:train\w*|fine-?tun\w*|finetun\w*|learn\w*|distill\w*|using|use|uses|pre-?train\w*)$")
_BENCH_AS_METRIC = re.compile(r"(?:score|accuracy|rate|f1|bleu|rouge\S*)$", re.I)


class Number(NamedTuple):
    """A number that reads as a reported score (token positions inside the sentence)."""

    start: int
    end: int  # after its unit
    value: float
    unit: str | None
    kind: str  # "score", "improvement" or "reduction"
    metric: str


class Mention(NamedTuple):
    start: int
    end: int
    entity: PaperEntity


def reported_results(doc: Doc, cands: list[Candidate], entities: list[PaperEntity]) -> list[Result]:
    """Numbers the abstract reports for a system on a benchmark (see the module docstring)."""
    text = doc_text(doc)
    if not _DIGIT.search(text):
        return []
    proposed = next((e for e in entities if e.relation is Relation.PROPOSES and e.type in _SYSTEM), None)
    own = [e for e in entities if e.relation is Relation.PROPOSES and e.type is EntityType.BENCHMARK]
    own_bench = own[0] if len(own) == 1 and not any(
        e.relation is Relation.EVALUATES_ON and e.type in _BENCH for e in entities) else None
    if own_bench is None and not any(e.type in _BENCH for e in entities):
        return []  # no benchmark named: nothing to report (each sentence would say so below)
    by_key = {}
    for e in entities:
        for n in e.names:
            by_key[name_key(n)] = e
    mentions = []
    for c in cands:
        ent = by_key.get(name_key(c.label)) or by_key.get(name_key(c.text))
        if ent is None or ent.type not in _SYSTEM and ent.type not in _BENCH:
            continue
        sp = token_span(doc, c.start, c.end)
        if sp is not None:
            mentions.append((sp[0], sp[1], ent))
    if not mentions:
        return []
    mentions.sort(key=lambda m: m[0])
    starts = [m[0] for m in mentions]
    tok = tokens(doc)
    out: list[Result] = []
    seen = set()
    # only the sentences a mention starts in: a sentence with none has no benchmark and no system
    # to report on (`sentence_results` finds nothing there, even for a paper's own benchmark)
    sents = sentences(doc)
    for n in sorted({tok.sent[a] for a in starts}):
        sent = sents[n]
        s0, s1 = sent.start, sent.end
        lo, hi = bisect_left(starts, s0), bisect_left(starts, s1)
        in_sent = [Mention(a - s0, b - s0, e) for a, b, e in mentions[lo:hi] if b <= s1]
        if own_bench is None and not any(m.entity.type in _BENCH for m in in_sent):
            continue  # no benchmark named: nothing to report (the token texts are not even read)
        if not _DIGIT.search(text, sent.start_char, sent.end_char):
            continue
        words = tok.texts(s0, s1)
        for subject, bench, metric, value, unit in sentence_results(words, in_sent, proposed, own_bench):
            k = (subject, bench, metric, value)
            if k not in seen:
                seen.add(k)
                out.append(Result(subject, bench, metric, value, unit, sent.start_char, sent.end_char))
    return out


# ---------------------------------------------------------------- one sentence


def sentence_results(words: list[str], mentions: list[Mention], proposed: PaperEntity | None = None,
                     own_bench: PaperEntity | None = None) -> list[tuple[str, str, str, float, str | None]]:
    """(subject, benchmark, metric, value, unit) for each result stated in one sentence.

    `words` are the sentence's token texts, `mentions` its entity mentions (token positions in
    the sentence, sorted), `proposed` the paper's proposed system, `own_bench` the one benchmark
    the paper introduces and evaluates on alone (or None).
    """
    low = [w.lower() for w in words]
    covered = set()
    for m in mentions:
        covered.update(range(m.start, m.end))
    nums = numbers(words, low, covered)
    if not nums:
        return []
    benches = [m for m in mentions if m.entity.type in _BENCH and not _BENCH_AS_METRIC.search(m.entity.label)]
    systems = [m for m in mentions if m.entity.type in _SYSTEM]
    pairs: list[tuple[Number, Mention]] = []
    if benches:
        pairs = _link(low, nums, benches, systems)
    elif own_bench is not None:
        # a benchmark paper: "GPT-X scores 41% (accuracy)" on the one benchmark it introduces,
        # said of a system named as the subject
        pairs = [(n, Mention(-1, -1, own_bench)) for n in nums if n.kind == "score" and n.unit == "%"]
    out = []
    for num, bench in pairs:
        subject = _subject(low, num, systems, proposed, explicit_only=bench.start < 0)
        if subject is None:
            continue
        metric = num.metric
        if metric == "score":  # "a 76% vulnerability rate, ...: GPT-4.1 (90%)": the sentence's metric
            metric = _metric(low, num.start, num.start, None, window=num.start, cross=True) or metric
        out.append((subject.label, bench.entity.label, metric, num.value, num.unit))
    return out


def numbers(words: list[str], low: list[str], covered: set[int] = frozenset()) -> list[Number]:
    """The numbers of a sentence that read as reported scores, improvements or reductions."""
    out: list[Number] = []
    n = len(words)
    skip_to = -1
    for i, w in enumerate(words):
        if i < skip_to or i in covered:
            continue
        m = _NUM.match(w)
        if m is None:
            continue
        v, sign, unit = m["v"], m["sign"] or "", m["unit"]
        j = i + 1
        unit, j = _unit(unit, low, j)
        prev = low[i - 1] if i else ""
        nxt = low[j] if j < n else ""
        # "from A to B": B is the value; "A to B" / "A - B" / "between A and B": a range, no value
        if nxt in _RANGE and j + 1 < n and _NUM.match(words[j + 1]):
            k = j + 1
            u2, k2 = _unit(_NUM.match(words[k])["unit"], low, k + 1)
            if nxt == "to" and (prev == "from" or low[i - 2:i] == ["from", "~"]):
                unit = unit or u2
                if unit is None and "." not in words[k]:
                    skip_to = k2
                    continue
                metric = _metric(low, i, k2, unit) or "score"
                out.append(Number(k, k2, float(_NUM.match(words[k])["v"]), unit, "score", metric))
            skip_to = k2
            continue
        if prev in ("between", "from"):
            if prev == "between" and nxt == "and" and j + 1 < n and _NUM.match(words[j + 1]):
                skip_to = _unit(_NUM.match(words[j + 1])["unit"], low, j + 2)[1]
            continue  # "between A and B"; "from A" with no "to B"
        if prev in ("(", "[") and nxt in (")", "]") and unit is None:
            continue  # "(1)", "[12]"
        if nxt in _COUNT_NOUNS or (unit is None and prev in ("top", "top-", "level", "levels", "step", "version", "v",
                                                              "=", "≤", "<", ">", "≥", "only")):
            continue
        metric_unit = unit is None and bool(nxt) and bool(_METRIC_UNIT.match(nxt))
        if metric_unit:
            unit, j = words[j], j + 1  # "0.09 AUROC", "2.1 BLEU"
            nxt = low[j] if j < n else ""
        if unit is None and not ("." in v and _score_cue(low, i)) and not (prev == "of" and i >= 2 and _METRIC.match(low[i - 2])):
            continue
        if unit is None and v.isdigit() and 1900 <= int(v) <= 2100:
            continue  # a year
        # a share of data, time or cost: "10% of the data", "half of the tokens"
        if nxt == "of" and any(x in _DATA_NOUNS for x in low[j + 1:j + 4]):
            continue
        if nxt in _COUNT_NOUNS or (j + 1 < n and nxt in ("more", "larger", "fewer", "less") and low[j + 1] in _COUNT_NOUNS):
            continue
        kind, metric = _kind(low, i, j, sign)
        if kind is None:
            continue
        if unit == "x" and metric == "score":
            continue  # "3x" with no metric: a speed-up or a size, not a score
        if metric_unit and kind == "score":
            metric = unit
        out.append(Number(i, j, -float(v) if sign == "-" else float(v), unit, kind, metric))
    return out


def _unit(unit: str | None, low: list[str], j: int) -> tuple[str | None, int]:
    if unit:
        return ("%" if unit.endswith("%") else "x"), j
    nxt = low[j] if j < len(low) else ""
    if nxt in ("%", "\\%", "percent"):
        return "%", j + 1
    if nxt in ("pp", "p.p.", "pp."):
        return "pp", j + 1
    if nxt == "percentage" and low[j + 1:j + 2] in (["points"], ["point"]):
        return "pp", j + 2
    if nxt in ("points", "point", "pts", "pt"):
        return "points", j + 1
    if nxt in ("x", "×"):
        return "x", j + 1
    return None, j


def _score_cue(low: list[str], i: int) -> bool:
    """A bare decimal is a score after a score verb or metric word: "achieves 72.1", "F1 of 0.81"."""
    k = i - 1
    while k >= 0 and (low[k] in _LIST_GAP or _NUM.match(low[k]) or low[k] in ("%", "an", "a", "the", "average")):
        k -= 1  # over the earlier members of a list: "achieves 72.1 and 65.3"
    w = low[k] if k >= 0 else ""
    return w in _SCORE_VERBS or bool(_METRIC.match(w)) or w in ("by", "+")


_MODIFIERS = frozenset("""up to over about approximately around nearly almost roughly more than an average of ~ ≈ a
    further additional margin large substantial significant""".split())
_WORSE = frozenset({"worse", "lower", "behind", "below", "smaller", "larger", "faster", "slower", "cheaper", "sparser",
                    "sparsity", "compression", "speedup", "speed-up", "shorter", "longer", "less", "more"})
_COMPARED = frozenset({"compared", "than", "vs", "vs.", "versus", "against", "relative"})
_MORE = frozenset({"more", "less", "greater", "fewer", "higher", "lower", "better", "rather"})


def _kind(low: list[str], i: int, j: int, sign: str) -> tuple[str | None, str]:
    """("score" | "improvement" | "reduction" | None, metric) from the words around the number."""
    nxt = low[j] if j < len(low) else ""
    if nxt in ("absolute", "relative", "average") and j + 1 < len(low):
        nxt = low[j + 1]  # "7% absolute improvement"
    if nxt in _IMPROVE_NOUNS or nxt in ("better", "above") or sign in ("+", "-"):
        return "improvement", "improvement"
    if nxt in _REDUCE_NOUNS:
        obj = _reduction_object(low, j + 1 if low[j] == nxt else j + 2)
        return "reduction", (obj + " reduction").strip()
    if nxt in _WORSE:
        return None, ""  # "2% worse than X", "50% smaller model", "3x faster": not a score on a benchmark
    prev = low[i - 1] if i else ""
    if prev == "of" and i >= 2 and low[i - 2] in _IMPROVE_NOUNS:
        return "improvement", "improvement"  # "an improvement of 19.5%"
    if prev in ("within", "only") and nxt not in ("on", "in", "for", "across", "at") or prev == "of" and i >= 2 \
            and low[i - 2] in _REDUCE_NOUNS:
        return None, ""  # "within 3.9 points of X"
    if any(w in _COMPARED and not (w == "than" and low[k - 1] in _MORE) for k, w in enumerate(low[:i]) if k >= i - 5) \
            and not any(w in _BREAK for w in low[max(0, i - 5):i]):
        return None, ""  # "(10.8 compared to SOTA perplexity of 15.8)": a baseline's number
    # "by (up to | over | about | an average of) N" after a verb in the clause
    k = i - 1
    while k >= 0 and low[k] in _MODIFIERS:
        k -= 1
    if k >= 0 and low[k] == "by":
        for v in range(k - 1, max(-1, k - 10), -1):
            if low[v] in _CLAUSE or low[v] == ",":
                break
            if _REDUCE_VERBS.match(low[v]):
                obj = _reduction_object(low[v + 1:k], 0)
                return "reduction", (obj + " reduction").strip()
            if _IMPROVE_VERBS.match(low[v]):
                return "improvement", "improvement"
        return None, ""  # "differs by 20%": no cue what kind of number
    if k >= 1 and low[k] in _IMPROVE_NOUNS:
        return "improvement", "improvement"  # "a gain of up to 17%"
    if k >= 0 and low[k] in _REDUCE_NOUNS:
        return None, ""
    for v in range(i - 1, max(-1, i - 4), -1):
        if _REDUCE_VERBS.match(low[v]):
            return None, ""  # "reduces latency 30%": a cost, with no "by" to read it
    if k >= 0 and low[k] == "(" and k + 1 < i and low[k + 1] == "up":
        # "improving over X (up to 19 points of accuracy on B)": the parenthesis qualifies a gain
        for v in range(k - 1, max(-1, k - 8), -1):
            if low[v] in _BREAK or _NUM.match(low[v]):
                break
            if _IMPROVE_VERBS.match(low[v]):
                return "improvement", "improvement"
    return "score", _metric(low, i, j, None) or "score"


def _reduction_object(low: list[str], start: int) -> str:
    """The noun phrase a reduction is of: "token consumption" in "reduces token consumption by"."""
    words = low[start:start + 4]
    if words and words[0] == "in":
        words = words[1:]
    out = []
    for w in words:
        if w in _STOP or w in _CLAUSE or not w.replace("-", "").isalpha() or w in ("by", "while", "across"):
            if out:
                break
            continue
        out.append(w)
    return " ".join(out[:3])


def _metric(low: list[str], i: int, j: int, unit: str | None, window: int = 6, cross: bool = False) -> str | None:
    """The metric word nearest the number in its clause ("71.5% accuracy", "an accuracy of 34%");
    `cross` looks back over clause breaks too."""
    n = len(low)
    order = ([j, j + 1] if j > i else []) + [i - d for d in range(1, window + 1)]
    for k in order:
        if not 0 <= k < n:
            continue
        if k < i and not cross and (low[k] in _CLAUSE or _NUM.match(low[k])):
            break  # a metric before another number is that number's
        w = low[k]
        if not _METRIC.match(w):
            continue
        if w in ("em", "map") and k > 0 and low[k - 1] not in ("%", ")"):
            continue
        if w == "match" or w == "score" and k > 1 and low[k - 2:k] == ["exact", "match"]:
            if k > 0 and "exact" in low[k - 2:k]:
                return "exact match"
            continue
        head = w.rstrip("s") if w.endswith(("rates", "scores")) else ("accuracy" if w.startswith("accurac") else w)
        if head in ("rate", "score", "accuracy", "win-rate") and k > 0:
            mod = low[k - 1]
            if mod.replace("-", "").isalpha() and mod not in _STOP and mod not in _CLAUSE and not _NUM.match(mod) \
                    and mod not in ("%", "by", "the") and not _IMPROVE_VERBS.match(mod) and not _REDUCE_VERBS.match(mod) \
                    and mod not in _SCORE_VERBS:
                return f"{mod} {head}"
            if head == "rate":
                continue  # a bare "rate" says nothing
        return head
    return None


# ---------------------------------------------------------------- numbers -> benchmarks


def _groups(items: list, gap_ok, start, end) -> list[list]:
    """Runs of items separated only by list punctuation ("A, B and C")."""
    out: list[list] = []
    for it in items:
        if out and gap_ok(end(out[-1][-1]), start(it)):
            out[-1].append(it)
        else:
            out.append([it])
    return out


def _link(low: list[str], nums: list[Number], benches: list[Mention], systems: list[Mention]) -> list[tuple[Number, Mention]]:
    def list_gap(a: int, b: int) -> bool:
        return b - a <= 3 and all(w in _LIST_GAP or w in ("the", "(", ")") for w in low[a:b])

    nlists = _groups(nums, list_gap, lambda x: x.start, lambda x: x.end)
    blists = _groups(benches, list_gap, lambda x: x.start, lambda x: x.end)
    respectively = "respectively" in low
    out: list[tuple[Number, Mention]] = []
    used_b: set[int] = set()
    for nl in nlists:
        if len(nl) > 1 and nl[-1].metric != "score":
            # "2.1%, 3.4% and 5.0% improvements": the noun after the last one names them all
            nl = [n._replace(kind=nl[-1].kind, metric=nl[-1].metric) if n.metric == "score" else n for n in nl]
        if len(nl) > 1:
            # parallel lists: "x, y and z on A, B and C (respectively)", "on A, B and C it shows x, y and z"
            bl = next((b for b in blists if len(b) == len(nl) and b[0].start not in used_b
                       and (respectively or _near(low, nl, b))), None)
            if bl is not None:
                used_b.add(bl[0].start)
                out += list(zip(nl, bl))
                continue
        for num in nl:
            bl = _after(low, num, blists, systems) or _before(low, num, blists, nums)
            if bl is not None:
                out += [(num, b) for b in bl]
    return out


def _near(low: list[str], nl: list[Number], bl: list[Mention]) -> bool:
    """Two parallel lists in one clause, close together, nothing but words between them."""
    a, b = (nl[-1].end, bl[0].start) if nl[-1].end <= bl[0].start else (bl[-1].end, nl[0].start)
    return 0 <= b - a <= 8 and not any(w in _BREAK for w in low[a:b])


def _after(low: list[str], num: Number, blists: list[list[Mention]], systems: list[Mention]) -> list[Mention] | None:
    """"N% on B", "N% accuracy across the A and B benchmarks", "by 5% over X on B"."""
    bl = next((bl for bl in blists if bl[0].start >= num.end), None)
    if bl is None or bl[0].start - num.end > 8:
        return None
    linked = False
    k = num.end
    while k < bl[0].start:
        w = low[k]
        sysm = next((s for s in systems if s.start == k), None)
        if sysm is not None and k > num.end and low[k - 1] in ("over", "than", "against", "vs", "vs."):
            k = sysm.end  # "by 5% over GRPO on B"
            continue
        if w in _LINK:
            linked = True
        elif not (w in _GAP_OK or w in _IMPROVE_NOUNS or w in _REDUCE_NOUNS or w in ("absolute", "relative")
                  or _METRIC.match(w) or k + 1 < len(low) and _METRIC.match(low[k + 1]) and w.isalpha()):
            return None
        k += 1
    return bl if linked else None


def _before(low: list[str], num: Number, blists: list[list[Mention]], nums: list[Number]) -> list[Mention] | None:
    """"B (N%)", "B: N%", "on B, our model reaches N%", "across benchmarks (A, B, C), X cuts ... by N%"."""
    bl = next((bl for bl in reversed(blists) if bl[-1].end <= num.start), None)
    if bl is None:
        return None
    end = bl[-1].end
    between = low[end:num.start]
    if any(_NUM.match(w) and low[end + k - 1] != "from" for k, w in enumerate(between)):
        return None  # another number is closer to the benchmark
    if between in (["("], [":"], ["at"], ["(", "at"]) or (
            between[:1] == ["("] and len(between) <= 3 and all(_METRIC.match(w) or w in (":", "of", "=") for w in between[1:])):
        return bl  # "B (71.2%)", "B: 71.2%", "B (accuracy: 71.2%)"
    if len(between) > 14 or any(w in _BREAK for w in between):
        return None
    # a preposition frame before the benchmark(s) ("On B, ...", "across benchmarks (A, B)"), which
    # must be one evaluated on, not data trained on ("trained on D, X improves by 5%")
    head = low[max(0, bl[0].start - 5):bl[0].start]
    if not any(w in _LINK for w in head) or any(_TRAIN.match(w) for w in head):
        return None
    if any(bl[0].start - 6 <= n.end <= bl[0].start for n in nums):
        return None  # "5.1% on A, 2.4% ...": A is the earlier number's
    if not all(m.entity.type is EntityType.BENCHMARK or m.entity.relation is Relation.EVALUATES_ON for m in bl):
        return None
    return bl


# ---------------------------------------------------------------- subject


def _subject(low: list[str], num: Number, systems: list[Mention], proposed: PaperEntity | None,
             explicit_only: bool = False) -> PaperEntity | None:
    """The system a number is said of: "for X" after it, the clause's subject, else the proposed one."""
    # "from 15% to 95% for GPT-4o", "6% in GPT-4o"
    for s in systems:
        if num.end < s.start <= num.end + 2 and all(w in ("for", "in", "with", "of", "the") for w in low[num.end:s.start]):
            return s.entity
    # the clause holding the number, its first verb that states a result, and what comes before it
    c = num.start - 1
    while c >= 0 and low[c] not in _CLAUSE:
        c -= 1
    c += 1
    verb = next((k for k in range(c, num.start) if _RESULT_VERB.match(low[k])), None)
    np_end = verb if verb is not None else c
    comma = max((k for k in range(c, np_end) if low[k] == ","), default=None)
    if comma is not None and comma + 1 < np_end and (
            any(comma < s.start and s.end <= np_end for s in systems) or any(w in _FIRST_PERSON for w in low[comma:np_end])):
        c = comma + 1  # "with a ResNet encoder, our model achieves": the subject follows the comma
    np = low[c:np_end]
    subj = [s for s in systems if c <= s.start and s.end <= np_end]
    if subj:
        first = subj[0]
        e = first.entity
        if e is proposed or e.relation is Relation.PROPOSES:
            return e
        if "our" in low[max(c, first.start - 4):first.start] or _modifies(low, first, proposed):
            return proposed  # "our RL model achieves", "X-tuned Llama boosts ...": the paper's system
        if num.kind == "improvement" and e.relation is Relation.USES and proposed is not None and (
                any(s.entity is proposed for s in systems) or any(w in _FIRST_PERSON for w in low[c:num.start])):
            return proposed  # "with our method, Llama improves by 5%": the gain is the method's
        return e
    if explicit_only:
        return None
    if any(w in _OTHERS for w in np) and not any(w in _FIRST_PERSON for w in np):
        return None  # "human experts reach 90%"
    if verb is None:
        first = next((s for s in systems if c <= s.start < num.start), None)
        if first is not None and first.entity is not proposed:
            return None  # a system named before the number, but not as the subject
    return proposed


def _modifies(low: list[str], m: Mention, proposed: PaperEntity | None) -> bool:
    """"DCoLT-reinforced LLaDA": the subject's name is built on the proposed system's name."""
    if proposed is None:
        return False
    keys = [k for k in (name_key(n) for n in proposed.names) if len(k) >= 3]
    label = name_key(m.entity.label)
    return any(k in label for k in keys) or any(
        any(name_key(low[k]).startswith(x) for x in keys) for k in range(max(0, m.start - 2), m.start))


_RESULT_VERB = re.compile(r"^(?:achiev(?:es|ed)|attain(?:s|ed)|reach(?:es|ed)|scor(?:es|ed)|obtain(?:s|ed)|gets|got|"
                          r"shows?|showed|demonstrat(?:es|ed)|records?|recorded|yields?|yielded|improv(?:es|ed)|"
                          r"boost(?:s|ed)|outperform(?:s|ed)|surpass(?:es|ed)|beats?|reduc(?:es|ed)|cuts|trims|"
                          r"lower(?:s|ed)|exceed(?:s|ed)|deliver(?:s|ed)|gains?|gained|sets|has|had|is|was|are|were|"
                          r"achieve|attain|reach|obtain|improve|boost|outperform|surpass|reduce|cut|trim|exceed|"
                          r"increas(?:es|ed)|rais(?:es|ed)|enhanc(?:es|ed)|can|could|will|may)$")

