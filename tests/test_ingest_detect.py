"""Format detection: `format=` first, then the extension, then the content."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import kg.ingest.detect
from kg.errors import ConfigError, InputError
from kg.ingest import FORMATS, detect_format, read_papers

DATA = Path(__file__).parent / "data"


def test_formats():
    assert FORMATS == ("jsonl", "csv", "dailypapers", "arxiv", "bibtex")


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.json", "jsonl"), ("A.JSONL", "jsonl"),
        ("a.csv", "csv"), ("a.tsv", "csv"), ("a.txt", "dailypapers"),
        ("a.xml", "arxiv"), ("a.atom", "arxiv"), ("a.bib", "bibtex"),
    ],
)  # fmt: skip
def test_extension(name, fmt):
    # a known extension decides without opening the file
    assert detect_format(Path("/nowhere") / name) == fmt


@pytest.mark.parametrize(
    "fixture, fmt",
    [
        ("papers.jsonl", "jsonl"), ("papers.csv", "csv"), ("papers.tsv", "csv"),
        ("daily-page.txt", "dailypapers"), ("arxiv.xml", "arxiv"), ("refs.bib", "bibtex"),
    ],
)  # fmt: skip
def test_sniffed_without_extension(tmp_path, fixture, fmt):
    path = tmp_path / "input"
    path.write_bytes((DATA / fixture).read_bytes())
    assert detect_format(path) == fmt
    # and the sniffed file reads the same papers as the named one
    assert [p.title for p in read_papers(path)] == [p.title for p in read_papers(DATA / fixture)]


def test_sniff_with_bom_and_unknown_extension(tmp_path):
    path = tmp_path / "papers.dat"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "title": "T"}\n')
    assert detect_format(path) == "jsonl"


@pytest.mark.parametrize("content", [b"", b"just some words\nand more\n", b"<html></html>"])
def test_undetectable(tmp_path, content):
    path = tmp_path / "mystery.dat"
    path.write_bytes(content)
    with pytest.raises(InputError) as e:
        detect_format(path)
    message = str(e.value)
    assert str(path) in message
    assert "--format" in message and ", ".join(FORMATS) in message


def test_missing_file_without_extension():
    with pytest.raises(InputError, match="no such file: /nowhere/input"):
        detect_format("/nowhere/input")


def test_format_overrides_extension(tmp_path):
    path = tmp_path / "papers.txt"
    path.write_bytes((DATA / "papers.jsonl").read_bytes())
    assert [p.id for p in read_papers(path, format="jsonl")][:2] == ["toy-1", "toy-2"]
    assert [p.id for p in read_papers(DATA / "papers.tsv", format="CSV")] == ["tsv-1"]


def test_unknown_format_name():
    with pytest.raises(ConfigError, match=r"unknown format 'yaml'; choose one of jsonl, csv"):
        read_papers(DATA / "papers.jsonl", format="yaml")


def test_doctests():
    assert doctest.testmod(kg.ingest.detect).failed == 0
