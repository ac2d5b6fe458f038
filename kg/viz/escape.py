"""Getting input strings into a page as data, never as markup.

`script_json` embeds data in a `<script type="application/json">` element: `<`, `>` and `&` are
written as JSON escapes, so no input can close the element or open a comment, and non-ASCII
(U+2028/U+2029 and lone surrogates included) as `\\uXXXX`. `safe_href` lets only http(s) URLs
become links.
"""
from __future__ import annotations

import json
import math
import numbers
import re
import unicodedata
from urllib.parse import urlsplit

_UNSAFE = re.compile(r"[<>&\u2028\u2029]")


def script_json(obj) -> str:
    """JSON that is safe as the text of a `<script>` element.

    >>> script_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    >>> json.loads(script_json({"t": "</script>"}))["t"]
    '</script>'
    """
    text = json.dumps(jsonable(obj), ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def jsonable(v):
    """A JSON-ready copy: non-finite floats become None, tuples/sets lists, unknown objects str.

    >>> jsonable({"v": float("nan"), "t": (1, 2), "d": {3: True}})
    {'v': None, 't': [1, 2], 'd': {'3': True}}
    """
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        v = float(v)
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (set, frozenset)):
        return sorted((jsonable(x) for x in v), key=str)
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return str(v)


def safe_href(url) -> str | None:
    """`url` if it is an absolute http(s) URL with a host and no space, control or format character.

    >>> safe_href("https://arxiv.org/abs/2509.00001")
    'https://arxiv.org/abs/2509.00001'
    >>> safe_href("javascript:alert(1)") is None, safe_href(" java\\tscript:x") is None
    (True, True)
    """
    # browsers drop tabs/newlines inside URLs ("java\tscript:"); spaces, controls and invisible
    # format characters have no place in a link we draw, so any of them rejects the URL
    if not isinstance(url, str) or not url or any(unicodedata.category(c)[0] in "CZ" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def text(v) -> str:
    """A node attribute as display text ('' for None)."""
    return "" if v is None else str(v)
