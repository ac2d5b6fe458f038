"""The RDF contract, canonical merging across papers, and the NetworkX twin."""
import inspect
import re

import pyoxigraph as ox
import pytest
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.builder import build
from kg.graph.canonical import canonicalise, family_key
from kg.graph.model import KnowledgeGraph
from kg.graph.rdf import paper_edges
from kg.ids import entity_iri, name_key, paper_iri
from kg.namespaces import KG, OA
from kg.types import (RELATION_CUES, TYPE_WEIGHT_CUE, Cue, EntityType, Mention, Paper, PaperEntity, PaperExtraction,
                      Relation)

TYPES = {KG.Method, KG.Model, KG.Dataset, KG.Benchmark}
RELS = {KG.proposes, KG.uses, KG.evaluatesOn, KG.comparesWith, KG.mentions}

PAPERS = [
    Paper("p1", "LoopFix: Fixing Loops", "We propose LoopFix, a framework that fine-tunes Qwen3-8B with GRPO. "
          "LoopFix improves accuracy on MATH500 and outperforms LLaMA2-13b."),
    Paper("p2", "A study of reasoning", "We evaluate Llama-2-13B and Qwen3-8B on MATH-500 and GSM8K."),
]


@pytest.fixture(scope="module")
def graph(nlp_small):
    return build(PAPERS, nlp=nlp_small)


def _ent(g, label):
    for s in g.rdf.subjects(RDFS.label, None):
        if any(str(o) == label for o in g.rdf.objects(s, RDFS.label)):
            return s
    raise AssertionError(f"no entity labelled {label}")


def test_papers_have_identifier_and_title(graph):
    g = graph.rdf
    papers = set(g.subjects(RDF.type, KG.Paper))
    assert {str(g.value(p, DCTERMS.identifier)) for p in papers} == {"p1", "p2"}
    assert all(g.value(p, DCTERMS.title) for p in papers)
    assert all(g.value(p, DCTERMS.abstract) for p in papers)


def test_every_entity_has_exactly_one_type_and_a_label(graph):
    g = graph.rdf
    ents = {o for p in g.subjects(RDF.type, KG.Paper) for r in RELS for o in g.objects(p, r)}
    assert ents
    for e in ents:
        assert len(set(g.objects(e, RDF.type)) & TYPES) == 1
        assert len(list(g.objects(e, RDFS.label))) == 1


def test_one_relation_per_paper_entity_pair(graph):
    g = graph.rdf
    for p in g.subjects(RDF.type, KG.Paper):
        seen = {}
        for r in RELS:
            for e in g.objects(p, r):
                assert e not in seen, f"{e} has {seen.get(e)} and {r}"
                seen[e] = r


def test_spelling_variants_across_papers_are_one_node(graph):
    g = graph.rdf
    math = _ent(graph, "MATH-500")
    assert {str(a) for a in g.objects(math, SKOS.altLabel)} >= {"MATH500"}
    llama = _ent(graph, "Llama-2-13B")
    assert "LLaMA2-13b" in {str(a) for a in g.objects(llama, SKOS.altLabel)}
    papers_linking = {p for p in g.subjects(None, llama) if (p, RDF.type, KG.Paper) in g}
    assert len(papers_linking) == 2


def test_variant_of_links_checkpoint_to_family():
    ex = [PaperExtraction(Paper("a", "t", "x"), (
        PaperEntity("Qwen3", EntityType.MODEL, Relation.USES),
        PaperEntity("Qwen3-8B", EntityType.MODEL, Relation.USES)))]
    table = canonicalise(ex)
    assert table.resolve("Qwen3-8B").family == name_key("Qwen3")
    assert table.resolve("Qwen3").family is None
    assert family_key("Qwen3-8B") == "qwen3" and family_key("GRPO") is None


def test_majority_label_and_type_across_papers():
    def ex(pid, label, t):
        return PaperExtraction(Paper(pid, "t", "x"), (PaperEntity(label, t, Relation.USES),))
    table = canonicalise([ex("a", "GSM8K", EntityType.BENCHMARK), ex("b", "GSM8k", EntityType.BENCHMARK),
                          ex("c", "GSM8K", EntityType.DATASET)])
    (e,) = list(table)
    assert e.label == "GSM8K" and e.type is EntityType.BENCHMARK and e.aliases == ("GSM8k",)


