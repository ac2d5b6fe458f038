"""CSV and TSV with a header row naming the columns id, title, abstract, date, url, authors.

The delimiter is read from the header line (tab when it has more tabs than commas), so one
reader serves .csv and .tsv. Extra columns are ignored; column names match case-insensitively.
"""
from __future__ import annotations

import csv
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.ingest.records import RecordError, paper_from_mapping
from kg.types import Paper, Reject

_COLUMNS = ("id", "title", "abstract", "date", "url", "authors")

# Abstracts can be long; the default limit (128 KiB) would reject a long but valid field.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def sniff_delimiter(header: str) -> str:
    """Tab when the header line has more tabs than commas, else comma.

    >>> sniff_delimiter("id\\ttitle\\tabstract"), sniff_delimiter("id,title")
    ('\\t', ',')
    """
    return "\t" if header.count("\t") > header.count(",") else ","


def _header(reader, path: Path) -> list[str]:
    """Lower-cased column names; InputError when neither title nor abstract is among them."""
    try:
        names = [name.strip().lower() for name in next(reader)]
    except csv.Error as e:
        raise InputError(f"{path}: malformed header row ({e}); check its quotes") from e
    if "title" not in names and "abstract" not in names:
        raise InputError(
            f"{path}: the header row has no 'title' or 'abstract' column (found: "
            f"{', '.join(names) or 'nothing'}); the first row must name the columns "
            f"{', '.join(_COLUMNS)}"
        )
    return names


def _row(names: list[str], cells: list[str]) -> dict[str, str]:
    """Pair the cells with the header; a row longer than the header is a shifted row."""
    if len(cells) > len(names):
        raise RecordError(
            f"row has {len(cells)} fields but the header has {len(names)} (unquoted delimiter?)"
        )
    # first occurrence wins when a column name repeats; empty cells count as absent
    row: dict[str, str] = {}
    for name, cell in zip(names, cells, strict=False):  # short rows are fine
        if name in _COLUMNS and name not in row and cell.strip():
            row[name] = cell
    return row


def read_delimited(path: Path) -> Iterator[Paper | Reject]:
    """Papers and rejects of a CSV/TSV file; line numbers are where each row starts (header = 1).

    Bytes that are not UTF-8 reject only the row that holds them.
    """
    source = str(path)
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        first = f.readline()
        if not first:
            return  # an empty file holds no papers
        lines = itertools.chain([first], f)
        reader = csv.reader(lines, delimiter=sniff_delimiter(first), strict=True)
        names = _header(reader, path)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
                if not any(c.strip() for c in cells):
                    continue
                yield paper_from_mapping(_row(names, cells), source, start)
            except StopIteration:
                return
            except csv.Error as e:
                yield Reject(source, start, None, f"malformed CSV row: {e}")
            except RecordError as e:
                yield e.reject(source, start)
