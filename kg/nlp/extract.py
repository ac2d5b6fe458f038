"""Papers -> extraction records: group a paper's candidate names into entities, give each the one
relation the paper has to it (GUIDELINES.md priority), and read reported results."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.ids import name_key
from kg.nlp import rules
from kg.nlp.sentences import doc_text, sent_of, title_end
from kg.nlp.components import Candidate
from kg.nlp.pipeline import default_nlp
from kg.nlp.results import reported_results
from kg.types import (EntityType, Mention, Paper, PaperEntity, PaperExtraction, Relation, TYPE_WEIGHT_CUE,
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
    entities = []
    for members in groups:
        entities.append(_entity(doc, members))
    entities.sort(key=lambda e: (min(m.start for m in e.mentions), e.label))
    results = reported_results(doc, cands, entities)
    return PaperExtraction(paper=paper, entities=tuple(entities), results=tuple(results))


# ---------------------------------------------------------------- grouping


def _group(doc: Doc, cands: list[Candidate]) -> list[list[Candidate]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    # a plural acronym is its singular: "NPTs" defined once, "NPT" used later, are one entity
    def key(c: Candidate) -> str:
        return name_key(c.entry.name) if c.entry else name_key(rules.strip_plural(c.label))

    for c in cands:
        find(key(c))
        if c.long_form:
            parent[find(name_key(c.long_form))] = find(key(c))
    for ab in doc._.kg_abbreviations or ():
        a, b = find(name_key(rules.strip_plural(ab.short))), find(name_key(ab.long))
        if a != b:
            parent[b] = a
    groups: dict[str, list[Candidate]] = {}
    for c in cands:
        groups.setdefault(find(key(c)), []).append(c)
    return list(groups.values())


def _entity(doc: Doc, members: list[Candidate]) -> PaperEntity:
    entry = next((c.entry for c in members if c.entry), None)
    shorts = [c.text for c in members if c.source == "abbrev"]
    if entry is not None:
        label = entry.name
    elif shorts:
        label = shorts[0]
    else:
        label = Counter(c.label for c in members).most_common(1)[0][0]
    best = min(members, key=lambda c: _CUE_STRENGTH.get(c.type_cue, 8))
    etype = best.type
    aliases = sorted({c.text for c in members} | {c.long_form for c in members if c.long_form} - {label})
    mentions = []
    relation = Relation.MENTIONS
    for c in sorted(members, key=lambda c: c.start):
        rel, cue = _mention_relation(doc, c, etype)
        sent = doc.char_span(c.start, c.end, alignment_mode="expand")
        s = sent_of(doc, sent.start) if sent is not None else None
        s_start, s_end = (s.start_char, s.end_char) if s is not None else (c.start, c.end)
        while s_end > c.end and doc_text(doc)[s_end - 1].isspace():
            s_end -= 1  # a title "sentence" ends with the blank line before the abstract
        mentions.append(Mention(c.text, c.start, c.end, s_start, s_end, cue))
        if rel.priority < relation.priority:
            relation = rel
    return PaperEntity(label=label, type=etype, relation=relation, aliases=tuple(a for a in aliases if a),
                       mentions=tuple(mentions),
                       type_weight=_type_weight(best.type_cue))


def _type_weight(cue: str) -> int:
    """The votes a paper's type gets in the reduce: most for a type a definition's long form gives,
    many for a type the text states otherwise, one for a type guessed from the name's shape or the
    default."""
    if cue == "long form":
        return TYPE_WEIGHT_DEFINED
    return 1 if cue in _WEAK_TYPE_CUES else TYPE_WEIGHT_CUE


# ---------------------------------------------------------------- relations


def _mention_relation(doc: Doc, c: Candidate, etype: EntityType) -> tuple[Relation, str]:
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None:
        return Relation.MENTIONS, "no span"
    if c.source == "title":
        return Relation.PROPOSES, "title name"
    sent = sent_of(doc, span.start)
    before = list(doc[max(sent.start, span.start - 60):span.start])
    novel = c.entry is None
    if novel and _proposed(doc, span, before, c):
        return Relation.PROPOSES, "we propose"
    if novel and c.start < title_end(doc) and c.source not in ("long",):
        return Relation.PROPOSES, "new name in title"
    clause = _clause(before)
    if etype in (EntityType.BENCHMARK,):
        if any(_BACKGROUND.match(t.text) for t in clause[-3:]) and not _first_person(sent):
            return Relation.MENTIONS, "background"
        return Relation.EVALUATES_ON, "benchmark"
    if etype is EntityType.DATASET:
        if any(rules.EVAL_FRAMES.match(t.text) for t in clause[-6:]):
            return Relation.EVALUATES_ON, "evaluated on"
        return Relation.USES, "data"
    if any(rules.COMPARE_CUES.match(t.text) for t in clause[-8:]):
        return Relation.COMPARES_WITH, "compared with"
    if etype is EntityType.MODEL:
        return (Relation.USES, "model under study") if _first_person(sent) or not _background(sent) else (Relation.MENTIONS, "background")
    if _first_person(sent) or any(rules.USE_CUES.match(t.text) for t in clause[-4:]):
        return Relation.USES, "used"
    return Relation.MENTIONS, "background"


def _clause(tokens) -> list:
    out = []
    for t in reversed(tokens[-40:]):
        if t.text in (";", ".") or t.lower_ in ("which", "while", "whereas", "but", "although"):
            break
        out.append(t)
    return list(reversed(out))


def _first_person(sent: Span) -> bool:
    return any(rules.FIRST_PERSON.match(t.text) for t in sent)


def _background(sent: Span) -> bool:
    return any(_BACKGROUND.match(t.text) for t in sent)


_USE_BREAK = {"using", "based", "with", "via", "from", "over", "than", "which", "that", "by", "against",
              "outperforms", "outperforming", "surpassing", "compared", "unlike", "beyond", "upon"}


def _proposed(doc: Doc, span: Span, before: list, c: Candidate) -> bool:
    """Cues that the paper introduces this (not curated, so not well-known) name."""
    low = [t.lower_ for t in before]
    if low[-1:] == ["our"] or low[-2:-1] == ["our"] and low[-1] in rules.TYPE_NOUNS:
        return True
    # "our method, PAS", "our model VLAA-Thinker", "the proposed HGPO", "a new preference dataset, X"
    tail = low[-5:]
    if "proposed" in tail[-3:] or "our" in tail and any(w in rules.TYPE_NOUNS for w in tail):
        return True
    if any(w in rules.NAMING_WORDS for w in low[-3:]):
        return True
    if len(tail) >= 2 and tail[-1] == "," and tail[-2] in rules.TYPE_NOUNS and ("new" in tail or "novel" in tail):
        return True
    # "X, a novel framework", "X, an automated evaluation framework that ..."
    after = doc[span.end:min(len(doc), span.end + 6)]
    if len(after) >= 3 and after[0].text in (",", ":", "(") and after[1].lower_ in ("a", "an"):
        if any(t.lower_ in rules.TYPE_NOUNS or t.lower_ in ("novel", "new") for t in after[2:]):
            return True
    # "we propose X", "we introduce ... : Long Form (X)" — the first new name after the verb, or any
    # name the sentence defines, until the sentence turns to what the new thing uses or beats
    defined = c.source in ("abbrev", "long") or c.long_form is not None
    for i, t in enumerate(reversed(before)):
        if t.text == ";" or t.lower_ in _USE_BREAK and not defined:
            return False
        if rules.PROPOSE_VERBS.match(t.text):
            window = doc[max(sent_of(doc, span.start).start, t.i - 4):t.i]
            if not any(w.lower_ in ("we", "paper", "work", "study", "i") for w in window):
                continue
            between = doc[t.i + 1:span.start]
            first_new = not any(x.start < span.start_char and x.start > t.idx and x.entry is None
                                for x in (span.doc._.kg_candidates or ()))
            return defined or first_new or len(between) <= 3
    return False
