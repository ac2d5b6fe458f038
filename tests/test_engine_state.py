"""The state a build keeps for the next one (`kg.engine.state`): a rebuild that only adds papers
reads only the new ones and still equals a clean build; anything else the state cannot vouch for
(a paper changed or removed, another version, a damaged or missing file) takes the full path."""
import random

import pytest

from kg.engine import build_folder
from kg.engine.state import STATE_PATH, load_state, paper_digest
from kg.ingest import read_sample
from kg.types import Paper

FORMATS = "nt,store,csv"


@pytest.fixture(scope="module")
def sample():
    return list(read_sample())


def _same_as_clean(papers, inc, tmp_path):
    import pyoxigraph as ox

    clean = tmp_path / "clean"
    build_folder(papers, clean, formats=FORMATS, n_process=1, cache=False)
    for name in ("graph.nt", "entities.csv"):
        assert (inc / name).read_bytes() == (clean / name).read_bytes(), name
    assert set(ox.Store.read_only(str(inc / "store"))) == set(ox.Store.read_only(str(clean / "store")))
    _store_holds_graph(inc)


def _store_holds_graph(folder):
    """The store (loaded and updated leniently) holds exactly the triples of graph.nt, strictly parsed."""
    import pyoxigraph as ox

    strict = ox.Store()
    strict.bulk_load(path=str(folder / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    assert set(ox.Store.read_only(str(folder / "store"))) == set(strict)


@pytest.mark.parametrize("first", [30, 61, 85])
def test_appending_papers_reads_only_them_and_equals_a_clean_build(sample, tmp_path, first):
    inc = tmp_path / "inc"
    build_folder(sample[:first], inc, formats=FORMATS, n_process=1, batch_size=20)
    assert (inc / STATE_PATH).is_file()
    s = build_folder(sample, inc, formats=FORMATS, n_process=2, batch_size=20)
    assert s.from_state and s.papers == len(sample)
    assert s.cache_hits + s.cache_misses == len(sample) and s.cache_hits >= first  # the old ones are not looked up
    assert s.incremental >= len(sample) - first
    _same_as_clean(sample, inc, tmp_path)
    again = build_folder(sample, inc, formats=FORMATS, n_process=1, batch_size=20)  # nothing new
    assert again.from_state and again.incremental == 0
    _same_as_clean(sample, inc, tmp_path)


def test_papers_whose_entities_move_get_their_lines_made_again(tmp_path):
    # the old papers write "ZetaQA"; more new ones write "Zeta-QA", which becomes the entity's label
    # and so its IRI: the old papers' lines name another IRI and are made again
    old = [Paper(f"p{i}", f"Study {i}", "We fine-tune Qwen3-8B with GRPO and evaluate it on the ZetaQA "
                 "benchmark, where it reaches 71.3% accuracy.") for i in range(3)]
    new = [Paper(f"q{i}", f"Work {i}", "We introduce a method and evaluate it on the Zeta-QA benchmark.")
           for i in range(5)]
    inc = tmp_path / "inc"
    build_folder(old, inc, formats=FORMATS, n_process=1)
    assert b"/entity/ZetaQA>" in (inc / "graph.nt").read_bytes()
    s = build_folder(old + new, inc, formats=FORMATS, n_process=1)
    assert s.from_state and s.incremental == len(old) + len(new)
    assert b"/entity/ZetaQA>" not in (inc / "graph.nt").read_bytes()
    _same_as_clean(old + new, inc, tmp_path)


@pytest.mark.parametrize("edit", ["remove", "change", "duplicate"])
def test_papers_changed_or_removed_take_the_full_path(sample, tmp_path, edit):
    inc = tmp_path / "inc"
    build_folder(sample[:60], inc, formats=FORMATS, n_process=1, batch_size=25)
    papers = list(sample[:80])
    if edit == "remove":
        del papers[10]
    elif edit == "change":
        p = papers[5]
        papers[5] = Paper(p.id, p.title, p.abstract + " We also use GPT-4o.", p.date, p.url, p.authors)
    else:
        papers.insert(70, Paper(papers[3].id, "Another title", "Another abstract on GRPO."))
    s = build_folder(papers, inc, formats=FORMATS, n_process=2, batch_size=25)
    assert not s.from_state and s.papers == len(papers)
    if edit != "duplicate":
        _same_as_clean(papers, inc, tmp_path)


def test_a_damaged_or_missing_state_is_a_full_build(sample, tmp_path):
    inc = tmp_path / "inc"
    build_folder(sample[:40], inc, formats=FORMATS, n_process=1)
    (inc / STATE_PATH).write_bytes(b"\x80\x05garbage")
    s = build_folder(sample[:50], inc, formats=FORMATS, n_process=1)
    assert not s.from_state and s.incremental is not None  # the index still splices
    _same_as_clean(sample[:50], inc, tmp_path)
    (inc / STATE_PATH).unlink()
    s = build_folder(sample[:55], inc, formats=FORMATS, n_process=1)
    assert not s.from_state
    s = build_folder(sample[:60], inc, formats=FORMATS, n_process=1)  # the state was written again
    assert s.from_state
    _same_as_clean(sample[:60], inc, tmp_path)


def test_a_state_of_another_version_or_graph_is_not_used(sample, tmp_path):
    inc = tmp_path / "inc"
    build_folder(sample[:20], inc, formats=FORMATS, n_process=1)
    from kg.engine.incremental import triples_version
    from kg.engine.version import pipeline_version

    salt = triples_version(pipeline_version())
    assert load_state(inc, salt) is not None
    assert load_state(inc, salt + "x") is None
    with open(inc / "graph.nt", "a") as f:
        f.write("<http://x/s> <http://x/p> <http://x/o> .\n")
    assert load_state(inc, salt) is None
    # a build without the cache leaves the old state behind, which no longer names its graph.nt
    build_folder(sample[:25], inc, formats=FORMATS, n_process=1, cache=False)
    assert load_state(inc, salt) is None


def test_formats_that_need_whole_records_take_the_full_path(sample, tmp_path):
    inc = tmp_path / "inc"
    build_folder(sample[:20], inc, formats="nt,csv,ttl", n_process=1)
    s = build_folder(sample[:30], inc, formats="nt,csv,ttl", n_process=1)
    assert not s.from_state and s.incremental is not None


def test_adding_rows_to_kept_totals_equals_reducing_them_all(sample):
    from kg.engine.cache import encode, reduce_rows
    from kg.graph.canonical import Reduction, canonicalise_rows
    from kg.nlp.extract import extract

    per_paper = [[(ex.paper.id, *r) for r in reduce_rows(encode(ex))] for ex in extract(sample)]
    whole = canonicalise_rows(r for rows in per_paper for r in rows)
    rng = random.Random(7)
    for _ in range(12):
        cut = rng.randint(1, len(per_paper) - 1)
        red = Reduction.of(r for rows in per_paper[:cut] for r in rows)
        before = red.table()
        assert red.plain(before)
        kept = red.entities_by_root(before)  # what the state keeps
        added = red.add(r for rows in per_paper[cut:] for r in rows)
        assert added.plain
        table = red.updated_table(kept, added.roots)
        assert table == whole and list(table.entities) == list(whole.entities)
        assert red.table() == whole


def test_digest_covers_what_the_triples_read():
    p = Paper("a", "T", "x", date="2024-01-01", url="http://x", authors=("A",))
    assert paper_digest(p) == paper_digest(Paper("a", "T", "x", "2024-01-01", "http://x", ("A",), source="f", line=3))
    for other in (Paper("b", "T", "x", "2024-01-01", "http://x", ("A",)), Paper("a", "T", "y", "2024-01-01", "http://x", ("A",)),
                  Paper("a", "T", "x", "2024-01-02", "http://x", ("A",)), Paper("a", "T", "x", "2024-01-01", "http://x", ("B",))):
        assert paper_digest(other) != paper_digest(p)


# ---------------------------------------------------------------- input files a rebuild need not read


def _jsonl(path, papers, extra=()):
    import json

    with open(path, "w", encoding="utf-8") as f:
        for p in papers:
            f.write(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract, "date": p.date, "url": p.url,
                                "authors": list(p.authors)}) + "\n")
        for line in extra:
            f.write(line + "\n")
    return path


