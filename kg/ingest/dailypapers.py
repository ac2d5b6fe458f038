"""The Hugging Face Daily Papers page as copied from a browser: titles and abstracts as paragraphs.

The page text starts with a few header lines ("Daily Papers", "Subscribe", ...) and a date line
("Sep 2"), then alternates title and abstract paragraphs separated by blank lines.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.ingest.records import RecordError, make_paper, require_utf8
from kg.types import Paper, Reject

HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
# A longer paragraph in title position is taken for an abstract whose title is missing.
MAX_TITLE_CHARS = 300

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_DATE = re.compile(r"([A-Za-z]+)\.? +(\d{1,2})(?:(?:st|nd|rd|th)?,? +(\d{4}))?")


def parse_date(line: str) -> str | None:
    """The date a date line stands for: ISO when it has a year, else the line as written.

    None when the line is not a date.

    >>> parse_date("Sep 2"), parse_date("September 2, 2024"), parse_date("Subscribe")
    ('Sep 2', '2024-09-02', None)
    """
    m = _DATE.fullmatch(line.strip())
    if not m or m[1].lower() not in _MONTHS or not 1 <= int(m[2]) <= 31:
        return None
    if not m[3]:
        return line.strip()
    return f"{m[3]}-{_MONTHS[m[1].lower()]:02d}-{int(m[2]):02d}"


def is_header(line: str) -> bool:
    """A line of the page's chrome, or a date line: always a paragraph of its own."""
    return line.strip().lower() in HEADER_LINES or parse_date(line) is not None


def paragraphs(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each run of non-blank lines; header lines stand alone."""
    start = 0
    block: list[str] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        header = is_header(line)
        if block and (header or not line.strip()):
            yield start, "\n".join(block)
            block = []
        if header:
            yield number, line
        elif line.strip():
            start = number if not block else start
            block.append(line)
    if block:
        yield start, "\n".join(block)


_STRAY = "paragraph too long for a title: an abstract without a title before it?"
_ORPHAN = "title with no abstract after it (truncated page?)"


def read_dailypapers(path: Path) -> Iterator[Paper | Reject]:
    """Papers and rejects of a Daily Papers page; each paper's line is its title's line.

    Every paper gets the date of the last date line above it and a content-derived id.
    """
    source, date = str(path), None
    title: tuple[int, str] | None = None  # waiting for its abstract
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as f:
        for number, text in paragraphs(f):
            if is_header(text):
                if title is not None:
                    yield Reject(source, title[0], None, _ORPHAN)
                date, title = parse_date(text) or date, None
            elif title is not None:
                yield _paper(source, title, text, date)
                title = None
            elif len(text) > MAX_TITLE_CHARS:
                yield Reject(source, number, None, _STRAY)
            else:
                title = (number, text)
    if title is not None:
        yield Reject(source, title[0], None, _ORPHAN)


def _paper(source: str, title: tuple[int, str], abstract: str, date: str | None) -> Paper | Reject:
    """The paper of one title/abstract pair, or the reject saying why it is not one."""
    line, text = title
    try:
        return make_paper(
            source=source,
            line=line,
            id=None,
            title=require_utf8(text, "title"),
            abstract=require_utf8(abstract, "abstract"),
            date=date,
        )
    except RecordError as e:
        return e.reject(source, line)
