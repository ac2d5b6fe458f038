"""Text cleaning shared by readers and writers."""
from __future__ import annotations

import re

# C0/C1 controls except tab and newline, lone surrogates, and noncharacters: never valid in output
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_literal(text: str) -> str:
    """Drop characters that RDF tools reject or that break a line-based format."""
    return _BAD.sub("", text)
