"""read_papers across files: missing files, strict mode, duplicates, rejects."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from kg.errors import InputError, KgError
from kg.ingest import ReadReport, Reject, read_papers

DATA = Path(__file__).parent / "data"


def jsonl(tmp_path: Path, name: str, *records: dict) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_missing_file_fails_at_call_time(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError) as e:
        read_papers([DATA / "papers.jsonl", missing])  # no iteration needed
    assert str(e.value) == f"no such file: {missing}"
    assert isinstance(e.value, KgError)


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(InputError, match="not a file"):
        read_papers(tmp_path)


def test_several_files_in_order():
    paths = [DATA / "papers.csv", DATA / "papers.jsonl", str(DATA / "papers.tsv")]
    ids = [p.id for p in read_papers(paths)]
    assert ids[:2] == ["csv-1", "csv-2"] and ids[3:5] == ["toy-1", "toy-2"] and ids[-1] == "tsv-1"


def test_streams_lazily(tmp_path):
    path = jsonl(tmp_path, "p.jsonl", {"id": "a", "title": "T"})
    papers = read_papers(path)
    path.write_text('{"id": "b", "title": "U"}\n')  # read happens on iteration
    assert [p.id for p in papers] == ["b"]


def test_exact_duplicates_merged_across_files(tmp_path):
    record = {"id": "a", "title": "T", "abstract": "A"}
    first = jsonl(tmp_path, "1.jsonl", record, record)
    second = jsonl(tmp_path, "2.jsonl", {**record, "title": " T "}, {"id": "b", "title": "U"})
    report = ReadReport()
    papers = list(read_papers([first, second], report=report))
    assert [p.id for p in papers] == ["a", "b"]
    assert (report.duplicates_merged, report.rejects) == (2, [])
    assert (papers[0].source, papers[0].line) == (str(first), 1)  # the first sighting is kept


def test_same_file_twice_is_merged(tmp_path):
    path = jsonl(tmp_path, "p.jsonl", {"id": "a", "title": "T"})
    report = ReadReport()
    assert [p.id for p in read_papers([path, path], report=report)] == ["a"]
    assert report.duplicates_merged == 1


def test_duplicate_id_with_different_content_rejected(tmp_path):
    path = jsonl(tmp_path, "p.jsonl", {"id": "x", "title": "T"}, {"id": "x", "title": "Other"})
    report = ReadReport()
    papers = list(read_papers(path, report=report))
    assert [p.title for p in papers] == ["T"]
    reason = f"duplicate id 'x' with different content (first seen at {path}:1)"
    assert report.rejects == [Reject(str(path), 2, "x", reason)]
    assert report.duplicates_merged == 0


def test_strict_raises_on_first_bad_record(tmp_path):
    path = jsonl(tmp_path, "p.jsonl", {"id": "a", "title": "T"}, {"id": "b", "title": 1})
    papers = read_papers(path, strict=True)
    assert next(papers).id == "a"
    with pytest.raises(InputError, match=rf"^{path}:2: field 'title' must be a string"):
        next(papers)


def test_strict_passes_clean_files():
    assert len(list(read_papers(DATA / "refs.bib", strict=True))) == 3


def test_strict_duplicate_clash(tmp_path):
    path = jsonl(tmp_path, "p.jsonl", {"id": "x", "title": "T"}, {"id": "x", "title": "U"})
    with pytest.raises(InputError, match=r":2: duplicate id 'x' with different content"):
        list(read_papers(path, strict=True))


def test_rejects_logged_when_no_report(tmp_path, caplog):
    path = jsonl(tmp_path, "p.jsonl", {"id": "a"}, {"id": "b", "title": "T"})
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        assert [p.id for p in read_papers(path)] == ["b"]
    assert f"skipped {path}:1: no title and no abstract" in caplog.text
