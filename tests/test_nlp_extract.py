"""Each cue family of the extraction: candidates, typing and relations, on text written for the test."""
from kg.types import EntityType, Relation


def test_defined_acronym_is_labelled_by_its_short_form(extract_one):
    ents = extract_one("We propose Stepwise Reward Shaping (SRS), a method for training agents.")
    assert "SRS" in ents
    assert "Stepwise Reward Shaping" in ents["SRS"].aliases
    assert ents["SRS"].relation is Relation.PROPOSES
    assert ents["SRS"].type is EntityType.METHOD


def test_coined_name_after_we_introduce_is_proposed(extract_one):
    ents = extract_one("We introduce FlowMind, a benchmark of 500 planning puzzles.")
    assert ents["FlowMind"].relation is Relation.PROPOSES
    assert ents["FlowMind"].type is EntityType.BENCHMARK


def test_apposition_types_a_dataset(extract_one):
    ents = extract_one("We release TinyProofs-12k, a dataset of short proofs, and train models on it.")
    assert ents["TinyProofs-12k"].type is EntityType.DATASET
    assert ents["TinyProofs-12k"].relation is Relation.PROPOSES


def test_title_name_before_colon_is_proposed(extract_one):
    ents = extract_one("We study reasoning with RL.", title="ZetaTune: Better Reasoning via Tuning")
    assert ents["ZetaTune"].relation is Relation.PROPOSES


def test_our_method_is_proposed(extract_one):
    ents = extract_one("Our method, LoopFix, beats the baselines while using GRPO.")
    assert ents["LoopFix"].relation is Relation.PROPOSES


def test_benchmark_is_evaluated_on(extract_one):
    ents = extract_one("We fine-tune Qwen3-8B with GRPO and report accuracy on MATH-500.")
    assert ents["MATH-500"].relation is Relation.EVALUATES_ON
    assert ents["MATH-500"].type is EntityType.BENCHMARK


def test_model_under_study_is_used(extract_one):
    ents = extract_one("We fine-tune Qwen3-8B with GRPO and report accuracy on MATH-500.")
    assert ents["Qwen3-8B"].relation is Relation.USES
    assert ents["Qwen3-8B"].type is EntityType.MODEL
    assert ents["GRPO"].relation is Relation.USES


def test_outperformed_baseline_is_compared_with(extract_one):
    ents = extract_one("Our approach outperforms GRPO by a wide margin on MATH-500.")
    assert ents["GRPO"].relation is Relation.COMPARES_WITH
    assert ents["MATH-500"].relation is Relation.EVALUATES_ON


def test_cue_words_inside_a_name_are_not_cues(extract_one):
    # "Relative" in the long form is a comparison cue word, but here it is part of a name
    ents = extract_one("Hard samples are used for Group Relative Policy Optimization (GRPO) based "
                       "reinforcement learning. Recently, Gated Comparison Networks (GCN) became popular.")
    assert ents["GRPO"].relation is Relation.USES
    # "Comparison" inside a name does not make the name a baseline
    assert ents["GCN"].relation is Relation.MENTIONS


def test_known_method_named_in_the_title_is_studied(extract_one):
    ents = extract_one("Recently, GRPO has become popular for reasoning. We measure its stability.",
                       title="Revisiting GRPO for Small Models")
    assert ents["GRPO"].relation is Relation.USES
    ents = extract_one("Recently, GRPO has become popular for reasoning. We measure its stability.")
    assert ents["GRPO"].relation is Relation.MENTIONS


def test_data_that_results_are_reported_on_is_evaluated_on(extract_one):
    ents = extract_one("On the Zorbix dataset, our method improves accuracy by 3%.")
    assert ents["Zorbix"].type is EntityType.DATASET
    assert ents["Zorbix"].relation is Relation.EVALUATES_ON
    # trained on it: used, though the sentence reports accuracy
    ents = extract_one("We fine-tune Qwen3-8B on the Zorbix dataset and report accuracy on MATH-500.")
    assert ents["Zorbix"].relation is Relation.USES


