"""Daily Papers page text: header skipped, date kept, title/abstract pairs, content ids."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import kg.ingest.dailypapers
from kg.ingest import ReadReport, content_id, detect_format, read_papers, read_sample, sample_path
from kg.ingest.dailypapers import parse_date

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"

needs_shared = pytest.mark.skipif(
    not (CORPUS / "daily-papers-sep-2.txt").exists(), reason="../shared/corpus is not here"
)


def read(path, **kw):
    report = ReadReport()
    return list(read_papers(path, report=report, **kw)), report


def pairs(papers):
    return [(p.title, p.abstract) for p in papers]


def page(*paragraphs: str) -> str:
    return "\n\n".join(("Daily Papers", *paragraphs)) + "\n"


def test_fixture_page():
    papers, report = read(DATA / "daily-page.txt")
    assert report.rejects == []
    assert [p.title for p in papers] == [
        "Paperclip Agents: Small Tools for Large Models",
        "Reading Tables Upside Down",
        "A Third Toy Paper",
    ]
    assert papers[2].abstract == "Short abstract for the third toy paper."
    assert [p.line for p in papers] == [13, 17, 21]
    assert {p.date for p in papers} == {"Oct 7"}
    assert all(p.id == content_id(p.title, p.abstract) for p in papers)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Sep 2", "Sep 2"),
        ("  Sept 12 ", "Sept 12"),
        ("September 2, 2024", "2024-09-02"),
        ("Sep 2 2024", "2024-09-02"),
        ("Dec 31st, 1999", "1999-12-31"),
        ("Subscribe", None),
        ("Sep 42", None),
        ("Model 2", None),
        ("Daily Papers", None),
    ],
)
def test_parse_date(line, expected):
    assert parse_date(line) == expected


def test_year_in_date_line_gives_iso_date(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(page("Sep 2, 2024", "Title", "Abstract."), encoding="utf-8")
    (paper,) = read(path)[0]
    assert paper.date == "2024-09-02"


def test_crlf_and_bom_read_like_lf(tmp_path):
    text = (DATA / "daily-page.txt").read_text(encoding="utf-8")
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    papers, _ = read(path)
    assert pairs(papers) == pairs(read(DATA / "daily-page.txt")[0])
    assert [p.line for p in papers] == [13, 17, 21]


def test_dangling_title_and_stray_abstract_rejected(tmp_path):
    stray = "An abstract whose title went missing. " * 10
    path = tmp_path / "page.txt"
    path.write_text(page("Sep 2", "T1", "A1.", stray, "T2", "A2.", "Cut off title"))
    papers, report = read(path)
    assert pairs(papers) == [("T1", "A1."), ("T2", "A2.")]
    assert [r.line for r in report.rejects] == [9, 15]
    assert "too long for a title" in report.rejects[0].reason
    assert "title with no abstract" in report.rejects[1].reason


def test_date_line_after_title_ends_that_paper(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(page("Sep 2", "T1", "A1.", "Orphan title", "Sep 3", "T2", "A2."))
    papers, report = read(path)
    assert [(p.title, p.date) for p in papers] == [("T1", "Sep 2"), ("T2", "Sep 3")]
    (reject,) = report.rejects
    assert (reject.line, reject.reason) == (9, "title with no abstract after it (truncated page?)")


def test_invalid_utf8_rejects_one_paper(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(page("T1", "A1.", "T2", "A2.").encode().replace(b"A1", b"A\xff1"))
    papers, report = read(path)
    assert pairs(papers) == [("T2", "A2.")]
    assert report.rejects[0].reason == "abstract has a byte that is not UTF-8 (0xff)"


def test_ids_are_stable_and_match_jsonl_without_ids(tmp_path):
    papers, _ = read(DATA / "daily-page.txt")
    again, _ = read(DATA / "daily-page.txt")
    assert [p.id for p in papers] == [p.id for p in again]
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text(
        '{"title": "Reading Tables Upside Down", "abstract": "Tables are hard. We '
        'flip them and train TabFlip, which reads them better than a baseline."}\n'
    )
    assert read(jsonl)[0][0].id == papers[1].id


@needs_shared
def test_shared_page_and_jsonl_hold_the_same_90_papers():
    text_papers, text_report = read(CORPUS / "daily-papers-sep-2.txt")
    json_papers, json_report = read(CORPUS / "daily-papers-sep-2.jsonl")
    assert text_report.rejects == [] and json_report.rejects == []
    assert len(text_papers) == 90
    assert pairs(text_papers) == pairs(json_papers)
    assert [p.id for p in json_papers] == [f"seed-{i:03d}" for i in range(1, 91)]
    assert {p.date for p in text_papers} == {"Sep 2"}
    assert len({p.id for p in text_papers}) == 90


def test_bundled_sample():
    assert sample_path().name == "daily-papers-sep-2.txt"
    assert detect_format(sample_path()) == "dailypapers"
    report = ReadReport()
    papers = list(read_sample(report))
    assert len(papers) == 90 and report.rejects == [] and report.duplicates_merged == 0
    assert all(p.source == str(sample_path()) for p in papers)


@needs_shared
def test_bundled_sample_is_the_shared_page():
    assert pairs(read_sample()) == pairs(read(CORPUS / "daily-papers-sep-2.txt")[0])


def test_doctests():
    assert doctest.testmod(kg.ingest.dailypapers).failed == 0
    assert doctest.testmod(kg.ingest).failed == 0
