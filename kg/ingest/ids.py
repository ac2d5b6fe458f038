"""Stable ids for records that arrive without one."""
from __future__ import annotations

import hashlib

from kg.ingest.clean import clean_abstract, clean_title


def content_id(title: str, abstract: str) -> str:
    """`p-` plus 12 hex digits of SHA-1 over the cleaned title, a newline and the cleaned abstract.

    The id depends only on the text, so the same paper read twice, from any format, gets the same
    id and merges as an exact duplicate.

    >>> content_id("A  title", "An abstract.") == content_id("A title", "An abstract.")
    True
    >>> content_id("A title", "An abstract.")[:2]
    'p-'
    """
    text = clean_title(title) + "\n" + clean_abstract(abstract)
    return "p-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