def _files_build(paths, out, **kw):
    from kg.engine.state import InputFiles
    from kg.types import ReadReport

    report = ReadReport()
    return build_folder(InputFiles(paths, report=report, strict=kw.pop("strict", False)), out, formats=FORMATS,
                        report=report, **kw)


def _same_as_clean_files(paths, inc, tmp_path):
    """graph.nt, entities.csv, the store, build.json and rejects.jsonl as a clean build of the files."""
    import pyoxigraph as ox

    from kg.ingest import read_papers
    from kg.types import ReadReport

    clean = tmp_path / "clean-files"
    report = ReadReport()
    build_folder(read_papers(paths, report=report), clean, formats=FORMATS, n_process=1, cache=False, report=report)
    for name in ("graph.nt", "entities.csv", "build.json", "rejects.jsonl"):
        a, b = inc / name, clean / name
        assert (a.read_bytes() if a.exists() else None) == (b.read_bytes() if b.exists() else None), name
    assert set(ox.Store.read_only(str(inc / "store"))) == set(ox.Store.read_only(str(clean / "store")))
    _store_holds_graph(inc)


@pytest.fixture
def files_read(monkeypatch):
    """The input files the readers open, in order."""
    import kg.ingest.read as read_mod

    opened = []
    real = read_mod._read

    def spy(path, fmt):
        opened.append(path.name)
        return real(path, fmt)

    monkeypatch.setattr(read_mod, "_read", spy)
    return opened


