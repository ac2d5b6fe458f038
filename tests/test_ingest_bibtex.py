"""BibTeX reader: keys as ids, LaTeX and braces cleaned, doi/url, year/month, entry lines."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import kg.ingest.bibtex
from kg.errors import InputError
from kg.ingest import ReadReport, read_papers
from kg.ingest.bibtex import bib_authors, bib_date, bib_url

DATA = Path(__file__).parent / "data"


def read(path, **kw):
    report = ReadReport()
    return list(read_papers(path, report=report, **kw)), report


def test_fixture_entries():
    papers, report = read(DATA / "refs.bib")
    assert report.rejects == []
    sparse, counting, bare = papers
    assert [p.id for p in papers] == ["ruiz2024sparse", "park2023counting", "noabstract2022"]
    assert sparse.title == "SparseMix: Sparse Mixers for Tiny Graphs"
    assert sparse.abstract == (
        "We propose SparseMix, a mixer for small graphs. It beats GCN on Cora."
    )
    assert (sparse.date, sparse.url) == ("2024-09", "https://doi.org/10.1234/toy.5678")
    assert sparse.authors == ("Ana Ruiz", "Bo Chen")
    assert (counting.url, counting.date, counting.authors) == (
        "https://example.org/counting",
        "2023",
        ("Cleo Park",),
    )
    assert (bare.title, bare.abstract) == ("A Title Without an Abstract", "")
    assert [p.line for p in papers] == [4, 16, 24]


def test_latex_accents_and_braces(tmp_path):
    path = tmp_path / "r.bib"
    path.write_text(r"@article{k, title = {{\"U}ber {GPT} \& {F}riends}, abstract = {x}}" + "\n")
    (paper,) = read(path)[0]
    assert paper.title == "Über GPT & Friends"


def test_broken_entry_rejected_others_read(tmp_path):
    path = tmp_path / "r.bib"
    path.write_text(
        "@article{good1, title = {One}, abstract = {A.}}\n"
        "@article{broken, title = {unbalanced\n"
        "@article{good2, title = {Two}, abstract = {B.}}\n"
        "@misc{empty, note = {nothing}}\n"
    )
    papers, report = read(path)
    assert [(p.id, p.line) for p in papers] == [("good1", 1), ("good2", 3)]
    assert [(r.line, r.id) for r in report.rejects] == [(2, "broken"), (4, "empty")]
    assert report.rejects[0].reason.startswith("could not parse this BibTeX entry")
    assert report.rejects[1].reason == "no title and no abstract"


def test_invalid_utf8_rejects_one_entry(tmp_path):
    path = tmp_path / "r.bib"
    path.write_bytes(b"@misc{a, title = {Caf\xe9}}\n@misc{b, title = {Fine}}\n")
    papers, report = read(path)
    assert [p.id for p in papers] == ["b"]
    assert report.rejects[0].id == "a" and "not UTF-8" in report.rejects[0].reason


def test_helpers():
    assert bib_authors("Lovelace, Ada AND Alan Turing") == ("Ada Lovelace", "Alan Turing")
    assert bib_authors("") == ()
    assert bib_date({"year": "2020", "month": "3"}) == "2020-03"
    assert bib_date({"month": "may"}) is None
    assert bib_url({"doi": "doi:10.1/x"}) == "https://doi.org/10.1/x"
    assert bib_url({"doi": "https://doi.org/10.1/x"}) == "https://doi.org/10.1/x"
    assert bib_url({}) is None


def test_doctests():
    assert doctest.testmod(kg.ingest.bibtex).failed == 0


def test_undefined_string_macro(tmp_path):
    path = tmp_path / "r.bib"
    path.write_text("@misc{a, title = {T}, booktitle = nowhere}\n")
    with pytest.raises(InputError, match=r"r\.bib: the string macro 'nowhere' is used but never"):
        read(path)
