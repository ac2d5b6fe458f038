"""The library entry point: papers in, KnowledgeGraph out."""
from __future__ import annotations

from typing import Callable, Iterable

from spacy.language import Language

from kg.graph.model import KnowledgeGraph
from kg.nlp.extract import extract
from kg.types import Paper, ReadReport


def build(
    records: Iterable[Paper],
    *,
    nlp: Language | None = None,
    report: ReadReport | None = None,
    on_paper: Callable[[], None] | None = None,
) -> KnowledgeGraph:
    """Extract every paper and join the results into one graph.

    Args:
        records: papers, e.g. from `kg.ingest.read_papers([path])`.
        nlp: a pipeline from `kg.nlp.build_nlp()`; the default one is built once and cached.
        report: where readers recorded rejected records; kept on the graph for the summary.
        on_paper: called once per extracted paper (progress bars).

    >>> from kg.types import Paper
    >>> g = build([Paper("p1", "GRPO for Qwen3-8B", "We fine-tune Qwen3-8B with GRPO on MATH-500.")])
    >>> sorted(g.entities["label"])
    ['GRPO', 'MATH-500', 'Qwen3-8B']
    """
    extractions = []
    for ex in extract(records, nlp):
        extractions.append(ex)
        if on_paper:
            on_paper()
    return KnowledgeGraph.from_extractions(extractions, report)
