"""The reduce's acronyms: a short form with several meanings across papers is no bridge between them."""
import random

import pytest

from kg.graph.acronyms import compatible, is_short_form, row_parts, senses
from kg.graph.canonical import Reduction, canonicalise_rows
from kg.ids import name_key
from kg.types import EntityType

M = EntityType.METHOD


def row(pid, label, *aliases, etype=M, weight=1):
    return (pid, label, etype, (label, *aliases), weight)


def entity_of(table, name):
    return table.resolve(name)


@pytest.mark.parametrize("name, short", [
    ("DA", True), ("RLHF", True), ("LoRA", True), ("LLMs", True), ("GPT-4o", True), ("3DGS", True),
    ("mT5", False), ("reinforcement", False), ("data augmentation", False), ("ABCDEFGHIJK", False),
])
def test_what_looks_like_an_acronym(name, short):
    assert is_short_form(name) is short


@pytest.mark.parametrize("a, b", [
    ("RL from Human Feedback", "Reinforcement Learning from Human Feedback"),
    ("reinforcement learning with human feedback", "RL from human feedback"),
    ("large language models", "Large Language Model"),
    ("chain of thought", "Chain-of-Thought"),
    ("model optimisation", "model optimization"),
    ("Low-Rank Adaptation", "low rank adaptation"),
])
def test_compatible_long_forms(a, b):
    assert compatible(a, b) and compatible(b, a)


@pytest.mark.parametrize("a, b", [
    ("self-supervised learning", "semi-supervised learning"),
    ("data augmentation", "domain adaptation"),
    ("contrastive learning", "continual learning"),
    ("Group Relative Policy Optimization", "Group Robust Preference Optimization"),
])
def test_incompatible_long_forms(a, b):
    assert not compatible(a, b)


def test_spelling_variants_are_no_acronym_pairs():
    keys, shorts, _ = row_parts(("GPT-4o", "GPT4o"), name_key)
    assert shorts == [] and keys == ["gpt4o", "gpt4o"]
    # a short form whose key a long form shares is a spelling, not an acronym
    assert row_parts(("MATH-500", "MATH 500"), name_key)[1] == []
    assert row_parts(("DA", "data augmentation"), name_key)[1:] == (["da"], ["data augmentation"])


def test_a_one_word_long_form_defines_an_acronym():
    assert row_parts(("TN", "ThinkNet"), name_key)[1:] == (["tn"], ["ThinkNet"])
    assert row_parts(("CoT", "chain-of-thought"), name_key)[1:] == (["cot"], ["chain-of-thought"])
    # a plural, a spelling or a kind of the thing is no definition
    assert row_parts(("NPT", "NPTs"), name_key)[1] == []
    assert row_parts(("CoT", "Long-CoT"), name_key)[1] == []
    assert row_parts(("LLaMA2-13b", "Llama-2-13B"), name_key)[1] == []


def test_one_word_long_forms_of_one_acronym_are_two_nodes():
    rows = [row("a1", "TN", "ThinkNet"), row("a2", "TN", "ThinkNet"), row("b1", "TN", "TensorNet"), row("c1", "TN")]
    table = canonicalise_rows(rows)
    think, tensor = entity_of(table, "ThinkNet"), entity_of(table, "TensorNet")
    assert think.key != tensor.key  # TN bridged them into one node
    assert entity_of(table, "TN") is think and tensor.papers == {"b1"}


def test_senses_most_defined_first():
    found = senses("da", {"data augmentation": 1, "domain adaptation": 2, "Domain-Adaptation": 1}, name_key)
    assert found == [["domainadaptation"], ["dataaugmentation"]]
    # a tie goes to the smallest key
    assert senses("t", {"b thing": 1, "a thing": 1}, name_key) == [["athing"], ["bthing"]]


def test_words_after_what_the_acronym_spells_only_say_what_kind_of_thing_it_is():
    forms = {"chain of thought": 2, "chain-of-thought prompting": 1, "CoT prompting": 1, "chain of tables": 1}
    assert senses("cot", forms, name_key) == [["chainofthought", "chainofthoughtprompting", "cotprompting"],
                                              ["chainoftables"]]
    assert len(senses("ssl", {"self-supervised learning": 1, "semi-supervised learning method": 1}, name_key)) == 2


DA_ROWS = [
    row("a1", "DA", "data augmentation"),
    row("a2", "DA", "data augmentation"),
    row("a3", "data augmentation", "DA"),
    row("b1", "DA", "domain adaptation"),
    row("c1", "DA"),  # the bare acronym
    row("d1", "domain adaptation"),
]


def test_an_acronym_with_two_meanings_is_two_nodes():
    table = canonicalise_rows(DA_ROWS)
    aug, ada = entity_of(table, "data augmentation"), entity_of(table, "domain adaptation")
    assert aug.key != ada.key
    assert ada.label == "domain adaptation"  # never the shared acronym
    assert aug.papers == {"a1", "a2", "a3", "c1"}  # the bare acronym goes to the most defined meaning
    assert ada.papers == {"b1", "d1"}
    assert entity_of(table, "DA") is aug
    assert table.resolve_entity("DA", ("domain adaptation",)) is ada
    assert table.resolve_entity("DA", ("data augmentation",)) is aug
    assert "DA" in ada.aliases  # kept as an alias
    assert len({e.key for e in table}) == len(table) == 2


