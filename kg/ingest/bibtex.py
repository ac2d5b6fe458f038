"""BibTeX files with `abstract` fields, parsed with bibtexparser 1.x.

The citation key is the id; LaTeX accents become Unicode and braces go; url, else doi, becomes the
url; year (and month, when given) become the date. Each paper's line is where its entry starts.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
from bibtexparser.bibdatabase import UndefinedString
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode

from kg.errors import InputError
from kg.ingest.clean import clean_authors
from kg.ingest.records import RecordError, make_paper, require_utf8
from kg.types import Paper, Reject

_NOT_ENTRIES = {"comment", "string", "preamble"}
_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s]*)", re.M)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july",
           "august", "september", "october", "november", "december")  # fmt: skip


def entry_starts(text: str) -> list[tuple[int, str]]:
    """(1-based line, key) of every entry in the text, in order; @string/@comment skipped."""
    return [
        (text.count("\n", 0, m.start()) + 1, m.group(2))
        for m in _ENTRY_START.finditer(text)
        if m.group(1).lower() not in _NOT_ENTRIES
    ]


def bib_authors(field: str) -> tuple[str, ...]:
    """Names of a BibTeX author field: split on 'and', "Last, First" turned round, 'others' dropped.

    >>> bib_authors("Devlin, Jacob and Ming-Wei Chang and others")
    ('Jacob Devlin', 'Ming-Wei Chang')
    """
    names = re.split(r"\s+and\s+", field.strip(), flags=re.I)
    turned = (" ".join(reversed([p.strip() for p in n.split(",", 1)])) for n in names)
    return tuple(n for n in clean_authors(turned) if n.lower() != "others")


def bib_date(entry: dict[str, str]) -> str | None:
    """year, or year-month when the month is a name or number.

    >>> bib_date({"year": "2024", "month": "September"}), bib_date({"year": "2023"})
    ('2024-09', '2023')
    """
    year = entry.get("year", "").strip()
    month = entry.get("month", "").strip().lower()
    if not year:
        return None
    number = next((i for i, m in enumerate(_MONTHS, 1) if month and m.startswith(month[:3])), 0)
    number = int(month) if month.isdigit() else number
    return f"{year}-{number:02d}" if 1 <= number <= 12 else year


def bib_url(entry: dict[str, str]) -> str | None:
    """url field, else the doi as a https://doi.org/ link."""
    if entry.get("url", "").strip():
        return entry["url"].strip()
    doi = entry.get("doi", "").strip()
    if not doi:
        return None
    return doi if doi.startswith("http") else "https://doi.org/" + doi.removeprefix("doi:")


def _unbrace(text: str) -> str:
    """Braces that protect capitals ({BERT}) are markup, not text."""
    return text.replace("{", "").replace("}", "")


def _paper(entry: dict[str, str], source: str, line: int) -> Paper:
    key = entry.get("ID") or None
    for name, value in entry.items():
        require_utf8(value, f"field {name!r}", key)
    return make_paper(
        source=source,
        line=line,
        id=key,
        title=_unbrace(entry.get("title", "")),
        abstract=entry.get("abstract"),
        date=bib_date(entry),
        url=bib_url(entry),
        authors=bib_authors(entry.get("author", "")),
        reflow=True,
    )


def _parse(text: str, path: Path) -> list[dict[str, str]]:
    """All entries bibtexparser can read; InputError for an undefined @string macro.

    bibtexparser gives up on the whole file when a macro is undefined, so that one is fatal.
    """
    parser = BibTexParser(
        common_strings=True, ignore_nonstandard_types=False, customization=convert_to_unicode
    )
    try:
        return bibtexparser.loads(text, parser=parser).entries
    except UndefinedString as e:
        raise InputError(
            f"{path}: the string macro {e.args[0]!r} is used but never defined; "
            "define it with @string or put the value in braces"
        ) from e


def read_bibtex(path: Path) -> Iterator[Paper | Reject]:
    """Papers and rejects of a .bib file, in file order.

    An entry that bibtexparser skips (unbalanced braces, no key) is a reject at its line.
    """
    source = str(path)
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as f:
        text = f.read()
    starts = entry_starts(text)
    at = 0
    for entry in _parse(text, path):
        found = _locate(starts, at, entry["ID"])
        line = 0  # unknown: the key was not found where entries start (should not happen)
        if found is not None:
            yield from (_unparsed(source, ln, key) for ln, key in starts[at:found])
            line, at = starts[found][0], found + 1
        try:
            yield _paper(entry, source, line)
        except RecordError as e:
            yield e.reject(source, line)
    for line, key in starts[at:]:
        yield _unparsed(source, line, key)


def _locate(starts: list[tuple[int, str]], at: int, key: str) -> int | None:
    """Index of the first entry start from `at` on with this key; None when there is none."""
    return next((i for i in range(at, len(starts)) if starts[i][1] == key), None)


_UNPARSED = "could not parse this BibTeX entry (unbalanced braces or quotes, or a missing comma?)"


def _unparsed(source: str, line: int, key: str) -> Reject:
    return Reject(source, line, key or None, _UNPARSED)
