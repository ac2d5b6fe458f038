"""The optional span typer (kg.nlp.classifier): loading, the EntityFinder hook, training, files."""
from __future__ import annotations

import itertools

import pytest

from kg.nlp import classifier as C
from kg.nlp.extract import extract
from kg.types import EntityType, Paper

from conftest import DATA


def _extract(nlp, text):
    ex = next(extract([Paper("t1", "", text)], nlp))
    return {e.label: e for e in ex.entities}


def _span(doc, text):
    start = doc.text.index(text)
    sp = doc.char_span(start, start + len(text))
    assert sp is not None, text
    return sp


# ---------------------------------------------------------------- no model: the rules alone


def test_turning_the_typer_off_and_a_mistyped_model_path(tmp_path, monkeypatch):
    from kg.engine.version import pipeline_version
    from kg.errors import ConfigError

    monkeypatch.delenv(C.ENV_VAR, raising=False)
    assert C.load_classifier() is None  # the rules alone by default
    rules_alone = pipeline_version()
    for off in ("none", "off", ""):
        monkeypatch.setenv(C.ENV_VAR, off)
        assert C.load_classifier() is None and pipeline_version() == rules_alone
    monkeypatch.setenv(C.ENV_VAR, "shipped")
    assert C.model_path() == C.DEFAULT_PATH and isinstance(C.load_classifier(), C.SpanTyper)
    assert pipeline_version() != rules_alone  # cached records of one mode never serve the other
    # a model file that is not there is a mistake to report, not a silent switch to the rules alone
    with pytest.raises(ConfigError, match="no span typer model"):
        C.load_classifier(str(tmp_path / "missing.npz"))
    monkeypatch.setenv(C.ENV_VAR, str(tmp_path / "missing.npz"))
    with pytest.raises(ConfigError):
        C.load_classifier()


def test_cli_reports_a_mistyped_model_path_in_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kg.cli import cli

    monkeypatch.setenv(C.ENV_VAR, str(tmp_path / "missing.npz"))
    res = CliRunner().invoke(cli, ["build", "--sample", "-o", str(tmp_path / "out"), "--formats", "nt"])
    assert res.exit_code == 2, res.output
    assert "no span typer model" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_rules_alone_still_extract(monkeypatch):
    from kg.nlp.pipeline import build_nlp

    monkeypatch.setenv(C.ENV_VAR, "none")
    by_env = build_nlp(str(DATA / "vocab_small.yaml"))
    monkeypatch.delenv(C.ENV_VAR)
    by_flag = build_nlp(str(DATA / "vocab_small.yaml"), use_classifier=False)
    for nlp in (by_env, by_flag):
        assert nlp.get_pipe("kg_entities").classifier is None
        ents = _extract(nlp, "We fine-tune Qwen3-8B with GRPO and evaluate on MATH-500.")
        assert ents["Qwen3-8B"].type is EntityType.MODEL
        assert ents["GRPO"].type is EntityType.METHOD
        assert ents["MATH-500"].type is EntityType.BENCHMARK


# ---------------------------------------------------------------- the hook's contract


class _Fixed:
    """A stand-in typer: one answer for every candidate it is asked about."""

    def __init__(self, answer, cues=("default", "name shape")):
        self.answer, self.cues, self.asked = answer, set(cues), []

    def predict(self, doc, span, source, rule_type, cue="default"):
        self.asked.append((span.text, source, rule_type, cue))
        return self.answer


@pytest.fixture
def fresh_small(monkeypatch):
    from kg.nlp.pipeline import build_nlp

    monkeypatch.setenv(C.ENV_VAR, "none")
    return build_nlp(str(DATA / "vocab_small.yaml"))


def test_hook_retypes_drops_or_keeps(fresh_small):
    text = "We compare against Florp-7B and Blarg-13B, two open models."
    finder = fresh_small.get_pipe("kg_entities")
    finder.classifier = _Fixed(None)
    keep = _extract(fresh_small, text)
    assert {"Florp-7B", "Blarg-13B"} <= set(keep)
    assert finder.classifier.asked and all(cue in ("default", "name shape") for *_, cue in finder.classifier.asked)
    finder.classifier = _Fixed(EntityType.DATASET)
    assert _extract(fresh_small, text)["Florp-7B"].type is EntityType.DATASET
    finder.classifier = _Fixed(False)
    assert "Florp-7B" not in _extract(fresh_small, text)


def test_hook_is_not_asked_about_strong_cues(fresh_small):
    finder = fresh_small.get_pipe("kg_entities")
    finder.classifier = _Fixed(False, cues=("default",))
    ents = _extract(fresh_small, "We fine-tune Qwen3-8B with GRPO.")
    assert {"Qwen3-8B", "GRPO"} <= set(ents)  # vocabulary names: never asked, never dropped
    assert all(cue == "default" for *_, cue in finder.classifier.asked)


# ---------------------------------------------------------------- training on a tiny synthetic set

_TEMPLATES = {
    "Data": ["We evaluate on the {} benchmark and report accuracy.", "Results on {} show large gains.",
             "We collect {}, a dataset of annotated images."],
    "Model": ["We fine-tune the {} model with our recipe.", "Our {} model outperforms strong baselines.",
              "We compare against {}, an open model."],
    "NONE": ["Details are in Section {} of the appendix.", "See Table {} for the numbers.",
             "Proofs are deferred to Appendix {} below."],
}
_TRAIN_NAMES = ["Zorb", "Quux", "Florp", "Blarg", "Wibble", "Snarf", "Grue", "Plugh"]
_TEST_NAMES = ["Xyzzy", "Frob"]


