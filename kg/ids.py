"""Name normalisation and IRI minting.

`name_key` decides when two surface forms are the same name (case, hyphens, spaces, dots between
letters and "vanilla" prefixes do not matter); IRIs are minted so any id or name gives an IRI that
every RDF tool accepts: a readable ASCII slug plus, when the slug lost information, a short hash.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

from kg.namespaces import KGR

_VANILLA = re.compile(r"^(?:vanilla|standard|original|naive|plain)[\s\-_]+", re.I)
# everything but letters, digits and '+' goes, except a dot between digits (OPT-1.3B is not OPT-13B)
_NON_KEY = re.compile(r"(?!(?<=\d)\.(?=\d))(?:[^\w+]|_)")


def name_key(name: str) -> str:
    """The comparison key of a name: NFKC, lower case, only letters, digits and '+'.

    >>> name_key("MATH-500") == name_key("MATH500") == name_key("math 500")
    True
    >>> name_key("vanilla-GRPO")
    'grpo'
    """
    # remembered: extraction asks for the keys of the same few names over and over (each
    # candidate's, its entity's, every paper's "GPT-4o"); emptied when full, so it stays bounded
    k = _KEYS.get(name)
    if k is None:
        if len(_KEYS) >= _KEYS_MAX:
            _KEYS.clear()
        k = _KEYS[name] = _name_key(name)
    return k


_KEYS: dict[str, str] = {}
_KEYS_MAX = 100_000


def _name_key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).strip()
    s = _VANILLA.sub("", s)
    return _NON_KEY.sub("", s.lower())


def short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def slug(text: str, max_len: int = 60) -> str:
    """An ASCII slug of letters, digits, '-', '.' and '_' (never empty)."""
    s = unicodedata.normalize("NFKD", text)
    s = s.encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^A-Za-z0-9._+-]+", "-", s).strip("-.")
    s = s.replace("+", "plus")
    return s[:max_len].strip("-.") or "x"


def paper_iri(paper_id: str):
    """IRI of a paper: its id percent-encoded (reversible, valid for any id)."""
    safe = quote(paper_id.encode("utf-8", "surrogatepass"), safe="-._~")
    return KGR[f"paper/{safe}"]


def entity_iri(key: str, label: str):
    """IRI of an entity from its comparison key; the slug of the label keeps it readable."""
    s = slug(label)
    if name_key(s) != key or len(s) != len(label):
        s = f"{s}-{short_hash(key)}"
    return KGR[f"entity/{s}"]
