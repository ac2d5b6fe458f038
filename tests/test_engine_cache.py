"""The extraction cache: incremental builds reuse records of unchanged texts, equal a clean build,
and a cache from another pipeline version is never used."""
import pytest

from kg.engine import build_folder
from kg.engine.cache import ExtractionCache, decode, encode, record_key
from kg.ingest import read_sample
from kg.nlp.extract import extract


@pytest.fixture(scope="module")
def sample():
    return list(read_sample())


def test_incremental_build_reuses_the_cache_and_equals_a_clean_build(sample, tmp_path):
    inc, clean = tmp_path / "inc", tmp_path / "clean"
    first = build_folder(sample[:60], inc, formats="nt,csv", n_process=1, batch_size=25)
    assert (first.cache_hits, first.cache_misses) == (0, 60)
    again = build_folder(sample, inc, formats="nt,csv", n_process=2, batch_size=25)
    assert (again.cache_hits, again.cache_misses) == (60, 30)
    build_folder(sample, clean, formats="nt,csv", n_process=1, cache=False)
    for name in ("graph.nt", "entities.csv"):
        assert (inc / name).read_bytes() == (clean / name).read_bytes(), name
    assert not (clean / ".cache").exists()


def test_records_round_trip_through_the_cache(sample):
    for ex in extract(sample[:10]):
        assert decode(encode(ex), ex.paper) == ex


def test_what_the_phases_read_of_a_cached_record_is_what_the_record_says(sample):
    from kg.engine.cache import loads, names, reduce_rows
    from kg.engine.phases import MemoTable, _fingerprint, fingerprint
    from kg.graph.canonical import canonicalise, canonicalise_rows

    records = list(extract(sample[:30]))
    assert any(ex.results for ex in records)
    table = canonicalise(records)
    rows = [(ex.paper.id, *r) for ex in records for r in reduce_rows(encode(ex))]
    assert rows == [(ex.paper.id, e.label, e.type, e.names, e.type_weight) for ex in records for e in ex.entities]
    assert canonicalise_rows(rows) == table
    memo = MemoTable(table.entities, table.by_key)
    for ex in records:
        fp = fingerprint(ex, table, "salt")
        assert _fingerprint(ex.paper, names(loads(encode(ex))), memo, "salt") == fp
        assert _fingerprint(ex.paper, names(loads(encode(ex))), memo, "salt") == fp  # remembered


def test_key_is_the_text_under_a_version(sample):
    p = sample[0]
    assert record_key(p, "v1") != record_key(p, "v2")
    assert record_key(p, "v1") != record_key(sample[1], "v1")


def test_another_pipeline_version_empties_the_cache(tmp_path):
    c = ExtractionCache(tmp_path, "v1")
    c.put([("k", b"x")])
    c.close()
    c = ExtractionCache(tmp_path, "v1")
    assert c.get(["k"]) == {"k": b"x"}
    c.close()
    c = ExtractionCache(tmp_path, "v2")
    assert c.get(["k"]) == {} and len(c) == 0
    c.close()


def test_batches_extracted_before_a_failure_stay_cached(sample, tmp_path):
    def broken():
        yield from sample[:20]
        raise RuntimeError("reader died")

    with pytest.raises(RuntimeError):
        build_folder(broken(), tmp_path / "out", formats="nt", n_process=1, batch_size=10)
    s = build_folder(sample[:20], tmp_path / "out", formats="nt", n_process=1, batch_size=10)
    assert s.cache_hits == 20


def test_incremental_splice_updates_graph_and_store_like_a_clean_build(sample, tmp_path):
    import pyoxigraph as ox

    inc, clean = tmp_path / "inc", tmp_path / "clean"
    changed = [sample[3].__class__(**{**sample[3].__dict__, "abstract": sample[3].abstract + " We also use GPT-4o."})]
    build_folder(sample[:70], inc, formats="nt,store", n_process=1, batch_size=30)
    # 20 new papers, one changed, one removed
    papers = sample[:2] + changed + sample[4:90]
    s = build_folder(papers, inc, formats="nt,store", n_process=1, batch_size=30)
    assert s.incremental is not None and 20 <= s.incremental < 30
    build_folder(papers, clean, formats="nt,store", n_process=1, cache=False)
    assert (inc / "graph.nt").read_bytes() == (clean / "graph.nt").read_bytes()

    def triples(d):
        return set(ox.Store.read_only(str(d / "store")))

    assert triples(inc) == triples(clean)
    assert s.triples == len((clean / "graph.nt").read_bytes().splitlines())


def test_splice_replaces_prefix_blocks_and_refuses_lines_outside_them(tmp_path):
    from kg.engine.incremental import ShapeError, splice

    old = tmp_path / "old.nt"
    old.write_bytes(b"<a/1> <p> <x> .\n<b/1> <p> <x> .\n<b/1> <p> <y> .\n<c/1> <p> <x> .\n")
    n, removed, added = splice(old, ["<b/1> <p> <y> .\n", "<b/1> <p> <z> .\n", "<d/1> <p> <x> .\n"],
                               [b"<b/", b"<d/"], tmp_path / "new.nt")
    assert (tmp_path / "new.nt").read_bytes() == (b"<a/1> <p> <x> .\n<b/1> <p> <y> .\n<b/1> <p> <z> .\n"
                                                  b"<c/1> <p> <x> .\n<d/1> <p> <x> .\n")
    assert (n, removed, added) == (5, [b"<b/1> <p> <x> .\n"], [b"<b/1> <p> <z> .\n", b"<d/1> <p> <x> .\n"])
    with pytest.raises(ShapeError):
        splice(old, ["<c/1> <p> <y> .\n"], [b"<b/"], tmp_path / "bad.nt")


def test_an_edited_graph_file_is_not_spliced_into(sample, tmp_path):
    out = tmp_path / "out"
    build_folder(sample[:20], out, formats="nt", n_process=1)
    with open(out / "graph.nt", "a") as f:
        f.write("<http://x/s> <http://x/p> <http://x/o> .\n")
    s = build_folder(sample[:25], out, formats="nt", n_process=1)
    assert s.incremental is None and s.cache_hits == 20
    assert b"http://x/s" not in (out / "graph.nt").read_bytes()