def test_background_mention(extract_one):
    ents = extract_one("Recent work has popularised RL for alignment. We study data quality.")
    assert ents["RL"].relation is Relation.MENTIONS


def test_most_specific_relation_wins(extract_one):
    ents = extract_one("Recently, GRPO has been popular. We compare against GRPO and outperform GRPO.")
    assert ents["GRPO"].relation is Relation.COMPARES_WITH


def test_a_generic_class_with_a_modifier_is_not_a_name(extract_one):
    # the small vocabulary lists "LLM" and "large language models" as generic
    ents = extract_one("We pick samples with a multi-LLM vote and compare Large Language models with ZorkNet-7B.")
    assert set(ents) == {"ZorkNet-7B"}
    # a capitalised modifier may be a name: "Zork-LLM" is kept
    assert "Zork-LLM" in extract_one("We release Zork-LLM, a model for chemistry.")


def test_size_suffix_types_a_model(extract_one):
    ents = extract_one("We distil into ZorkLM-7B and evaluate it.")
    assert ents["ZorkLM-7B"].type is EntityType.MODEL


def test_role_types_ambiguous_data(extract_one):
    trained = extract_one("We train a policy on GSM8K problems.")
    evaluated = extract_one("We evaluate accuracy on GSM8K.")
    assert trained["GSM8K"].type is EntityType.DATASET
    assert evaluated["GSM8K"].type is EntityType.BENCHMARK


def test_generic_terms_are_not_entities(extract_one):
    ents = extract_one("Large language models (LLMs) are strong. AI systems and LLMs improve.")
    assert ents == {}


def test_compound_suffix_and_plural_yield_the_name(extract_one):
    ents = extract_one("We design GRPO-based training with longer CoTs.")
    assert {"GRPO", "CoT"} <= set(ents)


def test_urls_are_not_names(extract_one):
    ents = extract_one("Code is at https://github.com/SomeOrg/SomeRepo and data at www.example.com/Data2.")
    assert ents == {}


def test_vocabulary_alias_spelling_variants(extract_one):
    ents = extract_one("We apply chain of thought and reinforcement learning to Llama-2-13B.")
    assert {"CoT", "RL", "Llama-2-13B"} <= set(ents)


def test_mentions_carry_offsets_into_paper_text(nlp_small):
    from kg.nlp.extract import extract
    from kg.types import Paper

    p = Paper("x", "A title", "We fine-tune Qwen3-8B on MATH-500.")
    ex = next(extract([p], nlp_small))
    for e in ex.entities:
        for m in e.mentions:
            assert p.text[m.start:m.end] == m.surface
            assert m.sentence_start <= m.start < m.end <= m.sentence_end


def test_reported_result(nlp_small):
    from kg.nlp.extract import extract
    from kg.types import Paper

    p = Paper("x", "", "We propose LoopFix. LoopFix reaches 71.5% accuracy on MATH-500.")
    ex = next(extract([p], nlp_small))
    assert [(r.subject, r.benchmark, r.value, r.unit) for r in ex.results] == [("LoopFix", "MATH-500", 71.5, "%")]


def test_capitalised_words_before_a_data_noun_name_a_dataset(extract_one):
    ents = extract_one("We train a classifier on the Quokka Valley dataset and report accuracy.")
    assert ents["Quokka Valley"].type is EntityType.DATASET


def test_capitalised_corpus_head_is_part_of_the_name(extract_one):
    ents = extract_one("Sentences come from the Lantern Harbor Corpus of letters.")
    assert "Lantern Harbor Corpus" in ents


def test_descriptive_words_before_a_data_noun_are_not_a_name(extract_one):
    ents = extract_one("We also build a Korean dataset and a Twitter-free English corpus. The Training dataset is small.")
    assert not any(l in ents for l in ("Korean", "English", "Training"))


