from kg.nlp import rules
from kg.types import EntityType


def test_abbreviation_long_then_short():
    abbs = rules.find_abbreviations("We use Group Relative Policy Optimization (GRPO) here.")
    assert [(a.short, a.long) for a in abbs] == [("GRPO", "Group Relative Policy Optimization")]


def test_abbreviation_short_then_long():
    abbs = rules.find_abbreviations("We use GRPO (Group Relative Policy Optimization) here.")
    assert [(a.short, a.long) for a in abbs] == [("GRPO", "Group Relative Policy Optimization")]


def test_abbreviation_with_hyphen_and_camel_case():
    text = "We propose Automatic Curriculum Expert Iteration (Auto-CEI) and Thought Manipulation (ThoughtMani)."
    pairs = {a.short: a.long for a in rules.find_abbreviations(text)}
    assert pairs == {"Auto-CEI": "Automatic Curriculum Expert Iteration", "ThoughtMani": "Thought Manipulation"}


def test_abbreviation_does_not_cross_sentence():
    abbs = rules.find_abbreviations("Models fail. Policy Optimization (PO) helps.")
    assert [a.long for a in abbs] == ["Policy Optimization"]


def test_abbreviation_does_not_cross_a_line():
    abbs = rules.find_abbreviations("Aligning Language Models\n\nReinforcement Learning (RL) helps.")
    assert [a.long for a in abbs] == ["Reinforcement Learning"]


def test_abbreviation_does_not_reach_back_past_we_propose():
    abbs = rules.find_abbreviations("In this work, we propose Zorblat (ZXQ), a prompting method.")
    assert abbs == []
    abbs = rules.find_abbreviations("In this work, we propose Zorb Exclusion Quilting (ZEQ), a method.")
    assert [a.long for a in abbs] == ["Zorb Exclusion Quilting"]
    abbs = rules.find_abbreviations("We call it Quiet Relative Policy Tuning (QRPT).")
    assert [a.long for a in abbs] == ["Quiet Relative Policy Tuning"]


def test_abbreviation_long_form_starts_after_a_comma_when_it_can():
    pairs = {a.short: a.long for a in rules.find_abbreviations(
        "Beyond scale, zorb preference tuning (ZPT) helps; Planning, Acting and Reflecting (PAR) too.")}
    assert pairs == {"ZPT": "zorb preference tuning", "PAR": "Planning, Acting and Reflecting"}


def test_one_word_long_form_must_spell_the_acronym_with_capitals_or_parts():
    pairs = {a.short: a.long for a in rules.find_abbreviations(
        "We build QuorkNet (QN) with chain-of-zorbs (CoZ), reward-model-based (RM-based) scoring, "
        "and Blixdel3au (BL) agents.")}
    assert pairs == {"QN": "QuorkNet", "CoZ": "chain-of-zorbs", "RM-based": "reward-model-based"}


def test_accented_letters_spell_the_plain_letters_of_an_acronym():
    pairs = {(a.short, a.long) for a in rules.find_abbreviations(
        "Under the Polyak-Łojasiewicz (PL) condition, Zorvák Émbedding Tables (ZET) converge on Érdős–Rényi (ER) graphs.")}
    assert pairs == {("PL", "Polyak-Łojasiewicz"), ("ZET", "Zorvák Émbedding Tables"), ("ER", "Érdős–Rényi")}


def test_a_long_form_spread_over_a_clause_must_spell_the_acronym_with_initials():
    for text in ["It balances performance and robustness by incorporating Zorblax-7B (BRME) to model it.",
                 "Trained with iterative self-play, without QuixNet (SFQ) as a first step.",
                 "Is zorb prompting, a popular ZorbFormer (ZPL) method, needed?",
                 "preference optimization methods -- QuorkFormer (PPQ) and others"]:
        assert rules.find_abbreviations(text) == [], text
    pairs = {a.short: a.long for a in rules.find_abbreviations(
        "We use Zorb Learning from Quokka Feedback (ZLQF) and Planning, Acting and Reflecting (PAR).")}
    assert pairs == {"ZLQF": "Zorb Learning from Quokka Feedback", "PAR": "Planning, Acting and Reflecting"}


def test_a_two_letter_acronym_is_spelt_by_word_starts():
    assert rules.find_abbreviations("We train with rule-based Zorbnet-X (RL) rewards.") == []
    pairs = {a.short: a.long for a in rules.find_abbreviations(
        "We use zorb learning (ZL) and Semidefinite Quorking (SDQ).")}
    assert pairs == {"ZL": "zorb learning", "SDQ": "Semidefinite Quorking"}


def test_abbreviation_prefers_the_words_whose_initials_spell_it():
    # "Policy Optimization" holds p, p, o in order too (the p of "Optimization")
    abbs = rules.find_abbreviations("Two methods: Proximal Policy Optimization (PPO) and more.")
    assert [a.long for a in abbs] == ["Proximal Policy Optimization"]