def test_the_majority_decides_the_bare_acronym():
    rows = DA_ROWS + [row(f"x{i}", "DA", "domain adaptation") for i in range(3)]
    table = canonicalise_rows(rows)
    assert entity_of(table, "DA") is entity_of(table, "domain adaptation")
    assert entity_of(table, "data augmentation").label == "data augmentation"
    assert "c1" in entity_of(table, "domain adaptation").papers


def test_variants_of_one_long_form_stay_one_node():
    rows = [
        row("a", "RLHF", "reinforcement learning from human feedback"),
        row("b", "RLHF", "RL from Human Feedback"),
        row("c", "RLHF", "Reinforcement Learning with Human Feedback"),
        row("d", "RLHF"),
    ]
    table = canonicalise_rows(rows)
    assert len(table) == 1
    (ent,) = table
    assert ent.label == "RLHF" and ent.papers == {"a", "b", "c", "d"}


def test_rows_without_rival_meanings_join_as_before():
    rows = [row("a", "RL", "reinforcement learning"), row("b", "reinforcement learning"), row("c", "RL"),
            row("d", "GPT-4o", "GPT4o"), row("e", "gpt-4o")]
    table = canonicalise_rows(rows)
    assert len(table) == 2
    assert entity_of(table, "RL").papers == {"a", "b", "c"}


def _split_meanings_rows():
    rows = list(DA_ROWS)
    rows += [row("e1", "SSL", "self-supervised learning"), row("e2", "SSL", "semi-supervised learning"),
             row("e3", "SSL", "self-supervised learning"), row("e4", "SSL"), row("e5", "CL", "contrastive learning"),
             row("e6", "CL", "continual learning"), row("e7", "continual learning", "CL"), row("e8", "CL", "CLs")]
    return rows


def test_order_does_not_matter():
    rows = _split_meanings_rows()
    whole = canonicalise_rows(rows)
    rng = random.Random(3)
    for _ in range(10):
        rng.shuffle(rows)
        table = canonicalise_rows(rows)
        assert table == whole and sorted(table.by_key.items()) == sorted(whole.by_key.items())


def _by_paper(rows):
    papers = {}
    for r in rows:
        papers.setdefault(r[0], []).append(r)
    return list(papers.values())


def test_adding_rows_equals_reducing_them_all():
    per_paper = _by_paper(_split_meanings_rows())
    whole = canonicalise_rows(r for rows in per_paper for r in rows)
    rng = random.Random(5)
    plain = 0
    for _ in range(30):
        rng.shuffle(per_paper)
        cut = rng.randint(1, len(per_paper) - 1)
        red = Reduction.of(r for rows in per_paper[:cut] for r in rows)
        before = red.table()
        kept = red.entities_by_root(before)
        added = red.add(r for rows in per_paper[cut:] for r in rows)
        if not added.plain:  # the build replays every paper then
            assert added.why
            continue
        plain += 1
        table = red.updated_table(kept, added.roots)
        assert table == whole and list(table.entities) == list(whole.entities)
        assert red.table() == whole
    assert plain


def test_adding_papers_that_use_an_acronym_as_usual_stays_incremental():
    red = Reduction.of(DA_ROWS)
    added = red.add([row("n1", "DA", "data augmentation"), row("n2", "DA", "domain adaptation"), row("n3", "DA")])
    assert added.plain


def test_a_new_majority_for_an_acronym_is_not_plain():
    red = Reduction.of(DA_ROWS)
    added = red.add([row(f"n{i}", "DA", "domain adaptation") for i in range(3)])
    assert not added.plain and "acronym" in added.why


def test_a_result_names_the_meaning_its_paper_defined():
    from kg.graph.canonical import result_names
    from kg.graph.rdf import paper_triples
    from kg.types import Paper, PaperEntity, PaperExtraction, Relation, Result

    table = canonicalise_rows(DA_ROWS)
    ents = [("DA", ("domain adaptation",)), ("Office-31", ())]
    assert result_names(ents, ["Office-31", "DA", "da", "GRPO"]) == ["Office-31", "domain adaptation",
                                                                      "domain adaptation", "GRPO"]
    # where the paper's meaning is the majority's, its name resolves as the bare acronym does
    assert table.resolve(result_names([("DA", ("data augmentation",))], ["DA"])[0]) is entity_of(table, "DA")
    ex = PaperExtraction(
        Paper(id="b1", title="Adapt", abstract="Domain adaptation (DA) reaches 80.1% on ZQ-31."),
        (PaperEntity("DA", M, Relation.PROPOSES, ("domain adaptation",)),),
        (Result("DA", "domain adaptation", "accuracy", 80.1, "%"),))
    systems = {str(o) for _, p, o in paper_triples(ex, table) if str(p).endswith("#system")}
    assert systems == {str(entity_of(table, "domain adaptation").iri)}
