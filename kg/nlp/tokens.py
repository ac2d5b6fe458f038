"""Token attributes of a doc as plain Python lists, made once per doc.

spaCy makes a new `Token` object on every `doc[i]`; the rules look at the words around every
candidate name, which would make thousands of them per abstract. `token_view(doc)` reads the
attributes the rules need from one `doc.to_array` call and keeps them in `doc.user_data`, so a rule
reads `tv.lower[i]` instead of `doc[i].lower_`. The sentence component (`kg_sentences`) makes the
view first and sets its `sent_start` with the doc's; a view made later reads the doc's.
"""
from __future__ import annotations

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_TITLE, LIKE_NUM, LOWER, ORTH, SENT_START, SPACY
from spacy.tokens import Doc

from kg.nlp.sentences import doc_text

_KEY = "kg_token_view"
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
    get = _STRINGS.get
    out = []
    for i in ids:
        s = get(i)
        if s is None:
            s = _STRINGS[i] = store[i]
        out.append(s)
    return out


def token_view(doc: Doc) -> TokenView:
    """The doc's TokenView (made on first use)."""
    tv = doc.user_data.get(_KEY)
    if tv is None:
        tv = doc.user_data[_KEY] = TokenView(doc)
    return tv