def test_acronym_and_long_form_in_different_papers_join():
    a = PaperExtraction(Paper("a", "t", "x"), (PaperEntity("DPO", EntityType.METHOD, Relation.USES,
                                                           aliases=("Direct Preference Optimization",)),))
    b = PaperExtraction(Paper("b", "t", "x"), (PaperEntity("Direct Preference Optimization", EntityType.METHOD,
                                                           Relation.COMPARES_WITH),))
    assert len(canonicalise([a, b])) == 1


def test_networkx_has_the_same_nodes_and_edges_as_rdf(graph):
    g, nxg = graph.rdf, graph.nx
    rdf_edges = {(str(p), str(r).split("#")[1], str(e)) for r in RELS for p, e in g.subject_objects(r)}
    nx_edges = {(u, d["relation"], v) for u, v, d in nxg.edges(data=True) if d["relation"] in
                {"proposes", "uses", "evaluatesOn", "comparesWith", "mentions"}}
    assert rdf_edges == nx_edges
    kinds = {d["kind"] for _, d in nxg.nodes(data=True)}
    assert {"Paper", "Model", "Method", "Benchmark"} <= kinds


def test_evidence_points_at_the_mention(graph):
    g = graph.rdf
    texts = {str(p): PAPERS[i].text for i, p in enumerate([paper_iri("p1"), paper_iri("p2")])}
    evs = list(g.subjects(RDF.type, KG.Evidence))
    assert evs
    for ev in evs:
        tgt = g.value(ev, OA.hasTarget)
        src = str(g.value(tgt, OA.hasSource))
        sels = list(g.objects(tgt, OA.hasSelector))
        pos = next(s for s in sels if (s, RDF.type, OA.TextPositionSelector) in g)
        quote = next(s for s in sels if (s, RDF.type, OA.TextQuoteSelector) in g)
        start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))
        assert texts[src][start:end] == str(g.value(quote, OA.exact))


def test_one_evidence_per_edge_supporting_its_relation(graph):
    g = graph.rdf
    edges = [(p, r, e) for r in RELS for p, e in g.subject_objects(r) if (p, RDF.type, KG.Paper) in g]
    evidence = [(g.value(g.value(ev, OA.hasTarget), OA.hasSource), g.value(ev, KG.supports), g.value(ev, OA.hasBody))
                for ev in g.subjects(RDF.type, KG.Evidence)]
    assert edges and sorted(evidence) == sorted(edges)


def test_evidence_quotes_the_sentence_that_decided_the_relation(graph):
    # LoopFix is the title's name, then "We propose LoopFix, ...", then "LoopFix improves ...":
    # the title and the second sentence both make it proposed, the second says so
    g = graph.rdf
    (ev,) = g.subjects(OA.hasBody, _ent(graph, "LoopFix"))
    assert g.value(ev, KG.supports) == KG.proposes
    assert str(g.value(ev, KG.sentence)).startswith("We propose LoopFix, a framework")
    # and every edge quotes a mention whose own cue gave the edge's relation
    for ex in graph.extractions:
        for _, rel, m, _ in paper_edges(ex, graph.table):
            assert m.cue in RELATION_CUES[rel], (ex.paper.id, rel, m)


def test_networkx_shows_the_rdf_evidence_first(graph):
    # edges.csv, GraphML and Neo4j keep one sentence per edge: the same one in every export
    g = graph.rdf
    for ev in g.subjects(RDF.type, KG.Evidence):
        paper = g.value(g.value(ev, OA.hasTarget), OA.hasSource)
        rel = str(g.value(ev, KG.supports)).split("#")[1]
        shown = graph.nx.edges[str(paper), str(g.value(ev, OA.hasBody)), rel]["evidence"]
        assert shown[0]["sentence"] == str(g.value(ev, KG.sentence))
    loopfix = graph.nx.edges[str(paper_iri("p1")), str(_ent(graph, "LoopFix")), "proposes"]["evidence"]
    assert [e["start"] for e in loopfix] == [11, 0, 0]  # "We propose LoopFix", then the title, "LoopFix improves"