def test_capitalised_size_word_is_part_of_a_model_name(extract_one):
    ents = extract_one("We fine-tune ZorbNet LARGE on the data.")
    assert "ZorbNet LARGE" in ents
    assert ents["ZorbNet LARGE"].type is EntityType.MODEL


def test_eval_frame_alone_does_not_type_an_unknown_acronym_as_data(extract_one):
    ents = extract_one("We evaluate QRVX on three tasks and find that it is fast.")
    assert ents["QRVX"].type not in (EntityType.BENCHMARK, EntityType.DATASET)


def test_eval_frame_types_a_defined_name(extract_one):
    ents = extract_one("We evaluate on Quokka Reading Comprehension (QRC) and report accuracy.")
    assert ents["QRC"].type in (EntityType.BENCHMARK, EntityType.DATASET)


def test_count_suffix_stays_inside_a_name(nlp_small):
    doc = nlp_small("We pre-train on Zorbnet-21K and Quokka30K, then test on 100K images.")
    words = [t.text for t in doc]
    assert "Zorbnet-21K" in words and "Quokka30K" in words
    assert words[words.index("100"):words.index("100") + 2] == ["100", "K"]


def test_lower_case_word_is_not_a_model_family(extract_one, nlp_full):
    # "BiT" (Big Transfer) is a known model; "a bit more" is English
    ents = extract_one("We explain the method in a bit more detail and compare with BiT.", nlp=nlp_full)
    assert [e.mentions[0].surface for e in ents.values() if e.label == "BiT"] == ["BiT"]


def test_well_known_long_forms_are_aliases(extract_one, nlp_full):
    ents = extract_one("We fine-tune OpenAI GPT on the Corpus of Linguistic Acceptability and the "
                       "Microsoft Research Paraphrase Corpus.", nlp=nlp_full)
    assert {"GPT-1", "CoLA", "MRPC"} <= set(ents)


def test_known_data_set_before_a_hyphen_types_its_variant(extract_one):
    ents = extract_one("Results are reported on ImageNet-Quokka, a harder split.")
    assert ents["ImageNet-Quokka"].type in (EntityType.DATASET, EntityType.BENCHMARK)


def test_known_model_after_a_hyphen_types_a_model(extract_one):
    ents = extract_one("We compare with Zorb-Qwen3 throughout.")
    assert ents["Zorb-Qwen3"].type is EntityType.MODEL


def test_a_number_inside_a_framed_name_is_kept(extract_one):
    ents = extract_one("We train on the Quokka Valley 2 dataset, not on the 2019 dataset.")
    assert "Quokka Valley 2" in ents
    assert "2019" not in ents


def test_punctuation_dashes_and_full_stops_end_names(nlp_small):
    words = [t.text for t in nlp_small.make_doc(
        "An agent infers beliefs--an ability called Theory-of-Mind (ToM)--and acts, named ThinkNet. "
        "Then Qwen3-8B. And Chain-of-Thought(CoT) with GPT-4o-mini and the U.S. data.")]
    assert ["beliefs", "--", "an"] == words[3:6]
    assert ["ToM", ")", "--", "and"] == words[words.index("ToM"):words.index("ToM") + 4]
    assert ["ThinkNet", "."] == words[words.index("ThinkNet"):words.index("ThinkNet") + 2]
    assert ["Qwen3-8B", "."] == words[words.index("Qwen3-8B"):words.index("Qwen3-8B") + 2]
    assert ["Chain-of-Thought", "(", "CoT", ")"] == words[words.index("Chain-of-Thought"):words.index("Chain-of-Thought") + 4]
    assert "GPT-4o-mini" in words and "U.S." in words


def test_copula_definition_types_an_acronym(extract_one):
    ents = extract_one("Experiments use ZQB and VLT. ZQB is a news corpus of 5k articles, and VLT is a model of speech.")
    assert ents["ZQB"].type is EntityType.DATASET
    assert ents["VLT"].type is EntityType.MODEL


