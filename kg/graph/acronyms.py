"""Acronyms with more than one meaning across papers, for the reduce (`kg.graph.canonical`).

A paper that writes "data augmentation (DA)" says that *in this paper* DA is data augmentation;
another paper's DA may be domain adaptation. Joining every name a paper gives one thing would make
the acronym a bridge between the two long forms, and over a large corpus a few such bridges chain
into giant wrong nodes. So a short form paired with a long form is not joined to it directly: the
long forms each short form was paired with are grouped into senses (long forms that are spellings
of one name: `compatible`), and the short form joins only the sense most papers define it as.

Everything here is a pure function of names and counts: the reduce keeps the counts, and any
order of rows gives the same senses.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from kg.nlp.rules import spells

#: longest name read as an acronym ("RLHF", "GRPO", "LLMs", "3DGS"); longer single tokens are names
SHORT_MAX = 10

# words a long form may add or drop without naming another thing ("RL *from* human feedback" is
# "reinforcement learning *with* human feedback")
_FUNCTION_WORDS = frozenset("of for from with through via by on in to the a an and".split())
_WORD = re.compile(r"[^\W_]+")
# words this long or longer may differ by one edit (a typo, "optimisation"); shorter ones may not
# ("self" is not "semi")
_FUZZY_MIN = 6


def is_short_form(name: str) -> bool:
    """Whether a name looks like an acronym: one short token with at least two capitals ("DA",
    "RLHF", "LoRA", "GPT-4o"). Which of them *are* acronyms of something only shows where a paper
    pairs one with a long form (`is_long_form`) of another key."""
    return len(name) <= SHORT_MAX and not any(c.isspace() for c in name) and sum(c.isupper() for c in name) >= 2


def is_long_form(name: str) -> bool:
    """Whether a name has several words: what an acronym stands for, never an acronym itself."""
    return len(name.split(None, 1)) == 2


def defines(long: str, short: str) -> bool:
    """Whether a one-word name is what a short form of another key stands for: spelling it with
    capitals and part starts ("ThinkNet" for "TN", "chain-of-thought" for "CoT";
    `kg.nlp.rules.spells`), without holding it ("Long-CoT", "GPT-4-Turbo" and a plural "s" are
    kinds or spellings of what the short form names)."""
    return short.lower() not in long.lower() and spells(short, long)


def row_parts(names: tuple[str, ...], key_of: Callable[[str], str]) -> tuple[list[str], list[str], list[str]]:
    """A row's names as (keys to join as one name, short keys, long forms).

    A row that pairs a short form with a long form of another key defines an acronym: its short
    keys come back apart (they join a sense later), its other keys are joined as today. Any other
    row (spelling variants, "GPT-4o" and "GPT4o") joins all its keys and has no short keys."""
    keyed = [(n, k) for n in names if (k := key_of(n))]
    keys = [k for _, k in keyed]
    if len(keyed) < 2:
        return keys, [], []
    longs = [n for n, _ in keyed if is_long_form(n)]
    if not longs:  # "ThinkNet (TN)": a one-word long form
        short_names = [(n, k) for n, k in keyed if is_short_form(n)]
        longs = [n for n, k in keyed if any(k != sk and defines(n, s) for s, sk in short_names)]
    if not longs:
        return keys, [], []
    long_keys = {k for n, k in keyed if n in longs}
    shorts = {k for n, k in keyed if k not in long_keys and is_short_form(n)}
    if not shorts:
        return keys, [], []
    return [k for k in keys if k not in shorts], sorted(shorts), longs


# ---------------------------------------------------------------- when two long forms are one name


@lru_cache(maxsize=200_000)
def words(name: str) -> tuple[str, ...]:
    """A long form's words, lower case and singular, with -isation spelt -ization (function
    words are kept: an acronym's initials may count them, "CoT" for "chain of thought")."""
    return tuple(_stem(w) for w in _WORD.findall(name.lower()))


def _stem(w: str) -> str:
    w = w.replace("isation", "ization")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def compatible(a: str, b: str) -> bool:
    """Whether two long forms are spellings of one name: the same words up to function words,
    plural, British spelling or one typo in a long word, where a word may also stand for a run of
    the other's words by their initials ("RL from Human Feedback", "Reinforcement Learning with
    Human Feedback"). "self-supervised" and "semi-supervised" learning are not."""
    return _align(words(a), words(b))


