"""`kg validate`: builds conform to ontology/shapes.ttl; broken graphs fail and name the shape."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from kg.cli import cli
from kg.namespaces import KG, KGR
from kg.resources import ontology_file
from kg.validate import load_graph, validate
from kg_fixture import build_dir, knowledge_graph


@pytest.fixture(scope="module")
def pipeline_build(tmp_path_factory, nlp_small):
    """A build of a few abstracts written for this test, through the real extraction pipeline."""
    from kg.builder import build
    from kg.export import write_outputs
    from kg.types import Paper

    papers = [
        Paper("v1", "FooBar: search for math", "We propose FooBar, a framework for math reasoning. We fine-tune "
              "Qwen3-8B with GRPO and evaluate on MATH-500, where FooBar reaches 71.2% accuracy."),
        Paper("v2", "Prompting at scale", "We study chain-of-thought (CoT) prompting for Qwen3-8B on GSM8K and "
              "MATH-500, and compare it with reinforcement learning."),
        Paper("v3", "Vision too", "We train on ImageNet and compare with Llama-2-13B."),
    ]
    g = build(papers, nlp=nlp_small)
    out = tmp_path_factory.mktemp("pipeline") / "build"
    write_outputs(g, out, ["nt", "ttl", "jsonld", "store"])
    return out


def test_a_pipeline_build_conforms(pipeline_build):
    report = validate(pipeline_build)
    assert report.conforms, report.summary()
    assert report.triples > 50
    r = CliRunner().invoke(cli, ["validate", str(pipeline_build)])
    assert r.exit_code == 0 and r.output.startswith("conforms:")


@pytest.mark.parametrize("name", ["graph.nt", "graph.ttl", "graph.jsonld"])
def test_each_graph_file_conforms(pipeline_build, name):
    assert validate(pipeline_build / name).conforms


def test_a_folder_with_only_a_store_conforms(pipeline_build, tmp_path):
    import shutil

    shutil.copytree(pipeline_build / "store", tmp_path / "store")
    report = validate(tmp_path)
    assert report.conforms and report.triples == len(load_graph(pipeline_build / "graph.nt"))


def test_the_fixture_conforms():
    assert validate(build_dir()).conforms


P1, P2, P3 = KGR["paper/p1"], KGR["paper/p2"], KGR["paper/p3"]
GRPO, RES = KGR["entity/GRPO"], KGR["result/p1/1"]


def _two_types(g):
    g.add((GRPO, RDF.type, KG.Model))


def _no_title(g):
    g.remove((P2, DCTERMS.title, None))


def _no_identifier(g):
    g.remove((P3, DCTERMS.identifier, None))


def _text_value(g):
    g.set((RES, KG.value, Literal("high")))


def _ill_typed_value(g):
    g.set((RES, KG.value, Literal("7,5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))


def _untyped_target(g):
    g.add((P1, KG.uses, KGR["entity/Nowhere"]))


def _two_labels(g):
    g.add((GRPO, RDFS.label, Literal("Group Relative Policy Optimization")))


def _orphan_result(g):
    g.remove((P1, KG.reportsResult, RES))


@pytest.mark.parametrize("breakage, shape, focus", [
    (_two_types, "kgsh:EntityShape / type", GRPO),
    (_no_title, "kgsh:PaperShape / title", P2),
    (_no_identifier, "kgsh:PaperShape / identifier", P3),
    (_text_value, "kgsh:ResultShape / value", RES),
    (_ill_typed_value, "kgsh:ResultShape / value", RES),
    (_untyped_target, "kgsh:EntityShape / type", KGR["entity/Nowhere"]),
    (_two_labels, "kgsh:EntityShape / label", GRPO),
    (_orphan_result, "kgsh:ResultShape / reported by", RES),
])
def test_a_broken_graph_fails_naming_the_shape(breakage, shape, focus):
    g = knowledge_graph().rdf
    g = Graph().parse(data=g.serialize(format="nt"), format="nt")  # a copy: the fixture stays whole
    breakage(g)
    report = validate(g)
    assert not report.conforms
    assert (shape, f"<{focus}>") in {(v.shape, v.focus) for v in report.violations}, report.summary()
    assert shape in report.summary()


def test_cli_exits_1_with_a_readable_report(tmp_path):
    g = Graph().parse(data=knowledge_graph().rdf.serialize(format="nt"), format="nt")
    _no_identifier(g)
    _text_value(g)
    path = tmp_path / "broken.ttl"
    g.serialize(path, format="turtle")
    r = CliRunner().invoke(cli, ["validate", str(path)])
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[0].startswith("does not conform: 2 violation(s)")
    assert "Violation: kgsh:PaperShape / identifier: <https://w3id.org/paper-kg/id/paper/p3>: " \
           "a paper needs exactly one non-empty string dcterms:identifier" in lines
    assert any("kgsh:ResultShape / value" in line and "(value: 'high')" in line for line in lines)


@pytest.mark.parametrize("name, message", [("nope", "no such file or folder"), ("x.csv", "cannot tell the RDF format")])
def test_cli_bad_path_is_exit_2(tmp_path, name, message):
    (tmp_path / "x.csv").write_text("a,b\n")
    r = CliRunner().invoke(cli, ["validate", str(tmp_path / name)])
    assert r.exit_code == 2 and message in r.output


# ---------------------------------------------------------------- the ontology itself


def test_every_kg_term_a_build_uses_is_declared_and_documented(pipeline_build):
    onto = Graph().parse(ontology_file("kg.ttl"))
    used = set()
    for path in (pipeline_build / "graph.nt", build_dir() / "graph.nt"):
        for s, p, o in Graph().parse(path):
            used |= {t for t in (p, o if p == RDF.type else None) if t is not None and str(t).startswith(str(KG))}
    assert used
    for term in sorted(used):
        assert (term, RDF.type, None) in onto, f"{term} is used but not declared in kg.ttl"
        assert onto.value(term, RDFS.label) and onto.value(term, RDFS.comment), f"{term} lacks a label or comment"


def test_every_declared_property_has_domain_and_range():
    onto = Graph().parse(ontology_file("kg.ttl"))
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in onto.subjects(RDF.type, kind):
            assert onto.value(prop, RDFS.domain) is not None, prop
            assert onto.value(prop, RDFS.range) is not None, prop


def test_shapes_file_parses_and_every_shape_is_labelled():
    from rdflib.namespace import SH

    shapes = Graph().parse(ontology_file("shapes.ttl"))
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 4
    for s in node_shapes:
        assert shapes.value(s, RDFS.label), s
        for ps in shapes.objects(s, SH.property):
            assert shapes.value(ps, SH.name) and shapes.value(ps, SH.message), (s, ps)
