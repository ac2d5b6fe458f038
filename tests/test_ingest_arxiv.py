"""arXiv Atom reader: ids from entry URLs, reflowed text, safe XML only."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import kg.ingest.arxiv
from kg.errors import InputError
from kg.ingest import ReadReport, content_id, read_papers

DATA = Path(__file__).parent / "data"
FEED = '<feed xmlns="http://www.w3.org/2005/Atom">{}</feed>'


def read(path, **kw):
    report = ReadReport()
    return list(read_papers(path, report=report, **kw)), report


def feed(tmp_path: Path, body: str, name: str = "feed.xml") -> Path:
    path = tmp_path / name
    path.write_text(FEED.format(body), encoding="utf-8")
    return path


def test_fixture_feed():
    papers, report = read(DATA / "arxiv.xml")
    assert report.rejects == []
    fold, old = papers
    assert fold.id == "2409.01234v1"
    assert fold.title == "Folding Proteins with Tiny Language Models"
    assert fold.abstract == (
        "We fold proteins with a tiny model. Our model, TinyFold, matches a large one on a toy "
        "benchmark."
    )
    assert (fold.date, fold.url) == ("2024-09-02", "http://arxiv.org/abs/2409.01234v1")
    assert fold.authors == ("Hana Ito", "Ivo Marr")
    assert old.id == "hep-th/9901001v2"
    assert old.url == "http://arxiv.org/abs/hep-th/9901001v2"  # no link: the id URL
    assert [p.line for p in papers] == [1, 2]


def test_entry_without_id_or_text(tmp_path):
    body = "<entry><title>Only a title</title></entry><entry><title> </title></entry>"
    papers, report = read(feed(tmp_path, body))
    assert [p.id for p in papers] == [content_id("Only a title", "")]
    (reject,) = report.rejects
    assert (reject.line, reject.reason) == (2, "no title and no abstract")


def test_api_error_entry_rejected(tmp_path):
    body = (
        "<entry><id>http://arxiv.org/api/errors#incorrect_id_format</id><title>Error</title>"
        "<summary>incorrect id format for 1234</summary></entry>"
    )
    papers, report = read(feed(tmp_path, body))
    assert papers == []
    assert report.rejects[0].reason == "arXiv API error: incorrect id format for 1234"


def test_malformed_xml(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text(FEED.format("<entry><title>unclosed</entry>"))
    with pytest.raises(InputError, match=r"bad\.xml: not well-formed XML"):
        read(path)


def test_entity_expansion_refused(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]>'
        + FEED.format("<entry><title>&a;</title></entry>")
    )
    with pytest.raises(InputError, match="refused unsafe XML"):
        read(path)


def test_xml_that_is_not_a_feed(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<html><body/></html>")
    with pytest.raises(InputError, match=r"other\.xml: root element is <html>"):
        read(path)


def test_doctests():
    assert doctest.testmod(kg.ingest.arxiv).failed == 0


def test_unknown_declared_encoding(tmp_path):
    path = tmp_path / "enc.xml"
    path.write_text('<?xml version="1.0" encoding="UT8"?>' + FEED.format(""))
    with pytest.raises(InputError, match=r"enc\.xml: not well-formed XML"):
        read(path)