def _messy(sample, tmp_path):
    """a.jsonl: papers 0-39, a bad line, an exact duplicate and a clash; b.jsonl: papers 40-59,
    an exact duplicate of a paper of a.jsonl and a clash with one; c.jsonl: papers 60-89."""
    p5 = sample[5]
    a = _jsonl(tmp_path / "a.jsonl", sample[:40] + [sample[3], Paper(p5.id, "Other", "Another abstract on GRPO.")],
               extra=["{not json"])
    p7 = sample[7]
    b = _jsonl(tmp_path / "b.jsonl", sample[40:60] + [sample[1]])
    b_clash = _jsonl(tmp_path / "b-clash.jsonl", sample[40:60] + [Paper(p7.id, "Other", "Another abstract.")])
    c = _jsonl(tmp_path / "c.jsonl", sample[60:])
    return a, b, b_clash, c


def test_input_files_read_as_read_papers(sample, tmp_path):
    from kg.engine.state import InputFiles, reader_version
    from kg.ingest import read_papers
    from kg.types import ReadReport

    a, b, b_clash, c = _messy(sample, tmp_path)
    for paths in ([a], [a, b, c], [a, b_clash, c], [c, a, b]):
        r1, r2 = ReadReport(), ReadReport()
        inputs = InputFiles(paths, report=r2)
        assert list(inputs) == list(read_papers(paths, report=r1))
        assert r1 == r2 and (r1.rejects or r1.duplicates_merged)
        version, entries = inputs.kept()
        assert version == reader_version() and [e[0] for e in entries] == [str(p) for p in paths]
        assert sum(len(e[3]) for e in entries) == len(r2.rejects)
        assert sum(e[4] for e in entries) == r2.duplicates_merged
    assert InputFiles([a]).kept() is None  # not read yet
    assert list(InputFiles([a])) and InputFiles([a]).kept() is None  # without a report: nothing kept


