"""Papers -> extraction records: group a paper's candidate names into entities, give each the one
relation the paper has to it (GUIDELINES.md priority), and read reported results."""
from __future__ import annotations

import re
from functools import reduce
from operator import or_
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg.ids import name_key
from kg.nlp import rules
from kg.nlp.sentences import doc_text, sentences, title_end
from kg.nlp.tokens import WordTable, token_span, tokens
from kg.nlp.components import Candidate
from kg.nlp.pipeline import default_nlp
from kg.nlp.results import reported_results
from kg.types import (Cue, EntityType, Mention, Paper, PaperEntity, PaperExtraction, Relation, TYPE_WEIGHT_CUE,
                      TYPE_WEIGHT_DEFINED)

# how much a typing cue is trusted when one entity's mentions disagree
_CUE_STRENGTH = {"vocabulary + role": 0, "vocabulary": 1, "long form": 2, "head noun": 2.5, "role": 3, "list": 5,
                 "list neighbour": 5, "classifier": 5, "name part": 6, "name shape": 6, "trained": 6, "contents": 6,
                 "model family": 7, "comparison": 8, "default": 9}
# cues that type a name without reading what the text says it is: a paper typed so is outvoted by
# one whose text says it (the same name is often defined in one paper and only used in the next)
_WEAK_TYPE_CUES = frozenset({"default", "name shape", "list", "list neighbour", "model family", "classifier"})
_BACKGROUND = re.compile(r"^(?:recent(?:ly)?|existing|prior|previous|traditional|conventional|typically|often|"
                         r"popular|widely|commonly|such|e\.g\.)$", re.I)


def extract(papers: Iterable[Paper], nlp: Language | None = None, *, batch_size: int = 64) -> Iterator[PaperExtraction]:
    """Run the pipeline over `papers` (streaming, input order kept)."""
    nlp = nlp or default_nlp()
    for doc, paper in nlp.pipe(((p.text, p) for p in papers), as_tuples=True, batch_size=batch_size):
        yield extract_doc(doc, paper)


def extract_doc(doc: Doc, paper: Paper) -> PaperExtraction:
    cands: list[Candidate] = doc._.kg_candidates or []
    groups = _group(doc, cands)
    cx = _Context(doc, cands) if cands else None
    entities = []
    for members in groups:
        entities.append(_entity(cx, members))
    # an entity's mentions are in text order, so its first is its earliest
    entities.sort(key=lambda e: (e.mentions[0].start, e.label))
    results = reported_results(doc, cands, entities)
    return PaperExtraction(paper=paper, entities=tuple(entities), results=tuple(results))


class _Context:
    """What the relation rules read of one doc, looked up once: its tokens (`kg.nlp.tokens.tokens`),
    its candidates, what each word is (`kinds`, see `_word_kind`) and what each sentence that
    holds a mention says (`sentence_bits`)."""

    def __init__(self, doc: Doc, cands: list[Candidate]):
        self.doc = doc
        self.tok = tokens(doc)
        self.text = doc_text(doc)
        self.title_end = title_end(doc)
        self.cands = cands
        self.kinds: list[int] = _KINDS(self.tok).tolist()
        self._sentence_bits: dict[int, int] = {}
        self._cue_kinds: list[int] | None = None

    @property
    def cue_kinds(self) -> list[int]:
        """`kinds` without the relation cues of words inside a name: "Relative" in "Group Relative
        Policy Optimization (GRPO)" is part of a name, not a comparison with what follows it."""
        if self._cue_kinds is None:
            kinds = self._cue_kinds = list(self.kinds)
            keep = ~_NAME_BLIND
            for c in self.cands:
                span = self.span(c)
                if span is not None:
                    for i in range(*span):
                        kinds[i] &= keep
        return self._cue_kinds

    def span(self, c: Candidate) -> tuple[int, int] | None:
        """The candidate's token bounds (`doc.char_span(..., alignment_mode="expand")`)."""
        return token_span(self.doc, c.start, c.end)

    def sentence_bits(self, n: int) -> int:
        """The bits of all the words of sentence n."""
        v = self._sentence_bits.get(n)
        if v is None:
            s = self.tok.sents[n]
            v = self._sentence_bits[n] = reduce(or_, self.kinds[s.start:s.end], 0)
        return v

    def first_person(self, n: int) -> bool:
        """Sentence n says "we", "our", "this", "experiments", ..."""
        return bool(self.sentence_bits(n) & _FIRST_PERSON)

    def background(self, n: int) -> bool:
        """Sentence n speaks of prior work ("recent", "existing", "e.g.", ...)."""
        return bool(self.sentence_bits(n) & _BACKGROUND_WORD)


