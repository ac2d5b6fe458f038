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
