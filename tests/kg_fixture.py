"""A small, exactly known graph for the store, query, endpoint, validation and export tests.

The graph is built from extraction records written by hand (no NLP), so every expected query
answer follows from the table below and not from what the extractor happens to find:

    paper  proposes          uses                 evaluatesOn        comparesWith   mentions     results
    p1     FooBar (Method)   Qwen3-8B, GRPO       MATH-500, GSM8K    -              -            FooBar MATH-500 71.2 %, FooBar GSM8K 88.5 %
    p2     -                 CoT, Qwen3-8B        MATH-500           GRPO           -            Qwen3-8B MATH-500 64.0 %
    p3     BazNet (Model),   GRPO                 GSM8K              Llama-2-13B    -            BazNet GSM8K 80.1 %
           BazSet (Dataset)
    p4     -                 -                    -                  -              GRPO, DPO,
                                                                                    CoT, Qwen3

CoT is also written "chain-of-thought"; Qwen3-8B is a variant of Qwen3.
"""
from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from kg.types import EntityType, Mention, Paper, PaperEntity, PaperExtraction, Relation, Result

M, MO, D, B = EntityType.METHOD, EntityType.MODEL, EntityType.DATASET, EntityType.BENCHMARK
P, U, E, C, N = Relation.PROPOSES, Relation.USES, Relation.EVALUATES_ON, Relation.COMPARES_WITH, Relation.MENTIONS

PAPERS = [
    Paper("p1", "FooBar: Search-Guided Reasoning",
          "We propose FooBar, a search framework for math reasoning. We fine-tune Qwen3-8B with GRPO. "
          "On MATH-500 FooBar reaches 71.2% accuracy and on GSM8K it reaches 88.5% accuracy.",
          date="2025-09-02", url="https://example.org/papers/p1", authors=("Ada Lovelace", "Alan Turing")),
    Paper("p2", "Scaling chain-of-thought",
          "We study chain-of-thought (CoT) prompting with Qwen3-8B and compare it with GRPO. "
          "On MATH-500 Qwen3-8B with CoT reaches 64.0% accuracy."),
    Paper("p3", "BazNet and BazSet",
          "We introduce BazNet, a small reasoning model, and release BazSet, a dataset of solved problems. "
          "BazNet is trained with GRPO and outperforms Llama-2-13B on GSM8K with 80.1% accuracy."),
    Paper("p4", "A survey of reasoning",
          "We survey GRPO, DPO and CoT, and the Qwen3 family of models."),
]

# paper id -> [(label, type, relation, aliases)]
ENTITIES = {
    "p1": [("FooBar", M, P, ()), ("Qwen3-8B", MO, U, ()), ("GRPO", M, U, ()), ("MATH-500", B, E, ()), ("GSM8K", B, E, ())],
    "p2": [("CoT", M, U, ("chain-of-thought",)), ("Qwen3-8B", MO, U, ()), ("MATH-500", B, E, ()), ("GRPO", M, C, ())],
    "p3": [("BazNet", MO, P, ()), ("BazSet", D, P, ()), ("GRPO", M, U, ()), ("GSM8K", B, E, ()), ("Llama-2-13B", MO, C, ())],
    "p4": [("GRPO", M, N, ()), ("DPO", M, N, ()), ("CoT", M, N, ()), ("Qwen3", MO, N, ())],
}

RESULTS = {
    "p1": [("FooBar", "MATH-500", 71.2), ("FooBar", "GSM8K", 88.5)],
    "p2": [("Qwen3-8B", "MATH-500", 64.0)],
    "p3": [("BazNet", "GSM8K", 80.1)],
}


def _sentence(text: str, pos: int) -> tuple[int, int]:
    starts = [0] + [m.end() for m in re.finditer(r"(?<=[.:])\s+|\n\n", text) if m.end() <= pos]
    start = starts[-1]
    m = re.search(r"\.(\s|$)", text[pos:])
    return start, pos + m.start() + 1 if m else len(text)


def _mention(text: str, surface: str) -> Mention:
    i = text.index(surface)
    s, e = _sentence(text, i)
    return Mention(surface=surface, start=i, end=i + len(surface), sentence_start=s, sentence_end=e)


def extractions() -> list[PaperExtraction]:
    out = []
    for p in PAPERS:
        ents = tuple(
            PaperEntity(label=label, type=t, relation=rel, aliases=aliases,
                        mentions=tuple(_mention(p.text, n) for n in (label, *aliases) if n in p.text))
            for label, t, rel, aliases in ENTITIES[p.id]
        )
        results = tuple(Result(subject=s, benchmark=b, metric="accuracy", value=v, unit="%")
                        for s, b, v in RESULTS.get(p.id, ()))
        out.append(PaperExtraction(paper=p, entities=ents, results=results))
    return out


def knowledge_graph():
    from kg.graph.model import KnowledgeGraph

    return KnowledgeGraph.from_extractions(extractions())


@lru_cache(maxsize=None)
def build_dir(formats: tuple[str, ...] = ("nt", "ttl", "store")) -> Path:
    """The fixture written once per test session (a read-only use is assumed)."""
    from kg.export import write_outputs

    d = Path(tempfile.mkdtemp(prefix="kg-fixture-"))
    atexit.register(shutil.rmtree, d, True)
    write_outputs(knowledge_graph(), d / "build", formats)
    return d / "build"