# ---------------------------------------------------------------- word kinds

# What the relation rules ask of a word, one bit each. A word's bits depend on its text alone, so
# they are worked out once per distinct text (`_KINDS`) and a mention's context is read as ints:
# a rule walks a list of ints instead of making a Token and matching a regex per word.
_SEMICOLON = 1 << 0
_CLAUSE_END = 1 << 1  # ";", "." or a clause word: where a mention's clause starts
_USE_BREAK_WORD = 1 << 2  # `_USE_BREAK`: the sentence turns to what the new thing uses or beats
_PROPOSE_VERB = 1 << 3  # rules.PROPOSE_VERBS
_AUTHOR = 1 << 4  # "we", "paper", "work", "study", "i": who proposes
_FIRST_PERSON = 1 << 5  # rules.FIRST_PERSON
_BACKGROUND_WORD = 1 << 6  # _BACKGROUND
_EVAL_FRAME = 1 << 7  # rules.EVAL_FRAMES
_COMPARE_CUE = 1 << 8  # rules.COMPARE_CUES
_USE_CUE = 1 << 9  # rules.USE_CUES
_OUR = 1 << 10  # "our"
_PROPOSED = 1 << 11  # "proposed"
_TYPE_NOUN = 1 << 12  # rules.TYPE_NOUNS: "method", "benchmark", "dataset", ...
_NAMING_WORD = 1 << 13  # rules.NAMING_WORDS: "called", "named", ...
_NEW = 1 << 14  # "new", "novel"
_COMMA = 1 << 15
_ARTICLE = 1 << 16  # "a", "an"
_APPOSITION = 1 << 17  # ",", ":" or "(" after a name: "X, a novel framework"
_TRAIN_FRAME = 1 << 18  # _TRAINING: "trained", "fine-tune", "collected", ...
_ON = 1 << 19  # "on", "across": where a result is reported

#: The cues that a word inside a name does not give (`_Context.cue_kinds`)
_NAME_BLIND = _BACKGROUND_WORD | _EVAL_FRAME | _COMPARE_CUE | _USE_CUE

# what a dataset was trained on rather than evaluated on, for the relation; wider than
# rules.TRAIN_FRAMES ("fine-tune", "trains"), which types data by role ("fine-tuning on GLUE" there
# would make GLUE a Dataset in 15 GSAP paragraphs)
_TRAINING = re.compile(r"^(?:(?:pre-?)?train\w*|fine-?tun\w*|finetun\w*|distill\w*|collected|curated|sampled)$", re.I)
_CLAUSE_WORDS = frozenset({"which", "while", "whereas", "but", "although"})
_USE_BREAK = {"using", "based", "with", "via", "from", "over", "than", "which", "that", "by", "against",
              "outperforms", "outperforming", "surpassing", "compared", "unlike", "beyond", "upon"}
_AUTHOR_WORDS = frozenset({"we", "paper", "work", "study", "i"})


def _word_kind(text: str, lower: str) -> int:
    """The bits of a word, from its text and lower-case text (`Token.text`, `Token.lower_`)."""
    return ((_SEMICOLON if text == ";" else 0)
            | (_CLAUSE_END if text in (";", ".") or lower in _CLAUSE_WORDS else 0)
            | (_USE_BREAK_WORD if lower in _USE_BREAK else 0)
            | (_PROPOSE_VERB if rules.PROPOSE_VERBS.match(text) else 0)
            | (_AUTHOR if lower in _AUTHOR_WORDS else 0)
            | (_FIRST_PERSON if rules.FIRST_PERSON.match(text) else 0)
            | (_BACKGROUND_WORD if _BACKGROUND.match(text) else 0)
            | (_EVAL_FRAME if rules.EVAL_FRAMES.match(text) else 0)
            | (_COMPARE_CUE if rules.COMPARE_CUES.match(text) else 0)
            | (_USE_CUE if rules.USE_CUES.match(text) else 0)
            | (_OUR if lower == "our" else 0)
            | (_PROPOSED if lower == "proposed" else 0)
            | (_TYPE_NOUN if lower in rules.TYPE_NOUNS else 0)
            | (_NAMING_WORD if lower in rules.NAMING_WORDS else 0)
            | (_NEW if lower in ("new", "novel") else 0)
            | (_COMMA if lower == "," else 0)
            | (_ARTICLE if lower in ("a", "an") else 0)
            | (_APPOSITION if text in (",", ":", "(") else 0)
            | (_TRAIN_FRAME if _TRAINING.match(text) else 0)
            | (_ON if lower in ("on", "across") else 0))


