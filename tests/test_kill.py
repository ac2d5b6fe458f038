"""Crash safety of `kg build` as a user runs it: a build killed with SIGKILL at any moment (reading,
extracting, writing each file, loading the store, swapping the folder) leaves the previous output
whole and readable, and the next build cleans up after it."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.ingest import read_sample

KG = [sys.executable, "-m", "kg.cli"]
# files the same input always writes byte for byte (the build index carries times)
SAME_BYTES = ("graph.nt", "graph.ttl", "graph.jsonld", "entities.csv", "graph.graphml", "graph.html",
              "report.html", "build.json")
FRACTIONS = (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97, 1.02)


def _jsonl(path: Path, papers) -> Path:
    path.write_text("".join(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n"
                            for p in papers), encoding="utf-8")
    return path


def _build(inp: Path, out: Path) -> subprocess.Popen:
    # --no-cache: every build does all the work, so the kills land in every phase
    return subprocess.Popen([*KG, "build", str(inp), "-o", str(out), "-q", "--no-cache", "--n-process", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every file of the folder (the store is a folder: checked by reading it)."""
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def _readable(out: Path, triples: int) -> None:
    assert len(Graph().parse(out / "graph.ttl", format="turtle")) == triples
    store = ox.Store.read_only(str(out / "store"))
    assert len(store) == triples


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("kill-in")
    papers = list(read_sample())
    return _jsonl(d / "old.jsonl", papers[:30]), _jsonl(d / "new.jsonl", papers)


def test_sigkill_at_any_moment_leaves_the_previous_output(inputs, tmp_path):
    old, new = inputs
    out = tmp_path / "out"
    assert _build(old, out).wait() == 0
    before = _snapshot(out)
    triples = sum(1 for _ in (out / "graph.nt").open(encoding="utf-8"))

    t0 = time.monotonic()  # how long a whole build of the new input takes here
    probe = tmp_path / "probe"
    assert _build(new, probe).wait() == 0
    took = time.monotonic() - t0

    swapped = 0
    for f in FRACTIONS:
        proc = _build(new, out)
        time.sleep(took * f)
        done = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)  # a no-op once the build has ended
        proc.wait()
        now = _snapshot(out)
        if now == before:
            _readable(out, triples)
        else:  # the build got to its swap before the kill: the new output, whole
            assert not done or proc.returncode == 0
            new_files = {n: _snapshot(probe)[n] for n in SAME_BYTES}
            assert {n: now[n] for n in SAME_BYTES} == new_files, f"killed at {f:.0%}: a mix of old and new files"
            swapped += 1
            before = now
            triples = sum(1 for _ in (out / "graph.nt").open(encoding="utf-8"))
            _readable(out, triples)
    assert swapped <= len(FRACTIONS) // 2  # most kills landed before the swap: kept output was tested

    assert _build(new, out).wait() == 0  # the next build cleans up the dead builds' siblings
    assert {n: _snapshot(out)[n] for n in SAME_BYTES} == {n: _snapshot(probe)[n] for n in SAME_BYTES}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