def test_copula_does_not_reach_across_of(extract_one):
    ents = extract_one("We study ZQB. ZQB is a variant of the transformer model.")
    assert ents["ZQB"].type is EntityType.METHOD


def test_what_is_trained_or_fine_tuned_is_a_model(extract_one):
    ents = extract_one("QRX was pre-trained on web text. We then fine-tune PLV on the task.")
    assert ents["QRX"].type is EntityType.MODEL
    assert ents["PLV"].type is EntityType.MODEL


def test_fine_tuned_modifier_of_a_name_is_not_typed(extract_one):
    ents = extract_one("We found that fine-tuning the NM BERT helps little.")
    assert "NM" not in ents or ents["NM"].type is not EntityType.MODEL


def test_what_contains_n_images_is_data(extract_one):
    ents = extract_one("ZKW contains 12,000 annotated images. TRQ contains 3 modules.")
    assert ents["ZKW"].type is EntityType.DATASET
    assert ents["TRQ"].type is EntityType.METHOD


def test_what_a_system_is_compared_against_is_a_model(extract_one):
    ents = extract_one("Our system is better than QXR and outperforms VTK on all tasks.")
    assert ents["QXR"].type is EntityType.MODEL
    assert ents["VTK"].type is EntityType.MODEL


def test_coordinated_names_before_a_plural_data_noun_are_data(extract_one):
    ents = extract_one("We run ablations on the Protein, Yacht and Kestrel datasets (Table 4).")
    assert {n: ents[n].type for n in ("Protein", "Yacht", "Kestrel")} == dict.fromkeys(
        ("Protein", "Yacht", "Kestrel"), EntityType.DATASET)


def test_descriptive_words_before_a_plural_data_noun_are_not_names(extract_one):
    ents = extract_one("Results hold on the English, German and Chinese datasets.")
    assert not ents


def test_type_weight_says_whether_the_text_stated_the_type(extract_one):
    from kg.types import TYPE_WEIGHT_CUE, TYPE_WEIGHT_DEFINED

    defined = extract_one("We introduce the Non-Parametric Transformer (NPT), which reasons over whole datasets.")
    assert defined["NPT"].type is EntityType.MODEL and defined["NPT"].type_weight == TYPE_WEIGHT_DEFINED
    stated = extract_one("We introduce NPT, a model which reasons over whole datasets.")
    assert stated["NPT"].type is EntityType.MODEL and stated["NPT"].type_weight == TYPE_WEIGHT_CUE
    bare = extract_one("Unlike prior work, NPT reasons over whole datasets at once.")
    assert bare["NPT"].type_weight == 1  # typed by default: outvoted where another paper says


def test_plural_definition_defines_the_singular(extract_one):
    ents = extract_one("We present Sparse Routing Transformers (SRTs), a new architecture. "
                       "Each SRT routes tokens; SRTs scale well.")
    srt = [e for e in ents.values() if "SRT" in e.label]
    assert len(srt) == 1 and srt[0].type is EntityType.MODEL
    assert "Sparse Routing Transformers" in srt[0].aliases


def test_list_cue_needs_the_name_to_be_a_member(extract_one):
    # "models trained on ZQC": what the models are trained on is not one of them
    ents = extract_one("The same trend holds for models trained on ZQC and VLT.")
    assert ents["ZQC"].type is not EntityType.MODEL and ents["VLT"].type is not EntityType.MODEL
    ents = extract_one("We compare against strong models such as VKRNet and PLQ.")
    assert ents["PLQ"].type is EntityType.MODEL


def test_two_letter_acronym_before_model_is_a_task(extract_one):
    ents = extract_one("We train a QP model for each language and reuse the RK decoder.")
    assert all(e.type is not EntityType.MODEL for e in ents.values())


