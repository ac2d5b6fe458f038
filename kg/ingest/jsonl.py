"""JSON Lines: one object per line with id, title, abstract and optional date, url, authors."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.ingest.records import RecordError, paper_from_mapping
from kg.types import Paper, Reject

_BOM = b"\xef\xbb\xbf"


def _decode(raw: bytes, number: int) -> str:
    """One line's bytes as text: BOM (first line only) and line ending dropped, strict UTF-8."""
    if number == 1 and raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        return raw.rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError as e:
        raise RecordError(f"invalid UTF-8 at byte {e.start + 1} of the line") from e


def _parse(text: str, last: bool) -> object:
    """The line's JSON value; a last line without a newline that fails is called truncated."""
    try:
        # strict=False lets raw tabs and other controls inside strings through; cleaning drops them
        return json.loads(text, strict=False)
    except json.JSONDecodeError as e:
        hint = " (truncated last line?)" if last else ""
        raise RecordError(f"invalid JSON{hint}: {e.msg} at column {e.colno}") from e


def _refuse_array(first: str, path: Path) -> None:
    """InputError when the file is one JSON array, a common mix-up that would reject every line."""
    if first.lstrip().startswith("["):
        raise InputError(
            f"{path} holds a JSON array, not JSON Lines; write one object per line "
            "(for example: jq -c '.[]' FILE)"
        )


def read_jsonl(path: Path) -> Iterator[Paper | Reject]:
    """Papers and rejects of a JSONL file, in file order, with 1-based line numbers.

    Lines are split on b"\\n" only, never on Unicode line separators inside strings, and each
    line is decoded on its own so one line of bad bytes rejects that line, not the file.
    Blank lines are skipped.
    """
    source, started = str(path), False
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                text = _decode(raw, number)
                if not text.strip():
                    continue
                if not started:
                    _refuse_array(text, path)
                    started = True
                yield paper_from_mapping(_parse(text, not raw.endswith(b"\n")), source, number)
            except RecordError as e:
                yield e.reject(source, number)
