"""Constant-time sentence lookup. `Span.sent` walks the document from its start on every call,
which makes per-mention lookups quadratic on long texts; this index is built once per doc.

`tokens` does the same for the tokens: spaCy makes a new `Token` object on every `doc[i]`, so rules
that read a mention's context through `doc[...]` pay for dozens of objects per mention."""
from __future__ import annotations

import threading
from typing import Callable

import numpy
from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

_KEY = "kg_sentence_index"
_TOKENS_KEY = "kg_token_table"
_SPANS_KEY = "kg_token_spans"
TEXT_KEY = "kg_text"  # the input text, set by the pipeline's make_doc


def _index(doc: Doc) -> tuple[list[int], list[Span]]:
    idx = doc.user_data.get(_KEY)
    if idx is None:
        sents = list(doc.sents)
        of = [0] * len(doc)
        for n, s in enumerate(sents):
            of[s.start:s.end] = [n] * (s.end - s.start)
        idx = doc.user_data[_KEY] = (of, sents)
    return idx


def sent_of(doc: Doc, token_i: int) -> Span:
    """The sentence that holds token `token_i`."""
    of, sents = _index(doc)
    return sents[of[token_i]]


def sentences(doc: Doc) -> list[Span]:
    return _index(doc)[1]


def title_end(doc: Doc) -> int:
    """Character offset where the title ends (the blank line before the abstract), or -1."""
    v = doc.user_data.get("kg_title_end")
    if v is None:
        v = doc.user_data["kg_title_end"] = doc_text(doc).find("\n\n")
    return v


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once (spaCy joins every token on each access)."""
    v = doc.user_data.get(TEXT_KEY)
    if v is None:
        v = doc.user_data[TEXT_KEY] = doc.text
    return v


# ---------------------------------------------------------------- tokens as arrays


class Tokens:
    """A doc's tokens read once, as arrays rather than `Token` objects (see `tokens`).

    `orth[i]` is `doc[i].orth`, the id of the token's text (a numpy array), and `sent[i]` the
    number of the sentence holding token i (its index in `sents`, which is `sentences(doc)`)."""

    __slots__ = ("vocab", "orth", "sent", "sents")

    def __init__(self, doc: Doc):
        self.vocab = doc.vocab
        self.orth = doc.to_array(ORTH) if len(doc) else numpy.zeros(0, numpy.uint64)
        self.sent, self.sents = _index(doc)

    def texts(self, start: int, end: int) -> list[str]:
        """`[t.text for t in doc[start:end]]`, without making the Tokens. Each text is a new
        string, as `Token.text` makes one: a record that holds one (a result's unit) is then
        encoded as before, for `marshal` (the extraction cache) writes a second reference to one
        object as a back-reference, and an equal object in full."""
        strings = self.vocab.strings
        return [strings[h] for h in self.orth[start:end].tolist()]

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
