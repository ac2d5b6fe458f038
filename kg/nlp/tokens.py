"""Token attributes of a doc as plain Python lists and arrays, made once per doc.

spaCy makes a new `Token` object on every `doc[i]`; the rules look at the words around every
candidate name, which would make thousands of them per abstract. `token_view(doc)` reads the
attributes the rules need from one `doc.to_array` call and keeps them in `doc.user_data`, so a rule
reads `tv.lower[i]` instead of `doc[i].lower_`. The sentence component (`kg_sentences`) makes the
view first and sets its `sent_start` with the doc's; a view made later reads the doc's.

The relation rules (`kg.nlp.extract`, `kg.nlp.results`) read the doc once the pipeline has run:
`tokens(doc)` holds its token ids as an array with each token's sentence, `WordTable` looks up a
per-word value for all of a doc's tokens at once, and `token_span` remembers each candidate's
token bounds.
"""
from __future__ import annotations

import threading
from typing import Callable

import numpy
from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_TITLE, LIKE_NUM, LOWER, ORTH, SENT_START, SPACY
from spacy.tokens import Doc

from kg.nlp.sentences import doc_text, sentence_index

_KEY = "kg_token_view"
_TOKENS_KEY = "kg_token_table"
_SPANS_KEY = "kg_token_spans"
_ATTRS = [ORTH, LOWER, IS_ALPHA, IS_PUNCT, LIKE_NUM, SENT_START, SPACY, IDX, IS_TITLE]


class TokenView:
    """Per-token lists (index = token index): text, lower-case text, flags and offsets."""

    __slots__ = ("n", "text", "lower", "alpha", "punct", "num", "sent_start", "space", "idx", "title", "source")

    def __init__(self, doc: Doc):
        cols = doc.to_array(_ATTRS).T.tolist() if len(doc) else [[] for _ in _ATTRS]
        orth, lower, alpha, punct, num, sent, space, idx, title = cols
        self.n = len(doc)
        self.text: list[str] = _strings(orth, doc.vocab.strings)
        self.lower: list[str] = _strings(lower, doc.vocab.strings)
        self.alpha: list[int] = alpha
        self.punct: list[int] = punct
        self.num: list[int] = num
        self.sent_start: list[bool] = [s == 1 for s in sent]
        self.space: list[int] = space  # 1: whitespace follows the token
        self.idx: list[int] = idx
        self.title: list[int] = title
        self.source: str = doc_text(doc)

    def span_text(self, start: int, end: int) -> str:
        """`doc[start:end].text` (the tokenizer is lossless: a slice of the input text) without
        making the Span."""
        return self.source[self.idx[start]:self.idx[end - 1] + len(self.text[end - 1])] if end > start else ""


# string id -> string: an id is the hash of its string, the same in every vocabulary, so one table
# serves every doc, and a dict lookup costs a third of the StringStore's. Most words recur from
# paper to paper; emptied when full, so a long build cannot grow it without end.
_STRINGS: dict[int, str] = {}
_STRINGS_MAX = 100_000


def _strings(ids: list[int], store) -> list[str]:
    if len(_STRINGS) > _STRINGS_MAX:
        _STRINGS.clear()
    out = list(map(_STRINGS.get, ids))  # one pass in C; the few new words after
    if None in out:
        for k, s in enumerate(out):
            if s is None:
                out[k] = _STRINGS[ids[k]] = store[ids[k]]
    return out


def token_view(doc: Doc) -> TokenView:
    """The doc's TokenView (made on first use)."""
    tv = doc.user_data.get(_KEY)
    if tv is None:
        tv = doc.user_data[_KEY] = TokenView(doc)
    return tv


# ---------------------------------------------------------------- token ids as arrays (the relation rules)


