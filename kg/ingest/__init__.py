"""Readers: paper files in, `Paper` records out.

Five formats (`FORMATS`): JSON Lines, CSV/TSV, the Hugging Face Daily Papers page text, arXiv API
Atom feeds and BibTeX. `read_papers` picks the reader per file (`detect_format`), streams the
papers in input order, merges exact duplicates and reports records it had to skip.

>>> report = ReadReport()
>>> papers = list(read_sample(report))
>>> len(papers), report.rejects, papers[0].date
(90, [], 'Sep 2')
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.ingest.detect import FORMATS, detect_format
from kg.ingest.ids import content_id
from kg.ingest.read import read_papers
from kg.types import Paper, ReadReport, Reject

__all__ = [
    "FORMATS",
    "Paper",
    "ReadReport",
    "Reject",
    "content_id",
    "detect_format",
    "read_papers",
    "read_sample",
    "sample_path",
]

SAMPLE = "daily-papers-sep-2.txt"


def sample_path() -> Path:
    """The bundled sample: the Daily Papers page of 2 September (90 papers)."""
    return Path(__file__).resolve().parent.parent / "data" / SAMPLE


def read_sample(report: ReadReport | None = None) -> Iterator[Paper]:
    """The papers of the bundled sample, read like any other Daily Papers page."""
    return read_papers(sample_path(), format="dailypapers", report=report)