def test_evidence_cues_are_the_cues_extraction_gives():
    from kg.nlp.extract import _mention_relation

    source = inspect.getsource(_mention_relation)
    given = {(Relation[rel], getattr(Cue, cue)) for rel, cue in re.findall(r"Relation\.(\w+), Cue\.(\w+)", source)}
    assert len(given) > 5, "the pattern no longer reads _mention_relation's returns"
    assert not re.search(r'Relation\.\w+, ["\']', source), "a cue written as a string, not a Cue"
    assert given == {(rel, cue) for rel, cues in RELATION_CUES.items() for cue in cues}


def _m(start, cue=None):
    return Mention("x", start, start + 1, start, start + 1, cue)


def _edge(*entities):
    ex = PaperExtraction(Paper("a", "t", "x"), entities)
    (edge,) = paper_edges(ex, canonicalise([ex]))
    return edge


def test_evidence_prefers_a_stated_cue_then_the_first():
    ent = PaperEntity("X", EntityType.METHOD, Relation.PROPOSES,
                      mentions=(_m(40, "we propose"), _m(0, "title name"), _m(9, "background"), _m(20, "we propose")))
    _, _, ev, mentions = _edge(ent)
    assert ev.start == 20 and [m.start for m in mentions] == [0, 9, 20, 40]
    # no mention's cue gives the relation (records written by hand): the first mention
    ent = PaperEntity("X", EntityType.METHOD, Relation.USES, mentions=(_m(20, "background"), _m(3)))
    assert _edge(ent)[2].start == 3
    assert _edge(PaperEntity("X", EntityType.METHOD, Relation.USES))[2] is None


def test_merged_entities_take_the_evidence_of_the_kept_relation():
    def merged(short_mentions, long_mentions):
        return _edge(PaperEntity("DPO", EntityType.METHOD, Relation.USES, aliases=("Direct Preference Optimization",),
                                 mentions=short_mentions),
                     PaperEntity("Direct Preference Optimization", EntityType.METHOD, Relation.PROPOSES,
                                 mentions=long_mentions))

    _, rel, ev, mentions = merged((_m(5, "used"),), (_m(0, "title name"), _m(30, "we propose")))
    assert rel is Relation.PROPOSES and ev.start == 30 and len(mentions) == 3
    # without cues: the first mention of the entity that holds the kept relation
    _, rel, ev, _ = merged((_m(5),), (_m(30), _m(50)))
    assert rel is Relation.PROPOSES and ev.start == 30


def test_turtle_parses_in_an_independent_parser(graph):
    ttl = graph.rdf.serialize(format="turtle")
    triples = list(ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(graph.rdf)


def test_iris_are_valid_for_hostile_ids():
    for pid in ["a b", "x/y?z#w", '"quoted"', "ünïcode", "<>{}|\\^`"]:
        iri = str(paper_iri(pid))
        assert not any(c in iri for c in ' <>"{}|\\^`')
    assert " " not in str(entity_iri("foo", "Foo Bar"))


def test_empty_graph():
    g = KnowledgeGraph.from_extractions([])
    assert len(g.rdf) == 0 and g.nx.number_of_nodes() == 0 and list(g.entities.columns)[:3] == ["iri", "type", "label"]


def test_a_type_the_text_states_outvotes_types_guessed_from_the_name():
    """One paper defines NPT as a model ("Non-Parametric Transformers (NPTs)"); three others only use
    the acronym, which the rules type Method by default. The node is a Model."""
    def ex(pid, etype, weight):
        return PaperExtraction(Paper(pid, "t", "x"), (PaperEntity("NPT", etype, Relation.USES, type_weight=weight),))

    table = canonicalise([ex("a", EntityType.MODEL, TYPE_WEIGHT_CUE)]
                         + [ex(p, EntityType.METHOD, 1) for p in "bcd"])
    assert table.entities[name_key("NPT")].type is EntityType.MODEL
    # ...while equal weights still go by the number of papers
    table = canonicalise([ex("a", EntityType.MODEL, 1)] + [ex(p, EntityType.METHOD, 1) for p in "bcd"])
    assert table.entities[name_key("NPT")].type is EntityType.METHOD
