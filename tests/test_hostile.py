"""Hostile input: nothing lost, everything reported, output every RDF tool accepts, byte-identical
rebuilds, and --strict that leaves the previous output alone."""
import json
import shutil
import subprocess

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from kg.cli import cli
from kg.ids import entity_iri, name_key, paper_iri
from kg.text import clean_literal

GOOD = {
    "bom-1": "We fine-tune Qwen3-8B with GRPO on MATH-500.",
    "ctl": "We use DPO\x0b and PPO on GSM8K. \ud800 lone surrogate and \u202e RTL mark 🤖.",
    'a/b?c#d "q" <x> {y}': "We evaluate GPT-4o on AIME 2024.",
    "dup": "We use RLHF.",
    "big": " ".join(f"We study Method Number{i} Approach (MNA{i}) on Bench{i}-500 and more prose here."
                    for i in range(2000)) + " " + "filler text " * 14000,
}


def hostile_bytes() -> tuple[bytes, dict[int, str]]:
    """The file, and {line number: why it must be rejected}."""
    lines, bad = [], {}

    def add(obj=None, raw=None, reason=None):
        lines.append(raw if raw is not None else json.dumps(obj).encode("utf-8", "surrogatepass"))
        if reason:
            bad[len(lines)] = reason

    add(raw=b"\xef\xbb\xbf" + json.dumps({"id": "bom-1", "title": "BOM first", "abstract": GOOD["bom-1"]}).encode())
    add({"id": "ctl", "title": "Control \x01\x07 chars \u200f 🤖", "abstract": GOOD["ctl"]})
    add({"id": 'a/b?c#d "q" <x> {y}', "title": "Weird id", "abstract": GOOD['a/b?c#d "q" <x> {y}']})
    add(raw=b'{"id": "trunc", "title": "Truncated", "abs', reason="invalid JSON")
    add(raw=b"[1, 2, 3]", reason="not a JSON object")
    add({"id": "dup", "title": "Dup", "abstract": GOOD["dup"]})
    add({"id": "dup", "title": "Dup", "abstract": GOOD["dup"]})  # exact duplicate: merged quietly
    add({"id": "dup", "title": "Dup changed", "abstract": "We use DPO."}, reason="duplicate id")
    add({"id": "types", "title": 123, "abstract": ["x"]}, reason="title")
    add({"title": "No id", "abstract": "We propose FooNet, a model for images."})
    add({"id": "empty", "title": "", "abstract": ""}, reason="no title and no abstract")
    add({"id": "big", "title": "Huge", "abstract": GOOD["big"]})
    add(raw=b'{"id": "badutf", "title": "\xff\xfe bad", "abstract": "x"}', reason="UTF-8")
    return b"\r\n".join(lines) + b"\r\n", bad


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    data, bad = hostile_bytes()
    (d / "hostile.jsonl").write_bytes(data)
    res = CliRunner().invoke(cli, ["build", str(d / "hostile.jsonl"), "-o", str(d / "out"), "--formats", "nt,ttl,csv"])
    assert res.exit_code == 0, res.output
    return d, bad


def test_every_good_record_is_in_the_graph(hostile_build):
    d, _ = hostile_build
    g = Graph().parse(d / "out" / "graph.nt", format="nt")
    ids = {str(o) for o in g.objects(None, __import__("rdflib").namespace.DCTERMS.identifier)}
    assert set(GOOD) <= ids
    assert any(i.startswith("p-") for i in ids)  # the record without an id got a content id


def test_every_bad_line_is_rejected_with_its_number_and_reason(hostile_build):
    d, bad = hostile_build
    rejects = [json.loads(l) for l in (d / "out" / "rejects.jsonl").read_text().splitlines()]
    assert {r["line"] for r in rejects} == set(bad)
    for r in rejects:
        assert bad[r["line"]].lower() in r["reason"].lower(), r
        assert r["source"].endswith("hostile.jsonl")


@pytest.mark.skipif(shutil.which("rapper") is None, reason="Raptor (raptor2-utils) not installed")
@pytest.mark.parametrize("name,fmt,oxfmt", [("graph.nt", "ntriples", ox.RdfFormat.N_TRIPLES),
                                             ("graph.ttl", "turtle", ox.RdfFormat.TURTLE)])
def test_raptor_and_oxigraph_read_the_same_triples(hostile_build, name, fmt, oxfmt):
    d, _ = hostile_build
    path = d / "out" / name
    p = subprocess.run(["rapper", "-i", fmt, "-c", str(path)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "warning" not in p.stderr.lower() and "error" not in p.stderr.lower(), p.stderr
    n_rapper = int(p.stderr.split("returned")[1].split()[0])
    n_ox = sum(1 for _ in ox.parse(path=str(path), format=oxfmt))
    assert n_rapper == n_ox > 0


def test_two_builds_are_byte_identical(hostile_build, tmp_path):
    d, _ = hostile_build
    res = CliRunner().invoke(cli, ["build", str(d / "hostile.jsonl"), "-o", str(tmp_path), "--formats", "nt,ttl,csv"])
    assert res.exit_code == 0
    for name in ("graph.nt", "graph.ttl", "entities.csv"):
        assert (tmp_path / name).read_bytes() == (d / "out" / name).read_bytes(), name


def test_strict_exits_2_and_leaves_previous_output(hostile_build, tmp_path):
    d, _ = hostile_build
    out = tmp_path / "out"
    shutil.copytree(d / "out", out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    res = CliRunner().invoke(cli, ["build", str(d / "hostile.jsonl"), "-o", str(out), "--strict"])
    assert res.exit_code == 2
    assert ":4:" in res.output and "Traceback" not in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


names = st.text(min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(pid=names, label=names)
def test_any_id_and_name_round_trip_through_parsers(pid, label):
    g = Graph()
    p = paper_iri(pid)
    e = entity_iri(name_key(label) or "x", label)
    g.add((p, RDFS.label, Literal(clean_literal(pid))))
    g.add((e, RDFS.label, Literal(clean_literal(label))))
    for fmt, oxfmt in (("nt", ox.RdfFormat.N_TRIPLES), ("turtle", ox.RdfFormat.TURTLE)):
        text = g.serialize(format=fmt, encoding="utf-8")
        back = Graph().parse(data=text, format=fmt)
        assert len(back) == 2
        assert {str(o) for o in back.objects(p, RDFS.label)} == {clean_literal(pid)}
        assert len(list(ox.parse(text, format=oxfmt))) == 2
