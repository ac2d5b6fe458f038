"""Which reader a file needs: from `format=`, else its extension, else a look at its first bytes."""
from __future__ import annotations

import re
from pathlib import Path

from kg.errors import ConfigError, InputError
from kg.ingest.dailypapers import HEADER_LINES, parse_date

FORMATS = ("jsonl", "csv", "dailypapers", "arxiv", "bibtex")

EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "dailypapers",
    ".xml": "arxiv",
    ".atom": "arxiv",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
}
SNIFF_BYTES = 64 * 1024
_BIB_ENTRY = re.compile(r"@\s*\w+\s*[{(]")
_CSV_COLUMNS = {"title", "abstract"}


def _choices() -> str:
    return ", ".join(FORMATS)


def check_format(format: str) -> str:
    """The format name, lower-cased; ConfigError when it is not one of FORMATS."""
    name = format.strip().lower()
    if name not in FORMATS:
        raise ConfigError(f"unknown format {format!r}; choose one of {_choices()}")
    return name


def check_file(path: Path) -> Path:
    """The path when it is a readable file; InputError otherwise."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if not path.is_file():
        raise InputError(f"not a file: {path}; give the paper files themselves")
    return path


def detect_format(path: str | Path) -> str:
    """The format of a file: from its extension, or, when that is unknown, from its content.

    Raises:
        InputError: the file is missing (when content is needed) or its format cannot be told;
            the message lists the --format choices.

    >>> detect_format("papers.ndjson"), detect_format("refs.bib")
    ('jsonl', 'bibtex')
    """
    path = Path(path)
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    found = sniff(_head(check_file(path)))
    if found is None:
        raise InputError(
            f"cannot tell the format of {path} from its name or content; "
            f"pass --format with one of {_choices()}"
        )
    return found


def resolve_format(path: Path, format: str | None) -> str:
    """`format` when given (checked), else `detect_format(path)`."""
    return check_format(format) if format else detect_format(path)


def _head(path: Path) -> str:
    """The first SNIFF_BYTES of the file as text, BOM dropped, bad bytes replaced."""
    try:
        with open(path, "rb") as f:
            raw = f.read(SNIFF_BYTES)
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from e
    return raw.decode("utf-8", errors="replace").removeprefix("\ufeff")


def sniff(head: str) -> str | None:
    """The format the start of a file looks like, or None.

    >>> sniff('{"id": "a"}'), sniff("id,title,abstract\\n"), sniff("Daily Papers\\n\\nSep 2\\n")
    ('jsonl', 'csv', 'dailypapers')
    """
    text = head.lstrip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    if text.startswith("{"):
        return "jsonl"
    if text.startswith("<"):
        return "arxiv" if "<feed" in text and "http://www.w3.org/2005/Atom" in text else None
    if _looks_bibtex(lines):
        return "bibtex"
    if _looks_delimited(lines[0]):
        return "csv"
    if any(line.lower() in HEADER_LINES or parse_date(line) for line in lines[:20]):
        return "dailypapers"
    return None


def _looks_bibtex(lines: list[str]) -> bool:
    """The first line that is not a % comment starts an @entry."""
    first = next((line for line in lines if not line.startswith("%")), "")
    return bool(_BIB_ENTRY.match(first))


def _looks_delimited(header: str) -> bool:
    """A header row with a title or abstract column, split by tabs or commas."""
    for sep in ("\t", ","):
        names = {name.strip().strip('"').lower() for name in header.split(sep)}
        if len(names) > 1 and names & _CSV_COLUMNS:
            return True
    return False