@lru_cache(maxsize=200_000)
def _align(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether words `a` and `b` match one by one, skipping function words, a word of either
    possibly matching a run of the other's words by their initials."""
    if not a or not b:
        return all(w in _FUNCTION_WORDS for w in a + b)
    if a[0] in _FUNCTION_WORDS and _align(a[1:], b):
        return True
    if b[0] in _FUNCTION_WORDS and _align(a, b[1:]):
        return True
    if _same_word(a[0], b[0]) and _align(a[1:], b[1:]):
        return True
    return any(_align(x[1:], rest) for x, y in ((a, b), (b, a)) for rest in _initials_rest(x[0], y))


def _initials_rest(word: str, others: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    """What is left of `others` after a first run of them whose initials spell `word` (its
    function words counted or not), for each such run of two words or more."""
    if len(word) < 2 or not word.isalpha():
        return
    for end in range(2, len(others) + 1):
        run = others[:end]
        if run[-1] in _FUNCTION_WORDS:
            continue
        content = [w for w in run if w not in _FUNCTION_WORDS]
        if word in ("".join(w[0] for w in run), "".join(w[0] for w in content)) and len(content) >= 2:
            yield others[end:]
        if len(content) > len(word):
            return


@lru_cache(maxsize=200_000)
def core(long_words: tuple[str, ...], short: str) -> tuple[str, ...]:
    """The first words of a long form that its acronym spells ("chain of thought" of "chain of
    thought prompting" for CoT), or all of them: what follows them only says what kind of thing
    it is, so two long forms of one acronym that agree on them are one name. (Never the acronym
    alone: "CoT prompting" is no more chain of thought than chain of tables.)"""
    spelt = {short, short[:-1]} if short.endswith("s") else {short}
    if not short.isalpha():
        return long_words
    for end in range(1, len(long_words) + 1):
        run = long_words[:end]
        if run[-1] in _FUNCTION_WORDS:
            continue
        content = [w for w in run if w not in _FUNCTION_WORDS]
        if len(content) >= 2 and spelt & {"".join(w[0] for w in run), "".join(w[0] for w in content)}:
            return run
        if len(content) > len(short):
            break
    return long_words


def _same_word(x: str, y: str) -> bool:
    return x == y or (min(len(x), len(y)) >= _FUZZY_MIN and _one_edit(x, y))


def _one_edit(x: str, y: str) -> bool:
    """Whether `x` becomes `y` by one insertion, deletion or substitution."""
    if abs(len(x) - len(y)) > 1:
        return False
    if len(x) > len(y):
        x, y = y, x
    i = 0
    while i < len(x) and x[i] == y[i]:
        i += 1
    return x[i + 1:] == y[i + 1:] if len(x) == len(y) else x[i:] == y[i + 1:]


# ---------------------------------------------------------------- the senses of one short form


def senses(short: str, forms: dict[str, int], key_of: Callable[[str], str]) -> list[list[str]]:
    """The senses of one short form (its key), given the long forms papers paired it with (long
    form -> rows): each sense the keys of long forms that are one name (`compatible`, or their
    `core` is, or one key), the sense most rows define first (ties: the one with the smallest
    key), each sense's keys sorted.

    A sense is the connected part of the compatibility graph, so a long form compatible with two
    senses joins them (as more rows can only join senses, never split them, an earlier build's
    senses are each inside one of a later build's)."""
    by_key: dict[str, list[str]] = {}
    for form in sorted(forms):
        by_key.setdefault(key_of(form), []).append(form)
    parent = {k: k for k in by_key}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for (ka, a), (kb, b) in _candidate_pairs(by_key, short):
        ra, rb = find(ka), find(kb)
        if ra != rb and (compatible(a, b) or _align(core(words(a), short), core(words(b), short))):
            lo, hi = sorted((ra, rb))
            parent[hi] = lo
    groups: dict[str, list[str]] = {}
    for k in sorted(by_key):
        groups.setdefault(find(k), []).append(k)
    rows = {root: sum(forms[f] for k in ks for f in by_key[k]) for root, ks in groups.items()}
    return [groups[r] for r in sorted(groups, key=lambda r: (-rows[r], r))]


def _candidate_pairs(by_key: dict[str, list[str]], short: str) -> Iterable[tuple[tuple[str, str], tuple[str, str]]]:
    """Pairs of long forms (with their keys) of distinct keys that may be compatible, so that a
    short form with a thousand long forms (a large corpus's "RL") costs about as many checks, not
    a million: two forms can only be compatible, or have compatible `core`s, where both (or both
    cores) begin with one letter and end in one word, up to one edit (a word stands for a run of
    words by their initials mostly at the start of a long form: "RL from human feedback")."""
    blocks: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for k, forms in by_key.items():
        for f in forms:
            ws = words(f)
            for part in {ws, core(ws, short)}:
                for block in _blocks(part):
                    blocks.setdefault(block, []).append((k, f))
    done: set[tuple[str, str]] = set()
    for block in blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                if a[0] != b[0] and (a[1], b[1]) not in done:
                    done.add((a[1], b[1]))
                    yield a, b


def _blocks(ws: tuple[str, ...]) -> set[tuple[str, str]]:
    """(first letter, last word or the last word less one letter) of a form's content words: two
    forms that may match share one (words within one edit share a one-letter deletion)."""
    content = [w for w in ws if w not in _FUNCTION_WORDS] or list(ws) or [""]
    first, last = content[0][:1], content[-1]
    ends = {last}
    if len(last) >= _FUZZY_MIN:
        ends.update(last[:i] + last[i + 1:] for i in range(len(last)))
    return {(first, end) for end in ends}