def test_parenthesised_numbers_are_not_abbreviations():
    assert rules.find_abbreviations("accuracy improves (34.0%) and (see Table 2)") == []


def test_name_shapes():
    yes = ["GRPO", "ThinkTuning", "GPT-4o", "Qwen2.5-Math-7B", "MATH-500", "AIME24/25", "Auto-CEI", "GSM8K"]
    no = ["Transformer", "we", "3B", "Human-AI", "Post-training", "https://github.com/x", "2024"]
    assert all(rules.is_name_shape(t) for t in yes)
    assert not any(rules.is_name_shape(t) for t in no)


def test_capitalised_compounds():
    assert rules.is_capitalised_compound("Actor-Critic")
    assert rules.is_capitalised_compound("Tree-of-Thought")
    assert not rules.is_capitalised_compound("Post-training")


def test_shape_type():
    assert rules.shape_type("Qwen3-8B") is EntityType.MODEL
    assert rules.shape_type("LiveCodeBench") is EntityType.BENCHMARK
    assert rules.shape_type("OpenR1-Math-220k") is EntityType.DATASET
    assert rules.shape_type("GRPO") is EntityType.METHOD
    assert rules.shape_type("BlockBERT") is EntityType.MODEL
    assert rules.shape_type("ZetaNet") is None or rules.shape_type("ZetaNet") is EntityType.MODEL
    assert rules.shape_type("FooBar") is None


def test_task_like_long_forms():
    assert rules.is_task_like("large language models")
    assert rules.is_task_like("mathematical reasoning")
    assert not rules.is_task_like("reinforcement learning")
    assert not rules.is_task_like("Group Relative Policy Optimization")


def test_long_form_type():
    assert rules.long_form_type("Group Relative Policy Optimization") is EntityType.METHOD
    assert rules.long_form_type("Multi-task Language Understanding Benchmark") is EntityType.BENCHMARK


def test_capitalised_size_words_continue_a_model_name():
    assert all(rules.MODEL_CONTINUATION.match(w) for w in ("LARGE", "BASE", "TINY", "Large", "7B"))
    assert not rules.MODEL_CONTINUATION.match("DATASET")


def test_frame_names_are_names_not_descriptions():
    assert rules.frame_name_ok(["Quokka", "Valley"])
    assert rules.frame_name_ok(["English", "Zorblog"])
    assert not rules.frame_name_ok(["Korean"])
    assert not rules.frame_name_ok(["multilingual", "Zorblog"])


def test_section_numbers_are_not_names():
    assert not rules.is_name_shape("A.1")
    assert not rules.is_name_shape("B.2.3")
    assert rules.is_name_shape("T5")


def test_metric_and_parsing_long_forms_are_task_like():
    assert rules.is_task_like("Mean Reciprocal Rank")
    assert rules.is_task_like("Inception Score")
    assert rules.is_task_like("bit-error-rate")
    assert rules.is_task_like("Dependency Parsing")
    assert not rules.is_task_like("PageRank")
    assert not rules.is_task_like("Denoising Score Matching")


def test_matching_and_modeling_long_forms_are_methods():
    assert rules.long_form_type("Denoising Score Matching") is EntityType.METHOD
    assert rules.long_form_type("Masked Visual-Language Modeling") is EntityType.METHOD


def test_release_suffixes_shape_a_model_name():
    for name in ("ZetaVL-R1", "Orca Lens-VL", "Quill-Coder", "Mira-Chat-2"):
        assert rules.shape_type(name) is EntityType.MODEL, name
    assert rules.shape_type("GRPO") is EntityType.METHOD and rules.shape_type("MATH-500") is None


def test_coined_network_families_are_not_classes():
    assert not rules.is_task_like("Stochastic Configuration Networks")
    assert not rules.is_task_like("Kolmogorov-Arnold Networks")
    for cls in ("graph neural networks", "Deep Neural Networks", "convolutional networks", "fully connected networks"):
        assert rules.is_task_like(cls), cls


def test_a_dimension_prefixed_to_a_name_is_a_name_shape():
    assert all(rules.is_name_shape(t) for t in ("2DSCN", "3DGS", "3D-UNet", "2D-CNN"))
    assert not any(rules.is_name_shape(t) for t in ("3D", "2D-printed", "5GB", "3Dmodel"))


def test_mathematics_is_not_a_name_shape():
    assert not any(rules.is_name_shape(t) for t in ("k∈[K", "K×K", "W^T", "f(x)"))
    assert all(rules.is_name_shape(t) for t in ("GPT-4o", "AIME24/25", "Mistral-7B-Instruct-v0.2"))


def test_a_participle_phrase_does_not_give_a_long_form_its_head():
    assert rules.long_form_type("time-specific LMs specialized to Twitter data") is EntityType.MODEL
    assert rules.long_form_type("Stanford Question Answering Dataset") is EntityType.DATASET
