"""Reported results (kg.nlp.results): each rule family on sentences written for the test.

Most tests call the pure `sentence_results` on a tokenised sentence whose entity mentions are
given by name; a few run the whole pipeline (small vocabulary) to check the wiring.
"""
import pytest
import spacy

from kg.nlp.results import Mention, numbers, sentence_results
from kg.types import EntityType, PaperEntity, Relation

B, D, ME, MO = EntityType.BENCHMARK, EntityType.DATASET, EntityType.METHOD, EntityType.MODEL
P, E, C, U = Relation.PROPOSES, Relation.EVALUATES_ON, Relation.COMPARES_WITH, Relation.USES

_tok = spacy.blank("en").tokenizer
OURS = PaperEntity("ZetaTune", ME, P)


def run(sentence: str, names: dict, proposed=OURS, own_bench=None):
    """Results of one sentence; `names` maps each entity surface to (type, relation)."""
    words = [t.text for t in _tok(sentence)]
    ents = {n: PaperEntity(n, t, r) for n, (t, r) in names.items()}
    if proposed is not None:
        ents.setdefault(proposed.label, proposed)
    mentions = []
    for name, ent in ents.items():
        parts = [t.text for t in _tok(name)]
        for i in range(len(words) - len(parts) + 1):
            if words[i:i + len(parts)] == parts:
                mentions.append(Mention(i, i + len(parts), ent))
    mentions.sort(key=lambda m: m.start)
    return sentence_results(words, mentions, proposed, own_bench)


def vals(sentence, names, **kw):
    return [(s, b, v) for s, b, _, v, _ in run(sentence, names, **kw)]


BENCHES = {"FooBench": (B, E), "BarQA": (B, E), "BazEval": (B, E), "QuxSet": (D, E)}


# ---------------------------------------------------------------- number and unit grammar


@pytest.mark.parametrize("text,value,unit", [
    ("ZetaTune reaches 71.5% on FooBench.", 71.5, "%"),
    ("ZetaTune reaches 71.5 % on FooBench.", 71.5, "%"),
    ("ZetaTune gains 2.5 points on FooBench.", 2.5, "points"),
    ("ZetaTune gains 3.1 pp on FooBench.", 3.1, "pp"),
    ("ZetaTune gains 3.1 percentage points on FooBench.", 3.1, "pp"),
    ("ZetaTune improves accuracy by 0.09 AUROC on FooBench.", 0.09, "AUROC"),
    ("ZetaTune achieves a 2.5x improvement on FooBench.", 2.5, "x"),
    ("ZetaTune achieves a 2.5 x gain on FooBench.", 2.5, "x"),
])
def test_units(text, value, unit):
    r = run(text, BENCHES)
    assert [(x[3], x[4]) for x in r] == [(value, unit)]


def test_latex_percent_is_a_percent():
    assert [(x[3], x[4]) for x in run(r"ZetaTune reaches 34.0\% on FooBench.", BENCHES)] == [(34.0, "%")]


def test_bare_decimal_needs_a_score_cue():
    assert vals("ZetaTune achieves 72.1 on FooBench.", BENCHES) == [("ZetaTune", "FooBench", 72.1)]
    assert vals("ZetaTune uses 0.7 on FooBench.", BENCHES) == []


def test_metric_of_number():
    r = run("ZetaTune achieves an accuracy of 34.0% on FooBench.", BENCHES)
    assert [(x[2], x[3]) for x in r] == [("accuracy", 34.0)]


@pytest.mark.parametrize("text,metric", [
    ("ZetaTune reaches 71.5% accuracy on FooBench.", "accuracy"),
    ("ZetaTune reaches a pass@1 of 45.2% on FooBench.", "pass@1"),
    ("ZetaTune reaches a 63.0% win rate on FooBench.", "win rate"),
    ("ZetaTune reaches a 63.0% success rate on FooBench.", "success rate"),
    ("ZetaTune reaches 81.2 F1 on FooBench.", "F1"),
    ("ZetaTune reaches 71.5% on FooBench.", "score"),
])
def test_metric_words_near_the_number(text, metric):
    assert [x[2].lower() for x in run(text, BENCHES)] == [metric.lower()]


# ---------------------------------------------------------------- noise


@pytest.mark.parametrize("text", [
    "We train a 7B model on FooBench for 3 epochs.",                     # sizes, counts
    "ZetaTune uses 32k tokens of context on FooBench.",
    "FooBench has 500 questions collected in 2023.",                     # counts, years
    "ZetaTune reduces tokens by 30% on average.",                         # no benchmark
    "ZetaTune is trained on only 10% of the data from QuxSet.",           # a share of data
    "ZetaTune reaches between 40% and 60% on FooBench.",                  # a range
    "ZetaTune reaches 40% to 60% on FooBench.",
    "ZetaTune reaches 35.4% - 61.1% on FooBench.",
    "ZetaTune is 3x faster on FooBench.",                                 # a speed-up, no metric
    "ZetaTune produces 50% smaller models on FooBench.",
    "ZetaTune is within 3.9 points of the teacher on FooBench.",
    "Results differ by 20% on FooBench.",                                 # no kind of number
    "Scores (1) on FooBench and [12] on BarQA are reported.",
])
def test_noise_is_not_a_result(text):
    assert run(text, BENCHES) == []