def test_metric_definitions_are_not_entities(extract_one):
    ents = extract_one("We evaluate with Mean Hit Rank (MHR) and the Frechet Audio Distance (FAD) on our test set.")
    assert "MHR" not in ents and "FAD" not in ents


def test_long_form_is_typed_by_its_own_head(extract_one):
    ents = extract_one("The model is trained with Multiscale Denoising Score Matching (MDSM) on images.")
    assert ents["MDSM"].type is EntityType.METHOD


def test_word_family_needs_a_version(extract_one, nlp_full):
    # "Sentence"-BERT, "Segment" Anything: ordinary first words of model names start a model name
    # only when a version follows
    ents = extract_one("We compare the SEGMENT-PAIR input format with Sentence-Order pairs.", nlp=nlp_full)
    assert all(e.type is not EntityType.MODEL for e in ents.values())


def test_year_after_a_known_data_set_is_its_edition(extract_one, nlp_full):
    ents = extract_one("We train on the i2b2 2010 challenge data and test on SQuAD.", nlp=nlp_full)
    assert "i2b2 2010" in ents and ents["i2b2 2010"].type in (EntityType.DATASET, EntityType.BENCHMARK)
    assert "i2b2" not in ents


def test_lexical_resources_and_embedding_algorithms_are_typed_as_what_they_are(extract_one, nlp_full):
    ents = extract_one("We initialise with GloVe and word2vec vectors and use WordNet and VerbNet senses.",
                       nlp=nlp_full)
    assert ents["GloVe"].type is EntityType.METHOD and ents["word2vec"].type is EntityType.METHOD
    assert ents["WordNet"].type is EntityType.DATASET and ents["VerbNet"].type is EntityType.DATASET


def test_apposition_after_a_bracketed_definition_types_the_name(extract_one):
    ents = extract_one("We introduce FooQA (Factual Output Observation Quiz Assessment), a focused benchmark "
                       "of 700 scenarios.")
    assert ents["FooQA"].type is EntityType.BENCHMARK


def test_a_colon_without_a_space_between_words_splits(extract_one):
    ents = extract_one("We test GPT-4o.", title="The Gizmo Benchmark:Would Models Lie?")
    assert not any("would" in label.lower() for label in ents)


def test_type_noun_after_a_defined_acronym_types_it(extract_one):
    ents = extract_one("We created the Polar Alignment with Tidal Inventories (PATI) dataset, with data from "
                       "300,000 subjects.")
    assert ents["PATI"].type is EntityType.DATASET


def test_words_in_capitals_for_emphasis_are_one_name(extract_one):
    ents = extract_one("We study how SOCRATIC QUESTIONING helps, unlike CoT and MMLU GSM8K baselines.",
                       title="The Art of SOCRATIC QUESTIONING: Recursive Thinking")
    assert "SOCRATIC QUESTIONING" in ents
    assert "SOCRATIC" not in ents and "QUESTIONING" not in ents


def test_preceding_noun_apposition_wins_over_the_clause_after_it(extract_one):
    ents = extract_one("On a Coreference Puzzle dataset, CPZ-80, our method achieves 71.0% accuracy.")
    assert ents["CPZ-80"].type is EntityType.DATASET


def test_noun_used_as_a_verb_does_not_type_the_name(extract_one):
    ents = extract_one("In this paper, we model Belief Propagation Flow (BPF) using recurrent networks.")
    assert ents["BPF"].type is not EntityType.MODEL


def test_opening_phrase_before_a_comma_is_not_an_apposition(extract_one):
    ents = extract_one("For such datasets, ZRTs with two branch nodes are slower to train.")
    assert "ZRT" not in ents or ents["ZRT"].type is not EntityType.DATASET


def test_naming_frames_type_the_name_by_the_noun_named(extract_one):
    ents = extract_one("We refer to our recurrent architecture as Neural Flow Unrolling (NFU). "
                       "We also build a new benchmark called Gridlock, and a training recipe dubbed Quench.")
    assert ents["NFU"].type is EntityType.MODEL
    assert ents["Gridlock"].type is EntityType.BENCHMARK
    assert ents["Quench"].type is EntityType.METHOD


