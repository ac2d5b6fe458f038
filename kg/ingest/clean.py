"""Text normalisation for input records: one definition of a clean title, abstract and author list.

Every reader passes its raw strings through these functions, so the same paper read from JSONL,
CSV, the Daily Papers page, arXiv or BibTeX gives the same `Paper` text.
"""
from __future__ import annotations

import re
import unicodedata

from kg.text import clean_literal

# Everything str.splitlines() treats as a line break; the controls among them would otherwise be
# deleted with the other controls and glue the words on either side together.
_NEWLINES = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_ASCII_NEWLINES = "\r\x0b\x0c\x1c\x1d\x1e"  # the ones an ASCII text can hold
_BLANK_LINES = re.compile(r"\n{3,}")
_AUTHOR_SEP = re.compile(r"\s*(?:[,;]|\band\b)\s*(?:\band\b\s*)?", re.I)


def _base(text: str) -> str:
    """Line breaks to LF, other controls (bar tab) and stray BOMs dropped, then NFC.

    Controls go before NFC so removing one can never leave a decomposed sequence behind.
    """
    if not text.isascii() or any(c in text for c in _ASCII_NEWLINES):  # most texts have none: skip the scan
        text = _NEWLINES.sub("\n", text)
    text = clean_literal(text)
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.replace("\ufeff", ""))


def clean_title(text: str) -> str:
    """A title on one line: every whitespace run (tabs, newlines included) becomes one space.

    >>> clean_title("  Attention\\tIs  All\\r\\nYou Need\\x07 ")
    'Attention Is All You Need'
    """
    return " ".join(_base(text).split())  # str.split() splits where a regex's \s matches


def clean_abstract(text: str) -> str:
    """An abstract with its line structure kept: spaces collapsed per line, at most one blank line.

    >>> clean_abstract(" We  propose X.\\r\\n\\r\\n\\r\\nIt\\twins. ")
    'We propose X.\\n\\nIt wins.'
    """
    text = "\n".join(" ".join(line.split()) for line in _base(text).split("\n"))
    return (_BLANK_LINES.sub("\n\n", text) if "\n\n\n" in text else text).strip()


def split_authors(text: str) -> tuple[str, ...]:
    """Names from one string separated by ',', ';' or ' and '.

    >>> split_authors("Ada Lovelace, Alan Turing and Grace Hopper")
    ('Ada Lovelace', 'Alan Turing', 'Grace Hopper')
    """
    return clean_authors(_AUTHOR_SEP.split(text))


def clean_authors(names) -> tuple[str, ...]:
    """Each name cleaned like a title; empty names dropped, order kept."""
    out = (clean_title(n) for n in names)
    return tuple(n for n in out if n)
