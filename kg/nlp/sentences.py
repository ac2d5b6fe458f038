"""Constant-time sentence lookup. `Span.sent` walks the document from its start on every call,
which makes per-mention lookups quadratic on long texts; this index is built once per doc.
(Token attributes as lists and arrays, built once per doc likewise: `kg.nlp.tokens`.)"""
from __future__ import annotations

from spacy.tokens import Doc, Span

_KEY = "kg_sentence_index"
TEXT_KEY = "kg_text"  # the input text, set by the pipeline's make_doc


def sentence_index(doc: Doc) -> tuple[list[int], list[Span]]:
    """(the number of the sentence of each token, the sentences), built once per doc."""
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
    of, sents = sentence_index(doc)
    return sents[of[token_i]]


def sentences(doc: Doc) -> list[Span]:
    return sentence_index(doc)[1]


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
