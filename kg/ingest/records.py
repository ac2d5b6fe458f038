"""Turn one raw record (a mapping of field name to value) into a `Paper`, or say why it cannot be.

Readers call `paper_from_mapping` for field-based formats (JSONL, CSV) and `make_paper` once
they have pulled strings out of a structured format (Daily Papers, Atom, BibTeX). Both raise
`RecordError`; the reader turns it into a `Reject` so one bad record never stops a file.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from kg.ingest.clean import clean_abstract, clean_authors, clean_title, split_authors
from kg.ingest.ids import content_id
from kg.types import Paper, Reject

# Bytes that were not UTF-8, kept by the `surrogateescape` error handler so we can name the field
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class RecordError(ValueError):
    """One record cannot become a paper. Internal: readers turn it into a `Reject`."""

    def __init__(self, reason: str, id: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.id = id

    def reject(self, source: str, line: int) -> Reject:
        return Reject(source=source, line=line, id=self.id, reason=self.reason)


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def require_utf8(value: str, name: str, id: str | None = None) -> str:
    """The value unchanged; RecordError when it holds bytes that were not UTF-8.

    Readers that decode with errors="surrogateescape" call this so a bad byte rejects one record,
    never the file, and is never dropped silently.
    """
    match = _UNDECODABLE.search(value)
    if match:
        byte = ord(match.group()) - 0xDC00
        raise RecordError(f"{name} has a byte that is not UTF-8 (0x{byte:02x})", id)
    return value


def _string(record: Mapping[str, Any], name: str, id: str | None) -> str | None:
    """The field as a string, None when absent or null; RecordError for any other type."""
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value if value is None else require_utf8(value, f"field {name!r}", id)
    raise RecordError(f"field {name!r} must be a string, got {_type_name(value)} {value!r:.40}", id)


def _authors(record: Mapping[str, Any], id: str | None) -> tuple[str, ...]:
    """A list of names, or one string of names separated by ',', ';' or ' and '."""
    value = record.get("authors")
    if value is None:
        return ()
    if isinstance(value, str):
        return split_authors(_string(record, "authors", id) or "")
    if isinstance(value, (list, tuple)) and all(isinstance(a, str) for a in value):
        return clean_authors(value)
    raise RecordError(
        f"field 'authors' must be a list of strings or a string, got {_type_name(value)}", id
    )


def _optional(text: str | None) -> str | None:
    """Strip a short metadata field; empty becomes None."""
    return (clean_title(text) or None) if text is not None else None


def make_paper(
    *,
    source: str,
    line: int,
    id: str | None,
    title: str | None,
    abstract: str | None,
    date: str | None = None,
    url: str | None = None,
    authors: Iterable[str] = (),
    reflow: bool = False,
) -> Paper:
    """Clean the fields and build a Paper; a missing id becomes `content_id(title, abstract)`.

    Args:
        reflow: also join the abstract's lines, for formats that wrap text (Atom, BibTeX).
    Raises:
        RecordError: when the record has neither a title nor an abstract.
    """
    id = clean_title(id or "") or None
    title = clean_title(title or "")
    abstract = (clean_title if reflow else clean_abstract)(abstract or "")
    if not title and not abstract:
        raise RecordError("no title and no abstract", id)
    return Paper(
        id=id or content_id(title, abstract),
        title=title,
        abstract=abstract,
        date=_optional(date),
        url=_optional(url),
        authors=clean_authors(authors),
        source=source,
        line=line,
    )


def paper_from_mapping(record: Any, source: str, line: int) -> Paper:
    """A Paper from a JSON object or CSV row with fields id, title, abstract, date, url, authors.

    Unknown fields are ignored. Raises RecordError naming the first bad field.
    """
    if not isinstance(record, Mapping):
        raise RecordError(f"not a JSON object (got {_type_name(record)})")
    raw_id = record.get("id")
    id = raw_id if isinstance(raw_id, str) else None
    return make_paper(
        source=source,
        line=line,
        id=_string(record, "id", id),
        title=_string(record, "title", id),
        abstract=_string(record, "abstract", id),
        date=_string(record, "date", id),
        url=_string(record, "url", id),
        authors=_authors(record, id),
    )
