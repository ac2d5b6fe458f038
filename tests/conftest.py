"""Shared fixtures: a pipeline on the small test vocabulary, and paths."""
from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SHARED = HERE.parents[1] / "shared"


@pytest.fixture(scope="session")
def nlp_small():
    from kg.nlp.pipeline import build_nlp

    # the rules alone: the statistical typer has its own tests (test_classifier.py)
    return build_nlp(str(DATA / "vocab_small.yaml"), use_classifier=False)


@pytest.fixture(scope="session")
def nlp_full():
    from kg.nlp.pipeline import default_nlp

    return default_nlp()


@pytest.fixture
def extract_one(nlp_small):
    """Extract one abstract with the small vocabulary; returns {label: PaperEntity}."""
    from kg.nlp.extract import extract
    from kg.types import Paper

    def run(abstract: str, title: str = "", nlp=None):
        ex = next(extract([Paper("t1", title, abstract)], nlp or nlp_small))
        return {e.label: e for e in ex.entities}

    return run
