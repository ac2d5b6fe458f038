"""CSV/TSV reader: header-named columns, quoted fields, rows rejected one at a time."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import kg.ingest.delimited
from kg.errors import InputError
from kg.ingest import ReadReport, content_id, read_papers

DATA = Path(__file__).parent / "data"


def read(path, **kw):
    report = ReadReport()
    return list(read_papers(path, report=report, **kw)), report


def write(tmp_path: Path, data: bytes, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_fixture_columns_extra_column_and_quoting():
    papers, report = read(DATA / "papers.csv")
    assert report.rejects == []
    quiet, quoted, derived = papers
    assert (quiet.id, quiet.title, quiet.date) == ("csv-1", "Quiet Transformers", "2023")
    assert quiet.authors == ("Fay Wu", "Gus Ode")
    assert quoted.title == "Two-Line, Quoted Title"
    assert quoted.abstract == "A multi-line\nabstract that spans two lines."
    assert (quoted.date, quoted.url, quoted.authors) == (None, None, ())
    assert derived.id == content_id("Untitled Id", "Derived id from this abstract.")
    # a row's line is where it starts; the quoted row spans lines 3-4
    assert [p.line for p in papers] == [2, 3, 5]


def test_tsv():
    (paper,) = read(DATA / "papers.tsv")[0]
    assert paper.id == "tsv-1"
    assert paper.abstract == "A paper read from a TSV file, with a comma."
    assert paper.url == "https://example.org/tsv-1"


def test_bom_crlf_and_case_insensitive_header(tmp_path):
    data = b'\xef\xbb\xbfID,Title,Abstract\r\na,T,A\r\n\r\nb,T2,"two\r\nlines"\r\n'
    papers, report = read(write(tmp_path, data))
    assert [(p.id, p.line) for p in papers] == [("a", 2), ("b", 4)] and report.rejects == []
    assert papers[1].abstract == "two\nlines"


def test_header_without_title_or_abstract(tmp_path):
    path = write(tmp_path, b"name,text\nx,y\n")
    with pytest.raises(InputError, match=r"p\.csv: the header row has no 'title' or 'abstract'"):
        read(path)


def test_row_with_too_many_fields_rejected(tmp_path):
    path = write(tmp_path, b"id,title,abstract\na,T,An abstract, with an unquoted comma\nb,U,ok\n")
    papers, report = read(path)
    assert [p.id for p in papers] == ["b"]
    (reject,) = report.rejects
    assert reject.line == 2 and "4 fields but the header has 3" in reject.reason


def test_invalid_utf8_rejects_only_that_row(tmp_path):
    path = write(tmp_path, b"id,title,abstract\na,caf\xe9,x\nb,T,A\n")
    papers, report = read(path)
    assert [p.id for p in papers] == ["b"]
    (reject,) = report.rejects
    assert (reject.line, reject.id) == (2, "a")
    assert reject.reason == "field 'title' has a byte that is not UTF-8 (0xe9)"


def test_unclosed_quote_at_end_rejected(tmp_path):
    path = write(tmp_path, b'id,title,abstract\na,T,A\nb,U,"cut off\n')
    papers, report = read(path)
    assert [p.id for p in papers] == ["a"]
    (reject,) = report.rejects
    assert reject.line == 3 and reject.reason.startswith("malformed CSV row")


def test_empty_row_values_and_empty_file(tmp_path):
    papers, report = read(write(tmp_path, b"id,title,abstract\nz,,\n"))
    assert papers == [] and report.rejects[0].reason == "no title and no abstract"
    assert read(write(tmp_path, b"", "empty.csv")) == ([], ReadReport())


def test_doctests():
    assert doctest.testmod(kg.ingest.delimited).failed == 0