def test_number_inside_a_name_is_not_a_value():
    names = {**BENCHES, "Qwen3-8B": (MO, U)}
    assert vals("Qwen3-8B reaches 71.5% on FooBench.", names) == [("Qwen3-8B", "FooBench", 71.5)]
    words = [t.text for t in _tok("Qwen3-8B reaches 71.5% on FooBench.")]
    assert [n.value for n in numbers(words, [w.lower() for w in words], {0})] == [71.5]


def test_baseline_number_after_compared_to_is_not_ours():
    r = vals("ZetaTune reaches 66.5% on FooBench compared to a prior accuracy of 63.2%.", BENCHES)
    assert r == [("ZetaTune", "FooBench", 66.5)]


def test_reduction_without_benchmark_link_is_dropped_but_with_one_is_kept():
    assert run("ZetaTune reduces latency by 40% while keeping accuracy on FooBench.", BENCHES) == []
    r = run("ZetaTune reduces token usage by up to 40% across FooBench and BarQA.", BENCHES)
    assert [(b, m, v) for _, b, m, v, _ in r] == [("FooBench", "token usage reduction", 40.0),
                                                  ("BarQA", "token usage reduction", 40.0)]


def test_benchmark_named_like_a_metric_is_not_a_benchmark():
    names = {"Harmony Score": (B, E), "Qwen3": (MO, U)}
    assert run("Qwen3 achieved the highest Harmony Score at 90.5%.", names) == []


# ---------------------------------------------------------------- number -> benchmark


def test_number_on_benchmark():
    assert vals("ZetaTune reaches 71.5% on FooBench and is fast.", BENCHES) == [("ZetaTune", "FooBench", 71.5)]


def test_benchmark_then_parenthesised_number():
    assert vals("ZetaTune does well on FooBench (71.5%) overall.", BENCHES) == [("ZetaTune", "FooBench", 71.5)]


def test_on_benchmark_comma_then_number():
    assert vals("On FooBench, our method reaches 71.5% accuracy.", BENCHES) == [("ZetaTune", "FooBench", 71.5)]


def test_training_data_before_the_number_is_not_the_benchmark():
    names = {"QuxSet": (D, U)}
    assert run("Trained on QuxSet, our method improves accuracy by 5%.", names) == []


def test_one_number_over_a_list_of_benchmarks():
    r = vals("ZetaTune gains 80% accuracy across FooBench, BarQA and BazEval.", BENCHES)
    assert [b for _, b, _ in r] == ["FooBench", "BarQA", "BazEval"]
    assert {v for _, _, v in r} == {80.0}


def test_parallel_lists_with_respectively():
    r = vals("ZetaTune achieves 72.1 and 65.3 on FooBench and BarQA respectively.", BENCHES)
    assert r == [("ZetaTune", "FooBench", 72.1), ("ZetaTune", "BarQA", 65.3)]


def test_parallel_lists_benchmarks_first():
    r = run("On FooBench, BarQA and BazEval it shows 2.08%, 2.23% and 3.99% improvements over GRPO.",
            {**BENCHES, "GRPO": (ME, C)})
    assert [(b, m, v) for _, b, m, v, _ in r] == [("FooBench", "improvement", 2.08), ("BarQA", "improvement", 2.23),
                                                  ("BazEval", "improvement", 3.99)]


def test_signed_list_before_benchmarks():
    r = run("ZetaTune boosts accuracy by +9.8%, +5.7% and +11.4% on FooBench, BarQA and BazEval.", BENCHES)
    assert [(b, m, v) for _, b, m, v, _ in r] == [("FooBench", "improvement", 9.8), ("BarQA", "improvement", 5.7),
                                                  ("BazEval", "improvement", 11.4)]


def test_earlier_number_keeps_its_benchmark():
    r = vals("ZetaTune gains 5.1% accuracy on FooBench, 2.4% on the hard split, and more.", BENCHES)
    assert r == [("ZetaTune", "FooBench", 5.1)]


# ---------------------------------------------------------------- kinds


def test_improves_by_is_an_improvement():
    r = run("ZetaTune outperforms GRPO by 8% on FooBench.", {**BENCHES, "GRPO": (ME, C)})
    assert [(s, b, m, v) for s, b, m, v, _ in r] == [("ZetaTune", "FooBench", "improvement", 8.0)]