def test_a_rebuild_reads_only_the_files_after_the_unchanged_ones(sample, tmp_path, files_read):
    a, b, _, c = _messy(sample, tmp_path)
    inc = tmp_path / "inc"
    _files_build([a], inc, n_process=1, batch_size=20)
    files_read.clear()
    s = _files_build([a, b], inc, n_process=2, batch_size=20)
    assert files_read == ["b.jsonl"] and s.from_state and s.incremental >= 20
    _same_as_clean_files([a, b], inc, tmp_path)
    files_read.clear()
    s = _files_build([a, b, c], inc, n_process=1, batch_size=20)
    assert files_read == ["c.jsonl"] and s.from_state
    _same_as_clean_files([a, b, c], inc, tmp_path)
    files_read.clear()
    s = _files_build([a, b, c], inc, n_process=1, batch_size=20)  # nothing new: nothing read
    assert files_read == [] and s.from_state and s.incremental == 0 and s.papers == len(sample)
    _same_as_clean_files([a, b, c], inc, tmp_path)


def test_a_paper_repeating_the_id_of_a_skipped_one_with_other_content_reads_all_again(sample, tmp_path, files_read):
    a, _, b_clash, _ = _messy(sample, tmp_path)
    inc = tmp_path / "inc"
    _files_build([a], inc, n_process=1)
    files_read.clear()
    s = _files_build([a, b_clash], inc, n_process=1)
    assert files_read == ["b-clash.jsonl", "a.jsonl", "b-clash.jsonl"] and not s.from_state
    _same_as_clean_files([a, b_clash], inc, tmp_path)  # the reject says where the first one was


@pytest.mark.parametrize("change", ["file", "name", "reader"])
def test_files_changed_renamed_or_read_otherwise_are_read_again(sample, tmp_path, files_read, monkeypatch, change):
    import kg.engine.state as state_mod

    a = _jsonl(tmp_path / "a.jsonl", sample[:40])
    b = _jsonl(tmp_path / "b.jsonl", sample[40:50])
    inc = tmp_path / "inc"
    _files_build([a], inc, n_process=1)
    if change == "file":  # one more paper in it: still an append
        _jsonl(a, sample[:41])
    elif change == "name":
        a = a.rename(tmp_path / "a2.jsonl")
    else:
        monkeypatch.setattr(state_mod, "_READER_VERSION", ["another reader"])
    files_read.clear()
    s = _files_build([a, b], inc, n_process=1)
    assert files_read == [a.name, "b.jsonl"] and s.from_state
    _same_as_clean_files([a, b], inc, tmp_path)


def test_entities_that_move_read_their_papers_from_the_skipped_files(tmp_path, files_read):
    old = [Paper(f"p{i}", f"Study {i}", "We fine-tune Qwen3-8B with GRPO and evaluate it on the ZetaQA "
                 "benchmark, where it reaches 71.3% accuracy.") for i in range(3)]
    new = [Paper(f"q{i}", f"Work {i}", "We introduce a method and evaluate it on the Zeta-QA benchmark.")
           for i in range(5)]
    a, b = _jsonl(tmp_path / "a.jsonl", old), _jsonl(tmp_path / "b.jsonl", new)
    inc = tmp_path / "inc"
    _files_build([a], inc, n_process=1)
    files_read.clear()
    s = _files_build([a, b], inc, n_process=1)
    assert s.from_state and s.incremental == len(old) + len(new)
    assert files_read == ["b.jsonl", "a.jsonl"]  # a.jsonl for the papers whose lines are made again
    _same_as_clean_files([a, b], inc, tmp_path)


def test_strict_reading_of_skipped_files_with_rejects_still_fails(sample, tmp_path):
    from kg.errors import InputError

    a, b, _, _ = _messy(sample, tmp_path)
    inc = tmp_path / "inc"
    _files_build([a], inc, n_process=1)
    with pytest.raises(InputError, match="a.jsonl"):
        _files_build([a, b], inc, n_process=1, strict=True)


