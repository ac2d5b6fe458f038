"""`read_papers`: each input file through its reader; duplicates merged, rejects reported."""
from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.ingest.arxiv import read_arxiv
from kg.ingest.bibtex import read_bibtex
from kg.ingest.dailypapers import read_dailypapers
from kg.ingest.delimited import read_delimited
from kg.ingest.detect import check_file, resolve_format
from kg.ingest.jsonl import read_jsonl
from kg.types import Paper, ReadReport, Reject

log = logging.getLogger(__name__)

Reader = Callable[[Path], Iterator[Paper | Reject]]
READERS: dict[str, Reader] = {
    "jsonl": read_jsonl,
    "csv": read_delimited,
    "dailypapers": read_dailypapers,
    "arxiv": read_arxiv,
    "bibtex": read_bibtex,
}

PathLike = str | os.PathLike[str]


def read_papers(
    paths: PathLike | Iterable[PathLike],
    format: str | None = None,
    report: ReadReport | None = None,
    *,
    strict: bool = False,
) -> Iterator[Paper]:
    """Stream the papers of one or more files, in input order.

    Files and formats are checked before the first paper is read, so a missing file or unknown
    format fails at once. Records that cannot become a paper go to `report.rejects` (or, with
    `strict`, raise); a record repeating an earlier id with the same content is merged quietly and
    counted in `report.duplicates_merged`; a repeated id with other content is a reject.

    Args:
        paths: one path or several; ids must be unique across all of them.
        format: one of FORMATS for every file; None detects each file's format.
        report: collects rejects and merge counts; when None, rejects are logged as warnings.
        strict: raise on the first bad record instead of reporting it.
    Raises:
        InputError: a file is missing or of unknown format; with `strict`, a bad record
            ("FILE:LINE: reason").
        ConfigError: `format` is not one of FORMATS.
    """
    files = [Path(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
    plan = [(check_file(p), resolve_format(p, format)) for p in files]
    return _stream(plan, report, strict)


def fingerprint(paper: Paper) -> str:
    """Hash of everything but id and position: equal fingerprints mean an exact duplicate."""
    content = repr((paper.title, paper.abstract, paper.date, paper.url, paper.authors))
    return hashlib.sha1(content.encode("utf-8", "surrogatepass")).hexdigest()


def _stream(
    plan: list[tuple[Path, str]], report: ReadReport | None, strict: bool
) -> Iterator[Paper]:
    seen: dict[str, tuple[str, str]] = {}  # id -> (fingerprint, "file:line" of first sighting)
    for path, fmt in plan:
        for item in _read(path, fmt):
            checked = _dedupe(item, seen, report) if isinstance(item, Paper) else item
            if isinstance(checked, Reject):
                _reject(checked, report, strict)
            elif checked is not None:
                yield checked


def _read(path: Path, fmt: str) -> Iterator[Paper | Reject]:
    """The reader's output; an OS-level read failure becomes an InputError naming the file."""
    try:
        yield from READERS[fmt](path)
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e


def _dedupe(
    paper: Paper, seen: dict[str, tuple[str, str]], report: ReadReport | None
) -> Paper | Reject | None:
    """The paper when its id is new; None for an exact duplicate; a Reject for a clash."""
    mark = fingerprint(paper)
    if paper.id not in seen:
        seen[paper.id] = (mark, f"{paper.source}:{paper.line}")
        return paper
    first_mark, first_at = seen[paper.id]
    if first_mark != mark:
        reason = f"duplicate id {paper.id!r} with different content (first seen at {first_at})"
        return Reject(str(paper.source), paper.line or 0, paper.id, reason)
    if report is not None:
        report.duplicates_merged += 1
    return None


def _reject(reject: Reject, report: ReadReport | None, strict: bool) -> None:
    if strict:
        raise InputError(
            f"{reject.source}:{reject.line}: {reject.reason}; "
            "fix the record, or read without strict mode to skip it"
        )
    if report is not None:
        report.rejects.append(reject)
    else:
        log.warning("skipped %s:%s: %s", reject.source, reject.line, reject.reason)