def test_gain_of_is_an_improvement():
    r = run("ZetaTune obtains an absolute improvement of 19.5% on FooBench.", BENCHES)
    assert [(m, v) for _, _, m, v, _ in r] == [("improvement", 19.5)]


def test_from_a_to_b_reports_b_as_a_score():
    r = run("ZetaTune raises accuracy from 50% to 71% on FooBench.", BENCHES)
    assert [(m, v) for _, _, m, v, _ in r] == [("accuracy", 71.0)]


def test_from_a_to_b_for_a_named_system():
    names = {**BENCHES, "GPT-4o": (MO, U)}
    r = vals("Our prompts raise accuracy on FooBench (e.g., from 15.3% to 94.7% for GPT-4o).", names)
    assert r == [("GPT-4o", "FooBench", 94.7)]


# ---------------------------------------------------------------- subject


def test_subject_is_proposed_system_by_default():
    assert vals("Our method achieves 71.5% on FooBench.", BENCHES) == [("ZetaTune", "FooBench", 71.5)]
    assert vals("It achieves 71.5% on FooBench.", BENCHES) == [("ZetaTune", "FooBench", 71.5)]


def test_grammatical_subject_system_wins():
    names = {**BENCHES, "GPT-4o": (MO, U), "Llama-3": (MO, U)}
    r = vals("On FooBench, GPT-4o scores 61.0%, while Llama-3 reaches 40.5%.", names)
    assert r == [("GPT-4o", "FooBench", 61.0)]
    r = vals("GPT-4o reaches 61.0% on FooBench, while Llama-3 reaches 40.5% on BarQA.", names)
    assert r == [("GPT-4o", "FooBench", 61.0), ("Llama-3", "BarQA", 40.5)]


def test_baseline_as_subject_reports_its_own_score():
    names = {**BENCHES, "GRPO": (ME, C)}
    assert vals("GRPO reaches 40.0% on FooBench.", names) == [("GRPO", "FooBench", 40.0)]


def test_improvement_of_a_base_model_with_our_method_is_ours():
    names = {**BENCHES, "Llama-3": (MO, U)}
    r = vals("With ZetaTune, Llama-3 improves accuracy by 4.2% on FooBench.", names)
    assert r == [("ZetaTune", "FooBench", 4.2)]
    r = vals("ZetaTune-tuned Llama-3 improves accuracy by 4.2% on FooBench.", {**names, "ZetaTune-tuned": (ME, U)})
    assert r == [("ZetaTune", "FooBench", 4.2)]


def test_our_base_model_is_not_the_subject():
    names = {**BENCHES, "RL": (ME, U)}
    assert vals("Our RL model achieves 34.0% on FooBench.", names, proposed=None) == []


def test_other_subjects_report_nothing():
    assert run("Human experts reach 90% on FooBench.", BENCHES) == []
    assert run("Prior methods reach 60% on FooBench.", BENCHES) == []


def test_no_system_no_result():
    assert run("The method reaches 71.5% on FooBench.", BENCHES, proposed=None) == []


def test_benchmark_paper_scores_go_to_its_benchmark():
    own = PaperEntity("TrapBench", B, P)
    names = {"GPT-4o": (MO, U), "Llama-3": (MO, U)}
    r = run("Models fail often, with an average 76% failure rate: GPT-4o shows the highest (90%), "
            "while Llama-3 is safer (40%).", names, proposed=None, own_bench=own)
    assert [(s, b, m, v) for s, b, m, v, _ in r] == [("GPT-4o", "TrapBench", "failure rate", 90.0),
                                                     ("Llama-3", "TrapBench", "failure rate", 40.0)]
    # without a named system, nothing
    assert run("The average failure rate is 76%.", names, proposed=None, own_bench=own) == []


# ---------------------------------------------------------------- the pipeline


def test_pipeline_results_with_offsets(nlp_small):
    from kg.nlp.extract import extract
    from kg.types import Paper

    p = Paper("x", "", "We propose LoopFix, a new training method. On MATH-500 and GSM8K, LoopFix reaches 71.5% and 80.2% accuracy, "
                       "respectively. We train a 7B model for 3 epochs in 2024.")
    ex = next(extract([p], nlp_small))
    got = [(r.subject, r.benchmark, r.metric, r.value, r.unit) for r in ex.results]
    assert got == [("LoopFix", "MATH-500", "accuracy", 71.5, "%"), ("LoopFix", "GSM8K", "accuracy", 80.2, "%")]
    r = ex.results[0]
    assert p.text[r.sentence_start:r.sentence_end].startswith("On MATH-500")


def test_pipeline_without_numbers_reports_nothing(nlp_small):
    from kg.nlp.extract import extract
    from kg.types import Paper

    ex = next(extract([Paper("x", "", "We propose LoopFix and evaluate it on MATH-500.")], nlp_small))
    assert ex.results == ()
