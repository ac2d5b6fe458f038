"""JSON Lines reader: fields, cleaning, and bad lines rejected one at a time."""
from __future__ import annotations

import doctest
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.ingest.clean
import kg.ingest.jsonl
from kg.errors import InputError
from kg.ingest import ReadReport, content_id, read_papers
from kg.ingest.clean import clean_abstract, clean_title

DATA = Path(__file__).parent / "data"


def read(path, **kw):
    report = ReadReport()
    return list(read_papers(path, report=report, **kw)), report


def write(tmp_path: Path, data: bytes, name: str = "p.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def line(**fields) -> bytes:
    return json.dumps(fields).encode() + b"\n"


def test_fixture_fields_and_lines():
    papers, report = read(DATA / "papers.jsonl")
    assert report.rejects == []
    first, second, third = papers
    assert first.id == "toy-1"
    assert first.title == "Sparse Mixers for Tiny Graphs"
    assert first.abstract.startswith("We propose SparseMix") and "\n" in first.abstract
    assert (first.date, first.url) == ("2024-09-02", "https://example.org/toy-1")
    assert first.authors == ("Ana Ruiz", "Bo Chen")
    assert second.authors == ("Cleo Park", "Dev Rao", "Eli Stone")
    assert [p.line for p in papers] == [1, 2, 4]  # the blank line 3 is skipped, not counted away
    assert {p.source for p in papers} == {str(DATA / "papers.jsonl")}


def test_missing_id_gets_content_id():
    *_, third = read(DATA / "papers.jsonl")[0]
    assert third.id == content_id(third.title, third.abstract)
    assert third.id.startswith("p-") and len(third.id) == 14


def test_bom_and_crlf(tmp_path):
    data = b"\xef\xbb\xbf" + line(id="a", title="T", abstract="A").replace(b"\n", b"\r\n")
    data += line(id="b", title="T2", abstract="B\r\nC").replace(b"\n", b"\r\n")
    papers, report = read(write(tmp_path, data))
    assert [p.id for p in papers] == ["a", "b"] and report.rejects == []
    assert papers[1].abstract == "B\nC"


def test_invalid_utf8_rejects_only_that_line(tmp_path):
    bad = b'{"id": "bad", "title": "caf\xe9", "abstract": "x"}\n'
    path = write(tmp_path, line(id="a", title="T", abstract="A") + bad + line(id="c", title="C"))
    papers, report = read(path)
    assert [p.id for p in papers] == ["a", "c"]
    (reject,) = report.rejects
    assert (reject.line, reject.id) == (2, None)
    assert "invalid UTF-8" in reject.reason


def test_truncated_last_line_rejected(tmp_path):
    path = write(tmp_path, line(id="a", title="T") + b'{"id": "b", "title": "cut off her')
    papers, report = read(path)
    assert [p.id for p in papers] == ["a"]
    (reject,) = report.rejects
    assert reject.line == 2 and reject.reason.startswith("invalid JSON (truncated last line?)")


def test_last_line_without_newline_is_fine(tmp_path):
    path = write(tmp_path, line(id="a", title="T") + line(id="b", title="U").rstrip(b"\n"))
    assert [p.id for p in read(path)[0]] == ["a", "b"]


def test_bad_records_rejected_with_reason(tmp_path):
    records = [
        b"not json at all\n",
        b'["a", "list"]\n',
        line(id="n1", title=3, abstract="x"),
        line(id=7, title="t"),
        line(id="n3", title="t", authors=["ok", 5]),
        line(id="n4", title="  ", abstract="\t"),
        line(id="n5", title="t", date=2024),
    ]
    papers, report = read(write(tmp_path, b"".join(records)))
    assert papers == []
    reasons = [(r.line, r.id, r.reason) for r in report.rejects]
    assert reasons[0][2].startswith("invalid JSON: ")
    assert reasons[1][2].startswith("not a JSON object")
    assert reasons[2][1:] == ("n1", "field 'title' must be a string, got int 3")
    assert reasons[3][2].startswith("field 'id' must be a string")
    assert reasons[4][1] == "n3" and "field 'authors'" in reasons[4][2]
    assert reasons[5][1:] == ("n4", "no title and no abstract")
    assert "field 'date'" in reasons[6][2]
    assert [r[0] for r in reasons] == list(range(1, 8))


def test_text_cleaned(tmp_path):
    raw = line(title=" A \t title\x00\x07 ", abstract="One  \x1b[0m two.\n\n\n\nThree")
    path = write(tmp_path, raw)
    (paper,) = read(path)[0]
    assert paper.title == "A title"
    assert paper.abstract == "One [0m two.\n\nThree"


def test_unicode_line_separators_do_not_split_records(tmp_path):
    data = json.dumps({"id": "u", "title": "a\u2028b\x85c", "abstract": "x"}, ensure_ascii=False)
    papers, report = read(write(tmp_path, data.encode() + b"\n"))
    assert [p.id for p in papers] == ["u"] and report.rejects == []
    assert papers[0].title == "a b c"


def test_extra_fields_ignored_and_empty_id_derived(tmp_path):
    path = write(tmp_path, line(id=" ", title="T", abstract="A", venue="X", score=3))
    (paper,) = read(path)[0]
    assert paper.id == content_id("T", "A")


@settings(max_examples=150, deadline=None)
@given(title=st.text(), abstract=st.text())
def test_roundtrip_arbitrary_unicode(title, abstract):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.jsonl"
        record = {"id": "x", "title": title, "abstract": abstract}
        path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        papers, report = read(path)
    if not clean_title(title) and not clean_abstract(abstract):
        assert papers == [] and report.rejects[0].reason == "no title and no abstract"
        return
    (paper,) = papers
    assert (paper.title, paper.abstract) == (clean_title(title), clean_abstract(abstract))
    # cleaning is idempotent: what the reader gives back reads back the same
    assert clean_title(paper.title) == paper.title
    assert clean_abstract(paper.abstract) == paper.abstract


def test_doctests():
    for module in (kg.ingest.clean, kg.ingest.jsonl):
        assert doctest.testmod(module).failed == 0


def test_json_array_file_refused_with_hint(tmp_path):
    path = write(tmp_path, b'\n[\n  {"id": "a", "title": "T"}\n]\n', "papers.json")
    with pytest.raises(InputError, match=r"papers\.json holds a JSON array, not JSON Lines"):
        read(path)