def test_role_frames_reach_the_name_through_a_preposition(extract_one):
    ents = extract_one("A pretrained model memorizes much Private Contact Records (PCR) verbatim. "
                       "We then train our parser on the Harbor Treebank Release (HTR).")
    assert ents.get("PCR") is None or ents["PCR"].type is not EntityType.DATASET
    assert ents["HTR"].type is EntityType.DATASET


def test_capitalised_vocabulary_names_in_lower_case_are_plain_words(extract_one, nlp_full):
    ents = extract_one("We ask annotators to write natural questions about each page.", nlp=nlp_full)
    assert "Natural Questions" not in ents
    ents = extract_one("We evaluate on Natural Questions and TriviaQA.", nlp=nlp_full)
    assert "Natural Questions" in ents


def test_members_listed_after_a_plural_data_noun_are_data(extract_one):
    ents = extract_one("Corrupted inputs matter little on datasets such as Forest Ridge, Kettle (Smith et al., 2019), "
                       "and Harbor Lights, but hurt elsewhere.")
    for name in ("Forest Ridge", "Kettle", "Harbor Lights"):
        assert ents[name].type is EntityType.DATASET, name
    ents = extract_one("We test on three datasets: English, French and German.")
    assert not {"English", "French", "German"} & set(ents)


def test_units_and_top_k_are_not_entities(extract_one, nlp_full):
    ents = extract_one("The model weighs 207 MB and lowers the Top-1 error on ImageNet.", nlp=nlp_full)
    assert "MB" not in ents and "Top-1" not in ents and "ImageNet" in ents


def test_a_citation_or_an_abbreviation_does_not_end_a_sentence(nlp_small):
    from kg.nlp.sentences import sentences

    doc = nlp_small("Models such as Kettle (Smith et al., 2019), and Harbor do well. As in Fig. 3, the loss "
                    "drops vs. the baseline. Results (Table 2.) hold. Next one.")
    assert [s.text for s in sentences(doc)] == [
        "Models such as Kettle (Smith et al., 2019), and Harbor do well.",
        "As in Fig. 3, the loss drops vs. the baseline.", "Results (Table 2.) hold.", "Next one."]


def test_a_capitalised_data_head_is_kept_as_written(extract_one):
    ents = extract_one("We report results on the Wechat Finance Dataset and on the Members of Congress dataset.")
    assert "Wechat Finance Dataset" in ents["Wechat Finance"].aliases
    assert ents["Wechat Finance"].type is EntityType.DATASET
    assert ents["Members of Congress"].type is EntityType.DATASET


def test_a_footnote_number_does_not_continue_a_model_name(extract_one, nlp_full):
    ents = extract_one("SKT released KoBERT, followed by KorBERT 69 from ETRI, and we also test Llama 3.", nlp=nlp_full)
    assert "KorBERT" in ents and "KorBERT 69" not in ents
    assert any(label.startswith("Llama 3") or label.startswith("Llama-3") for label in ents)


def test_a_size_word_continues_a_model_built_on_a_known_model(extract_one, nlp_full):
    ents = extract_one("We find that KLUE-RoBERTa LARGE outperforms the other baselines.", nlp=nlp_full)
    assert any(label.replace(" ", "-").upper().startswith("KLUE-ROBERTA-LARGE") for label in ents), ents


def test_a_title_case_run_is_a_name_only_when_the_text_says_what_it_is(extract_one):
    ents = extract_one("We compare with Visual Word Grams, a model trained on web images. "
                       "Our results support the Superficial Alignment Hypothesis on Image Generative models.")
    assert ents["Visual Word Grams"].type is EntityType.MODEL
    assert "Superficial Alignment Hypothesis" not in ents and "Image Generative" not in ents