def _synthetic(nlp, names):
    feats, labels = [], []
    for (label, templates), name in itertools.product(_TEMPLATES.items(), names):
        for t in templates:
            doc = nlp(t.format(name))
            sp = _span(doc, name)
            feats.append(C.span_features(doc, sp, "shape", EntityType.METHOD, "default"))
            labels.append(label)
    return feats, labels


def test_training_on_a_tiny_synthetic_set(nlp_small, tmp_path):
    X, y = _synthetic(nlp_small, _TRAIN_NAMES)
    model = C.train(X, y, dim=1 << 12, epochs=30, seed=1)
    Xt, yt = _synthetic(nlp_small, _TEST_NAMES)  # names never seen: only the contexts can tell
    right = sum(model.classes[int(model.proba(f).argmax())] == lab for f, lab in zip(Xt, yt))
    assert right / len(yt) >= 0.8
    # the hook's answers: Data -> a data type, Model -> Model, NONE -> drop
    doc = nlp_small("We fine-tune the Frob model with our recipe.")
    assert model.predict(doc, _span(doc, "Frob"), "shape", EntityType.METHOD, "default") is EntityType.MODEL
    doc = nlp_small("Details are in Section Xyzzy of the appendix.")
    assert model.predict(doc, _span(doc, "Xyzzy"), "shape", EntityType.METHOD, "default") is False
    doc = nlp_small("We evaluate on the Frob benchmark and report accuracy.")
    assert model.predict(doc, _span(doc, "Frob"), "shape", EntityType.METHOD, "default") in (
        EntityType.BENCHMARK, EntityType.DATASET)


def test_training_is_deterministic_and_files_round_trip(nlp_small, tmp_path):
    X, y = _synthetic(nlp_small, _TRAIN_NAMES[:4])
    a = C.train(X, y, dim=1 << 10, epochs=5, seed=3, cues=("default",))
    b = C.train(X, y, dim=1 << 10, epochs=5, seed=3, cues=("default",))
    a.save(tmp_path / "a.npz")
    b.save(tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    loaded = C.load_classifier(str(tmp_path / "a.npz"))
    assert loaded.cues == {"default"} and loaded.classes == C.CLASSES
    for f in X[:5]:
        assert loaded.proba(f).argmax() == a.proba(f).argmax()
        assert abs(float(loaded.proba(f).max()) - float(a.proba(f).max())) < 1e-2  # weights kept as float16


def test_a_definition_is_retyped_but_never_dropped(nlp_small):
    X, y = _synthetic(nlp_small, _TRAIN_NAMES[:4])
    model = C.train(X, y, dim=1 << 10, epochs=10, seed=0)
    doc = nlp_small("Details are in Section Quux of the appendix.")
    sp = _span(doc, "Quux")
    assert model.predict(doc, sp, "shape", EntityType.METHOD, "default") is False
    assert model.predict(doc, sp, "abbrev", EntityType.METHOD, "default") is None


def test_features_do_not_leak_between_docs(nlp_small):
    d1 = nlp_small("We fine-tune the Frob model.")
    d2 = nlp_small("Results on Frob show gains.")
    f1 = C.span_features(d1, _span(d1, "Frob"), "shape", EntityType.METHOD, "default")
    f2 = C.span_features(d2, _span(d2, "Frob"), "shape", EntityType.METHOD, "default")
    assert "R1=model" in f1 and "R1=show" in f2
    assert C.span_features(d1, _span(d1, "Frob"), "shape", EntityType.METHOD, "default") == f1


# ---------------------------------------------------------------- the shipped model


@pytest.fixture(scope="module")
def shipped():
    if not C.DEFAULT_PATH.is_file():
        pytest.skip("no trained span typer in kg/data (make train-model)")
    return C.SpanTyper.load(C.DEFAULT_PATH)


def test_shipped_model_is_small_and_loads(shipped):
    assert C.DEFAULT_PATH.stat().st_size <= 20 * 1024 * 1024
    assert {"default", "name shape"} <= shipped.cues
    assert shipped.classes == C.CLASSES


def test_shipped_model_on_hand_written_sentences(shipped, fresh_small):
    finder = fresh_small.get_pipe("kg_entities")
    finder.classifier = shipped
    ents = _extract(fresh_small, "We compare against Florp-7B and Blarg-13B, two open models.")
    assert ents["Florp-7B"].type is EntityType.MODEL and ents["Blarg-13B"].type is EntityType.MODEL
    ents = _extract(fresh_small, "Results on WikiQA and TrecQA show that the method generalises.")
    assert ents["WikiQA"].type in (EntityType.BENCHMARK, EntityType.DATASET)
    # a section number is not an entity
    assert "B.1" not in _extract(fresh_small, "The images are resized as described in Section B.1 and Table 3.")
    # a defined acronym survives whatever the typer thinks
    assert "SRS" in _extract(fresh_small, "We propose Stepwise Reward Shaping (SRS), a method for training agents.")