_KINDS = WordTable(_word_kind)


def _any(kinds: list[int], bit: int) -> bool:
    """Whether one of the words has `bit`."""
    for k in kinds:
        if k & bit:
            return True
    return False


# ---------------------------------------------------------------- grouping


def _group(doc: Doc, cands: list[Candidate]) -> list[list[Candidate]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    # a plural acronym is its singular: "NPTs" defined once, "NPT" used later, are one entity
    keys = [name_key(c.entry.name) if c.entry else name_key(rules.strip_plural(c.label)) for c in cands]
    for c, k in zip(cands, keys):
        find(k)
        if c.long_form:
            parent[find(name_key(c.long_form))] = find(k)
    for ab in doc._.kg_abbreviations or ():
        a, b = find(name_key(rules.strip_plural(ab.short))), find(name_key(ab.long))
        if a != b:
            parent[b] = a
    groups: dict[str, list[Candidate]] = {}
    for c, k in zip(cands, keys):
        groups.setdefault(find(k), []).append(c)
    return list(groups.values())


def _entity(cx: _Context, members: list[Candidate]) -> PaperEntity:
    entry = next((c.entry for c in members if c.entry), None)
    shorts = [c.text for c in members if c.source == "abbrev"]
    if entry is not None:
        label = entry.name
    elif shorts:
        label = shorts[0]
    else:
        label = _most_common(c.label for c in members)
    best = min(members, key=lambda c: _CUE_STRENGTH.get(c.type_cue, 8))
    etype = best.type
    aliases = sorted({c.text for c in members} | {c.long_form for c in members if c.long_form} - {label})
    mentions = []
    relation = Relation.MENTIONS
    tok, text, sents = cx.tok, cx.text, sentences(cx.doc)
    for c in sorted(members, key=lambda c: c.start):
        span = cx.span(c)
        rel, cue = _mention_relation(cx, c, span, etype)
        if span is not None:
            s = sents[tok.sent[span[0]]]
            s_start, s_end = s.start_char, s.end_char
        else:
            s_start, s_end = c.start, c.end
        while s_end > c.end and text[s_end - 1].isspace():
            s_end -= 1  # a title "sentence" ends with the blank line before the abstract
        mentions.append(Mention(c.text, c.start, c.end, s_start, s_end, cue))
        if rel.priority < relation.priority:
            relation = rel
    return PaperEntity(label=label, type=etype, relation=relation, aliases=tuple(a for a in aliases if a),
                       mentions=tuple(mentions),
                       type_weight=_type_weight(best.type_cue))


def _most_common(labels: Iterable[str]) -> str:
    """`Counter(labels).most_common(1)[0][0]`: the most frequent label, the first seen on a tie."""
    counts: dict[str, int] = {}
    for x in labels:
        counts[x] = counts.get(x, 0) + 1
    return max(counts, key=counts.__getitem__)


def _type_weight(cue: str) -> int:
    """The votes a paper's type gets in the reduce: most for a type a definition's long form gives,
    many for a type the text states otherwise, one for a type guessed from the name's shape or the
    default."""
    if cue == "long form":
        return TYPE_WEIGHT_DEFINED
    return 1 if cue in _WEAK_TYPE_CUES else TYPE_WEIGHT_CUE


# ---------------------------------------------------------------- relations


def _mention_relation(cx: _Context, c: Candidate, span: tuple[int, int] | None,
                      etype: EntityType) -> tuple[Relation, str]:
    """The relation one mention states, and the cue that says so. `span` is the mention's token
    bounds (`_Context.span`)."""
    if span is None:
        return Relation.MENTIONS, Cue.NO_SPAN
    if c.source == "title":
        return Relation.PROPOSES, Cue.TITLE_NAME
    start = span[0]
    n = cx.tok.sent[start]
    sent_start = cx.tok.sents[n].start
    before = max(sent_start, start - 60)  # the context read before the name: at most 60 words, in its sentence
    novel = c.entry is None
    if novel and _proposed(cx, span, before, sent_start, c):
        return Relation.PROPOSES, Cue.WE_PROPOSE
    if novel and c.start < cx.title_end and c.source not in ("long",):
        return Relation.PROPOSES, Cue.NEW_NAME_IN_TITLE
    kinds, clause = cx.cue_kinds, _clause_start(cx.kinds, before, start)

    def cue(bit: int, last: int) -> bool:  # a word with `bit` among the clause's last words, not in a name
        return _any(kinds[max(clause, start - last):start], bit)

    if etype in (EntityType.BENCHMARK,):
        if cue(_BACKGROUND_WORD, 3) and not cx.first_person(n):
            return Relation.MENTIONS, Cue.BACKGROUND
        return Relation.EVALUATES_ON, Cue.BENCHMARK
    if etype is EntityType.DATASET:
        if cue(_EVAL_FRAME, 6):
            return Relation.EVALUATES_ON, Cue.EVALUATED_ON
        # "on the X dataset, we observe a 2.3% gain in accuracy": results on it, not training
        if _reported_on(kinds, clause, start) and cx.sentence_bits(n) & _EVAL_FRAME and not cue(_TRAIN_FRAME, 8):
            return Relation.EVALUATES_ON, Cue.EVALUATED_ON
        return Relation.USES, Cue.DATA
    if cue(_COMPARE_CUE, 8):
        return Relation.COMPARES_WITH, Cue.COMPARED_WITH
    if c.start < cx.title_end:  # a known method or model the title names is what the paper studies
        return Relation.USES, Cue.NAMED_IN_TITLE
    if etype is EntityType.MODEL:
        return (Relation.USES, Cue.MODEL_UNDER_STUDY) if cx.first_person(n) or not cx.background(n) else (Relation.MENTIONS, Cue.BACKGROUND)
    if cx.first_person(n) or cue(_USE_CUE, 4):
        return Relation.USES, Cue.USED
    return Relation.MENTIONS, Cue.BACKGROUND


def _reported_on(kinds: list[int], clause: int, start: int) -> bool:
    """Whether the name follows "on" or "across" (and at most one word between: "on the X")."""
    return _any(kinds[max(clause, start - 2):start], _ON)


def _clause_start(kinds: list[int], lo: int, end: int) -> int:
    """Where the clause that ends before word `end` starts: back from it, over at most 40 words
    and not before word `lo`, to a ";", "." or a clause word."""
    k = end
    for i in range(end - 1, max(lo, end - 40) - 1, -1):
        if kinds[i] & _CLAUSE_END:
            break
        k = i
    return k


def _proposed(cx: _Context, span: tuple[int, int], before: int, sent_start: int, c: Candidate) -> bool:
    """Cues that the paper introduces this (not curated, so not well-known) name. `before` is the
    first token of the context read before it, `sent_start` the first of its sentence."""
    kinds = cx.kinds
    start, end = span
    last = kinds[max(before, start - 5):start]  # the last (at most 5) words before the name
    if last[-1:] and last[-1] & _OUR or len(last) >= 2 and last[-2] & _OUR and last[-1] & _TYPE_NOUN:
        return True
    # "our method, PAS", "our model VLAA-Thinker", "the proposed HGPO", "a new preference dataset, X"
    if _any(last[-3:], _PROPOSED) or _any(last, _OUR) and _any(last, _TYPE_NOUN):
        return True
    if _any(last[-3:], _NAMING_WORD):
        return True
    if len(last) >= 2 and last[-1] & _COMMA and last[-2] & _TYPE_NOUN and _any(last, _NEW):
        return True
    # "X, a novel framework", "X, an automated evaluation framework that ..." (the words after the
    # name may be in the next sentence)
    after = kinds[end:end + 6]
    if len(after) >= 3 and after[0] & _APPOSITION and after[1] & _ARTICLE and _any(after[2:], _TYPE_NOUN | _NEW):
        return True
    # "we propose X", "we introduce ... : Long Form (X)" — the first new name after the verb, or any
    # name the sentence defines, until the sentence turns to what the new thing uses or beats
    defined = c.source in ("abbrev", "long") or c.long_form is not None
    for i in range(start - 1, before - 1, -1):
        k = kinds[i]
        if k & _SEMICOLON or k & _USE_BREAK_WORD and not defined:
            return False
        if k & _PROPOSE_VERB:
            if not _any(kinds[max(sent_start, i - 4):i], _AUTHOR):
                continue
            if defined or start - i - 1 <= 3:  # a defined name, or at most 3 words after the verb
                return True
            # else only the first new name after the verb
            verb_at, start_char = cx.doc[i].idx, cx.doc[start].idx
            return not any(start_char > x.start > verb_at and x.entry is None for x in cx.cands)
    return False