def test_quoted_words_before_a_data_noun_name_it(extract_one):
    ents = extract_one("We explore two settings: the 'ripples' dataset, and we also use the \"training\" dataset.")
    assert ents["ripples"].type is EntityType.DATASET
    assert "training" not in ents


def test_camel_case_names_match_with_only_their_first_capital(extract_one, nlp_full):
    ents = extract_one("This GAN generates one of 1000 Imagenet classes.", nlp=nlp_full)
    assert "ImageNet" in ents


def test_a_list_after_a_comma_and_an_intro_word_is_data(extract_one):
    ents = extract_one("For a second group of datasets, including Diabetes, Monks-1, and Sonar, we tune less.")
    assert {"Diabetes", "Monks-1", "Sonar"} <= set(ents)
    assert ents["Sonar"].type is EntityType.DATASET


def test_a_release_number_continues_a_data_set_name(extract_one):
    ents = extract_one("We train on WikiNewsQA v7 and report results on CoQA 2.0.")
    assert "WikiNewsQA v7" in ents and "CoQA 2.0" in ents


def test_data_set_and_split_nouns_type_the_name(extract_one):
    ents = extract_one("The ZQR data set adds 1,000 examples; we pick images from the FaceBank training set "
                       "and report accuracy on the LexiCheck test set. Moreover, DialogHub spans 14,796 turns.")
    assert ents["ZQR"].type is EntityType.DATASET
    assert ents["FaceBank"].type is EntityType.DATASET
    assert ents["LexiCheck"].type is EntityType.BENCHMARK
    assert ents["DialogHub"].type is EntityType.DATASET


def test_a_definition_outranks_a_head_noun_in_passing(extract_one):
    """'Stochastic Lattice Networks (SLNs)' defines a model family; 'the SLN framework' later in the
    same abstract speaks of it loosely."""
    ents = extract_one("Stochastic Lattice Networks (SLNs) learn fast. We extend the SLN framework to images.")
    sln = [e for e in ents.values() if "SLN" in e.label]
    assert len(sln) == 1 and sln[0].type is EntityType.MODEL


def test_a_two_letter_prefix_or_a_long_form_word_starts_no_model_family(extract_one, nlp_full):
    """ST5 (Sentence-T5) and "Language-agnostic BERT Sentence Embedding" are in the vocabulary;
    neither makes "ST2" nor "Language-2" a model."""
    ents = extract_one("Settings ST2 and ST3 use Conv3D layers; Language-2 is a split we hold out.", nlp=nlp_full)
    assert not [e for e in ents.values() if e.type is EntityType.MODEL], ents


def test_curly_quotes_before_a_data_noun_name_it_too(extract_one):
    ents = extract_one("We also report results on the “ripples” dataset and the ”odd“ dataset.")
    assert ents["ripples"].type is EntityType.DATASET
    assert "odd" not in ents


def test_tokens_are_the_same_from_the_tokenizer_cache(nlp_small):
    # the pipeline caches far more chunks than spaCy's default 10,000 (see pipeline.py); a cached
    # chunk must give the tokens that the affix rules give, special cases and names alike
    from kg.nlp.pipeline import TOKENIZER_CACHE_CHUNKS, build_nlp

    assert nlp_small.tokenizer.max_cache_size == TOKENIZER_CACHE_CHUNKS > 10_000
    uncached = build_nlp(use_classifier=False)
    uncached.tokenizer.max_cache_size = 0
    texts = ["We don't fine-tune Qwen2.5-Math-7B (e.g. on MATH-500); it's GRPO-based, vs. DPO's CoTs.",
             "Results: 34.0% on AIME24/25 and ImageNet-21K, named ConciseR. Then Qwen3-8B. U.S. data :)"]
    for text in texts * 3 + [" ".join(texts)]:
        assert [t.text for t in nlp_small.make_doc(text)] == [t.text for t in uncached.make_doc(text)]
