"""The streaming build (kg.engine, local engine): same bytes as the in-memory build, bounded
outputs for large corpora, and an output folder that is replaced as a whole or not at all."""
import json

import pytest
from rdflib import Literal, URIRef

from kg.builder import build
from kg.engine import build_folder
from kg.engine.ntriples import merge_runs, nt_lines, write_run
from kg.export import write_outputs
from kg.ingest import read_sample


@pytest.fixture(scope="module")
def sample():
    return list(read_sample())


@pytest.fixture(scope="module")
def reference(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref")
    write_outputs(build(sample), out, ("nt", "ttl", "csv"))
    return out


def test_two_workers_give_the_same_files_as_the_in_memory_build(sample, reference, tmp_path):
    s = build_folder(sample, tmp_path / "out", formats="nt,ttl,csv,store", n_process=2, batch_size=25, cache=False)
    assert s.workers == 2 and s.papers == 90
    for name in ("graph.nt", "graph.ttl", "entities.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (reference / name).read_bytes(), name
    assert s.triples == len((reference / "graph.nt").read_text().splitlines())
    assert (tmp_path / "out" / "store").is_dir()
    assert json.loads((tmp_path / "out" / "build.json").read_text())["papers"] == 90
    # the store, loaded from the phase-2 runs while they were merged, holds exactly graph.nt
    import pyoxigraph as ox

    store = ox.Store.read_only(str(tmp_path / "out" / "store"))
    ref = ox.Store()
    ref.bulk_load(path=str(reference / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == len(ref) == s.triples
    assert set(map(str, store)) == set(map(str, ref))


def test_workers_replaced_mid_build_give_the_same_files(sample, reference, tmp_path, monkeypatch):
    # a worker is replaced by a fresh one after RECYCLE_AFTER_PAPERS papers (so its vocabulary
    # cannot grow with the corpus): here after every second batch of 5, phase 2 included
    from kg.engine import local

    monkeypatch.setattr(local, "RECYCLE_AFTER_PAPERS", 10)
    real_context, lives = local._context, []

    def recording_context(*args):
        ctx = real_context(*args)

        class Recorded:
            def Pool(self, *a, **k):  # noqa: N802 - the context's method name
                lives.append(k.get("maxtasksperchild"))
                return ctx.Pool(*a, **k)

        return Recorded()

    monkeypatch.setattr(local, "_context", recording_context)
    s = build_folder(sample, tmp_path / "out", formats="nt,csv", n_process=2, batch_size=5, cache=False)
    assert s.workers == 2 and lives == [2]
    for name in ("graph.nt", "entities.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (reference / name).read_bytes(), name


def test_in_process_build_is_the_same(sample, reference, tmp_path):
    s = build_folder(sample, tmp_path / "out", formats="nt", n_process=1, batch_size=40, cache=False)
    assert s.workers == 1
    assert (tmp_path / "out" / "graph.nt").read_bytes() == (reference / "graph.nt").read_bytes()


def test_large_corpus_gets_a_view_and_skips_whole_graph_files(sample, reference, tmp_path):
    s = build_folder(sample, tmp_path / "out", formats="nt,ttl,jsonld,graphml,csv", n_process=1, batch_size=30,
                     cache=False, whole_graph_limit=50)
    assert set(s.skipped) == {"ttl", "jsonld"} and not (tmp_path / "out" / "graph.ttl").exists()
    assert s.view["papers_total"] == 90 and 0 < s.view["papers"] <= 90 and s.view["formats"] == ["graphml"]
    assert (tmp_path / "out" / "graph.graphml").stat().st_size > 0
    assert (tmp_path / "out" / "graph.nt").read_bytes() == (reference / "graph.nt").read_bytes()
    assert json.loads((tmp_path / "out" / "build.json").read_text())["skipped"].keys() == {"ttl", "jsonld"}


def test_folder_is_replaced_as_a_set_keeping_foreign_files(sample, tmp_path):
    out = tmp_path / "out"
    build_folder(sample[:5], out, formats="nt,ttl", n_process=1)
    (out / "README.md").write_text("mine")
    build_folder(sample[:5], out, formats="nt", n_process=1)
    assert (out / "README.md").read_text() == "mine"
    assert not (out / "graph.ttl").exists()  # a stale output of another build would mislead
    assert (out / ".cache" / "extractions.sqlite").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_failed_build_leaves_the_previous_output(sample, tmp_path):
    out = tmp_path / "out"
    build_folder(sample[:5], out, formats="nt", n_process=1)
    before = (out / "graph.nt").read_bytes()

    def broken():
        yield from sample[5:10]
        raise RuntimeError("reader died")

    with pytest.raises(RuntimeError):
        build_folder(broken(), out, formats="nt", n_process=1, batch_size=2)
    assert (out / "graph.nt").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_lines_are_rdflib_lines_and_runs_merge_sorted_unique(tmp_path):
    from rdflib import Graph

    s, p = URIRef("http://x/s"), URIRef("http://x/p")
    triples = [(s, p, Literal('quote " line\n sep \u2028 back\\slash')), (s, p, Literal(3)), (s, p, s)]
    g = Graph()
    for t in triples:
        g.add(t)
    expected = sorted(g.serialize(format="nt").strip("\n").split("\n"))
    assert [l.rstrip("\n") for l in nt_lines(triples * 2)] == expected
    runs = [write_run(nt_lines(part), tmp_path / str(i)) for i, part in enumerate((triples[:2], triples[1:], triples))]
    assert merge_runs(runs, tmp_path / "all.nt", fanin=2) == 3  # in two rounds
    assert (tmp_path / "all.nt").read_text(encoding="utf-8").split("\n")[:-1] == expected
    assert not any(r.exists() for r in runs)  # a round's inputs go once merged...
    runs = [write_run(nt_lines(part), tmp_path / str(i)) for i, part in enumerate((triples[:2], triples[1:], triples))]
    assert merge_runs(runs, tmp_path / "again.nt", fanin=2, keep_inputs=True) == 3
    assert all(r.exists() for r in runs)  # ...unless another reader (the store load) still needs them
    assert (tmp_path / "again.nt").read_bytes() == (tmp_path / "all.nt").read_bytes()


def test_the_store_loads_runs_in_calls_of_whole_lines_across_files(tmp_path, monkeypatch):
    import pyoxigraph as ox

    from kg.engine import storeload

    lines = [f'<http://x/s{i}> <http://x/p> "{"é" * (i % 7)} {i}" .\n' for i in range(200)]
    runs = [write_run(sorted(lines[i::3] + lines[:5]), tmp_path / f"run-{i}.nt") for i in range(3)]
    calls = []
    real = storeload._load
    monkeypatch.setattr(storeload, "STORE_CHUNK_BYTES", 500)  # many calls, each ending mid-file
    monkeypatch.setattr(storeload, "_load", lambda store, parts: (calls.append(b"".join(parts)), real(store, parts)))
    path = storeload.load_store(runs, tmp_path / "store")
    assert len(calls) > 6 and all(c.endswith(b" .\n") for c in calls)  # no line is ever cut
    store = ox.Store.read_only(str(path))
    expected = {ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse("".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)}
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in store} == expected  # each line once


def test_sigkill_mid_build_leaves_the_previous_output_and_a_readable_cache(sample, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    build_folder(sample[:10], out, formats="nt", n_process=1)
    before = (out / "graph.nt").read_bytes()
    script = (
        "import sys, time\n"
        "from kg.engine import build_folder\n"
        "from kg.ingest import read_sample\n"
        "def slow():\n"
        "    for i, p in enumerate(read_sample()):\n"
        "        if i == 40:\n"
        "            print('half', flush=True)\n"
        "            time.sleep(60)\n"
        "        yield p\n"
        "build_folder(slow(), sys.argv[1], formats='nt', n_process=1, batch_size=10)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "half"
        time.sleep(0.5)
        assert [p for p in tmp_path.iterdir() if p.name.startswith(".out.build-")]  # mid-build
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert (out / "graph.nt").read_bytes() == before
    s = build_folder(sample[:40], out, formats="nt", n_process=1, batch_size=10)
    assert s.cache_hits >= 30  # the batches committed before the kill
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_merging_in_rounds_leaves_only_the_output(tmp_path):
    from rdflib import URIRef

    p = URIRef("http://x/p")
    runs_dir = tmp_path / "runs"
    runs_dir.mkdir()
    runs = [write_run(nt_lines([(URIRef(f"http://x/{i}"), p, p)]), runs_dir / f"{i}.nt") for i in range(7)]
    assert merge_runs(runs, tmp_path / "all.nt", fanin=2) == 7
    assert not list(runs_dir.iterdir())  # merged in rounds: every input and part removed
    assert [x.name for x in tmp_path.iterdir() if x.is_file()] == ["all.nt"]


def test_lines_made_without_rdflib_terms_are_the_rdflib_lines(sample):
    from dataclasses import replace

    from kg.engine.ntriples import entity_lines, paper_nt_lines
    from kg.graph.canonical import canonicalise
    from kg.graph.rdf import entity_triples, paper_triples
    from kg.nlp.extract import extract
    from kg.types import Paper

    records = list(extract(sample))
    # awkward papers: an id that needs percent-encoding, quotes, backslashes and newlines in
    # literals, a URL that is not http, no abstract
    odd = replace(records[0], paper=Paper('x y/"z"\\', 'T "q"\\ \r\n', records[0].paper.abstract, date="2024\n01",
                                          url="ftp://x", authors=('A "B"', "C\\D")))
    records += [odd, replace(records[1], paper=replace(records[1].paper, url="https://x.org/a b"))]
    table = canonicalise(records)
    assert any(ex.results for ex in records)
    assert paper_nt_lines(records, table) == nt_lines(t for ex in records for t in paper_triples(ex, table))
    assert entity_lines(table) == nt_lines(entity_triples(table))


def test_background_call_hands_back_its_value_or_its_error():
    from kg.engine.background import Background

    assert Background(sorted, [3, 1, 2]).result() == [1, 2, 3]
    with pytest.raises(ZeroDivisionError):
        Background(lambda: 1 / 0).result()