class Tokens:
    """A doc's tokens read once, as arrays rather than `Token` objects (see `tokens`).

    `orth[i]` is `doc[i].orth`, the id of the token's text (a numpy array), and `sent[i]` the
    number of the sentence holding token i (its index in `sents`, which is `sentences(doc)`)."""

    __slots__ = ("vocab", "view", "orth", "sent", "sents")

    def __init__(self, doc: Doc):
        self.vocab = doc.vocab
        self.view = token_view(doc)
        self.orth = doc.to_array(ORTH) if len(doc) else numpy.zeros(0, numpy.uint64)
        self.sent, self.sents = sentence_index(doc)

    def texts(self, start: int, end: int) -> list[str]:
        """`[t.text for t in doc[start:end]]`, from the doc's `TokenView`."""
        return self.view.text[start:end]

    def word(self, orth: int) -> tuple[str, str]:
        """The text and lower-case text (`Token.text`, `Token.lower_`) of a token text's id."""
        lex = self.vocab[orth]
        return lex.orth_, lex.lower_


def tokens(doc: Doc) -> Tokens:
    """The doc's `Tokens`, built on first use (after the pipeline has run: the doc must not change
    afterwards)."""
    v = doc.user_data.get(_TOKENS_KEY)
    if v is None:
        v = doc.user_data[_TOKENS_KEY] = Tokens(doc)
    return v


class WordTable:
    """`fn(text, lower-case text)` of tokens, a small int, remembered per distinct text (by its id,
    ORTH, the hash of the text: the same in every doc) and looked up for a whole doc at once:
    `table(tokens(doc))` is the values of all its tokens, as a numpy array.

    A dict from id to value read token by token spends most of its time waiting on memory: each
    lookup is a few cache misses one after the other, as the pipeline's work between two docs
    evicts the dict from the processor's caches. This table is two numpy arrays indexed by the low
    bits of the id, so a doc's tokens are looked up in one gather whose misses overlap. An id whose
    slot another id took first is kept in a dict (bounded: emptied when full)."""

    _SLOTS = 1 << 18  # 3 MB; 7,000 abstracts hold some 25,000 distinct words
    _OTHERS_MAX = 100_000

    def __init__(self, fn: Callable[[str, str], int]):
        self.fn = fn
        # id 0 marks a free slot: it is the id of the empty string, which no token has
        self.ids = numpy.zeros(self._SLOTS, numpy.uint64)
        self.values = numpy.zeros(self._SLOTS, numpy.uint32)
        self.others: dict[int, int] = {}
        self._lock = threading.Lock()  # for learning; a slot's value is written before its id, and
        # read after it, so a reader that finds an id finds its value (slots are written once)

    def __call__(self, tok: Tokens) -> numpy.ndarray:
        orth = tok.orth
        slot = orth & numpy.uint64(self._SLOTS - 1)
        unknown = numpy.flatnonzero(self.ids[slot] != orth)  # new words, and those in `others`
        out = self.values[slot]
        for i in unknown.tolist():
            out[i] = self._learn(tok, int(orth[i]), int(slot[i]))
        return out

    def _learn(self, tok: Tokens, orth: int, slot: int) -> int:
        with self._lock:
            if self.ids[slot] == orth:  # learnt a moment ago (an earlier token of the doc)
                return int(self.values[slot])
            v = self.others.get(orth)
            if v is None:
                v = self.fn(*tok.word(orth))
                if not self.ids[slot]:
                    self.values[slot] = v
                    self.ids[slot] = orth
                else:
                    if len(self.others) >= self._OTHERS_MAX:
                        self.others.clear()
                    self.others[orth] = v
            return v


def token_span(doc: Doc, start_char: int, end_char: int) -> tuple[int, int] | None:
    """(start, end) token bounds of `doc.char_span(start_char, end_char, alignment_mode="expand")`,
    or None where that is None; remembered per doc, as extraction asks for a candidate's span
    more than once."""
    memo = doc.user_data.get(_SPANS_KEY)
    if memo is None:
        memo = doc.user_data[_SPANS_KEY] = {}
    key = (start_char, end_char)
    v = memo.get(key, memo)
    if v is memo:  # (None is a remembered answer)
        sp = doc.char_span(start_char, end_char, alignment_mode="expand")
        v = memo[key] = (sp.start, sp.end) if sp is not None else None
    return v