def test_the_cli_skips_unchanged_files(sample, tmp_path, files_read):
    from click.testing import CliRunner

    from kg.cli import cli

    a, b, _, _ = _messy(sample, tmp_path)
    inc = tmp_path / "inc"
    for paths in ([a], [a, b]):
        files_read.clear()
        res = CliRunner().invoke(cli, ["build", *map(str, paths), "-o", str(inc), "--formats", FORMATS, "-q",
                                       "--n-process", "1"])
        assert res.exit_code == 0, res.output
    assert files_read == ["a.jsonl", "b.jsonl"]  # the probe for a first paper, then the new file only
    _same_as_clean_files([a, b], inc, tmp_path)


# ---------------------------------------------------------------- outputs made without pandas


def test_entities_csv_is_what_pandas_writes(sample):
    from kg.engine.build import ENTITY_KINDS, entities_csv
    from kg.graph.canonical import CanonicalEntity, EntityTable
    from kg.graph.model import KnowledgeGraph
    from kg.graph.stats import ENTITY_KINDS as STATS_KINDS
    from kg.ids import entity_iri
    from kg.types import EntityType

    assert ENTITY_KINDS == STATS_KINDS
    from kg.builder import build

    tables = [build(sample).table, EntityTable()]
    odd = EntityTable()
    for i, label in enumerate(['a,b', 'say "hi"', "two\nlines", "cr\rhere", " pad ", "", "é ü 中文", "nan", "1.50",
                               "semi;colon", "tab\there", "'quote'"]):
        key = f"k{i}"
        odd.entities[key] = CanonicalEntity(key, entity_iri(key, f"X{i}"), label, list(EntityType)[i % 4],
                                            (label, "alias|pipe", 'q"uote') if i % 2 else (), frozenset({"p"} if i % 3 else ()))
    tables.append(odd)
    for table in tables:
        g = KnowledgeGraph(extractions=[], table=table)
        assert entities_csv(table) == g.entities.to_csv(index=False, lineterminator="\n")


def test_the_cli_starts_the_workers_server_as_the_engine_would():
    import kg.cli
    from kg.engine.local import FORKSERVER_PRELOAD

    assert kg.cli._STATE_PATH == STATE_PATH and kg.cli._WORKER_PRELOAD == FORKSERVER_PRELOAD[True]


def test_a_rebuild_that_cannot_splice_makes_the_store_anew(sample, tmp_path):
    # the state is there but a paper changed, and the index of fingerprints is gone: the full path
    # cannot splice, so the copy of the store made while the workers started is not used
    from kg.engine.incremental import INDEX_NAME

    inc = tmp_path / "inc"
    build_folder(sample[:40], inc, formats=FORMATS, n_process=1)
    (inc / INDEX_NAME).unlink()
    papers = list(sample[:50])
    p = papers[5]
    papers[5] = Paper(p.id, p.title, p.abstract + " We also use GPT-4o.", p.date, p.url, p.authors)
    s = build_folder(papers, inc, formats=FORMATS, n_process=2, batch_size=20)
    assert not s.from_state and s.incremental is None
    _same_as_clean(papers, inc, tmp_path)


def test_the_collector_is_off_while_a_rebuild_runs_and_on_again_after(sample, tmp_path):
    import gc

    inc = tmp_path / "inc"
    build_folder(sample[:30], inc, formats=FORMATS, n_process=1, batch_size=10)
    seen = []
    s = build_folder(sample[:40], inc, formats=FORMATS, n_process=1, batch_size=10,
                     on_progress=lambda n: seen.append(gc.isenabled()))
    assert s.from_state and seen and not any(seen) and gc.isenabled()
    papers = list(sample[:50])
    p = papers[5]
    papers[5] = Paper(p.id, p.title, p.abstract + " We also use GPT-4o.", p.date, p.url, p.authors)
    seen.clear()
    s = build_folder(papers, inc, formats=FORMATS, n_process=1, batch_size=10,
                     on_progress=lambda n: seen.append(gc.isenabled()))
    assert not s.from_state and seen[0] is False and seen[-1] is True and gc.isenabled()  # the full path: on
