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
_ANY_SPACE = re.compile(r"\s+")
_LINE_SPACE = re.compile(r"[^\S\n]+")  # whitespace other than newline
_BLANK_LINES = re.compile(r"\n{3,}")
_AUTHOR_SEP = re.compile(r"\s*(?:[,;]|\band\b)\s*(?:\band\b\s*)?", re.I)


def _base(text: str) -> str:
    """Line breaks to LF, other controls (bar tab) and stray BOMs dropped, then NFC.

    Controls go before NFC so removing one can never leave a decomposed sequence behind.
    """
    text = clean_literal(_NEWLINES.sub("\n", text)).replace("\ufeff", "")
    return unicodedata.normalize("NFC", text)


def clean_title(text: str) -> str:
    """A title on one line: every whitespace run (tabs, newlines included) becomes one space.

    >>> clean_title("  Attention\\tIs  All\\r\\nYou Need\\x07 ")
    'Attention Is All You Need'
    """
    return _ANY_SPACE.sub(" ", _base(text)).strip()


def clean_abstract(text: str) -> str:
    """An abstract with its line structure kept: spaces collapsed per line, at most one blank line.

    >>> clean_abstract(" We  propose X.\\r\\n\\r\\n\\r\\nIt\\twins. ")
    'We propose X.\\n\\nIt wins.'
    """
    lines = (_LINE_SPACE.sub(" ", line).strip() for line in _base(text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


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
