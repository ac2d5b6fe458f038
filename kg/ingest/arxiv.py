"""arXiv API responses: an Atom feed whose entries carry id, title, summary, published, authors.

Parsed with defusedxml, which refuses entity expansion and external references.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kg.errors import InputError
from kg.ingest.records import RecordError, make_paper
from kg.types import Paper, Reject

ATOM = "{http://www.w3.org/2005/Atom}"
# "http://arxiv.org/abs/2409.01234v1" -> "2409.01234v1"; old style "hep-th/9901001v2" too
_ABS_URL = re.compile(r"https?://(?:export\.)?arxiv\.org/abs/(.+?)/?$")


def arxiv_id(entry_id: str) -> str:
    """The arXiv id in an entry's id URL; any other id is returned stripped.

    >>> arxiv_id("http://arxiv.org/abs/2409.01234v1"), arxiv_id("http://arxiv.org/abs/hep-th/9901001v2")
    ('2409.01234v1', 'hep-th/9901001v2')
    """
    m = _ABS_URL.match(entry_id.strip())
    return m.group(1) if m else entry_id.strip()


def _text(entry: ET.Element, tag: str) -> str | None:
    node = entry.find(ATOM + tag)
    return None if node is None else "".join(node.itertext())


def _url(entry: ET.Element, id_url: str | None) -> str | None:
    """The abstract page: link rel="alternate", else an http(s) entry id."""
    for link in entry.findall(ATOM + "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return id_url if id_url and id_url.strip().startswith("http") else None


def _paper(entry: ET.Element, source: str, number: int) -> Paper:
    """One entry as a Paper; the API's error entries are RecordErrors."""
    id_url = _text(entry, "id")
    id = arxiv_id(id_url) if id_url else None
    if id_url and "arxiv.org/api/errors" in id_url:
        raise RecordError(f"arXiv API error: {(_text(entry, 'summary') or '').strip()}", id)
    published = (_text(entry, "published") or "").strip()
    return make_paper(
        source=source,
        line=number,
        id=id,
        title=_text(entry, "title"),
        abstract=_text(entry, "summary"),
        date=published[:10] or None,  # the ISO date part of 2024-09-02T17:59:59Z
        url=_url(entry, id_url),
        authors=[_text(a, "name") or "" for a in entry.findall(ATOM + "author")],
        reflow=True,
    )


def _feed(path: Path) -> ET.Element:
    """The root <feed> element; InputError when the file is not a safe, well-formed Atom feed."""
    try:
        root = SafeET.parse(path).getroot()
    except (ET.ParseError, LookupError) as e:  # LookupError: an unknown declared encoding
        raise InputError(f"{path}: not well-formed XML ({e}); is it an arXiv API response?") from e
    except DefusedXmlException as e:
        raise InputError(f"{path}: refused unsafe XML ({e!r}); remove the DTD/entities") from e
    if root.tag != ATOM + "feed":
        raise InputError(
            f"{path}: root element is <{root.tag}>, not an Atom <feed>; "
            "pass --format with the right format"
        )
    return root


def read_arxiv(path: Path) -> Iterator[Paper | Reject]:
    """Papers and rejects of an arXiv Atom feed; line numbers are 1-based entry numbers."""
    source = str(path)
    for number, entry in enumerate(_feed(path).iter(ATOM + "entry"), start=1):
        try:
            yield _paper(entry, source, number)
        except RecordError as e:
            yield e.reject(source, number)
