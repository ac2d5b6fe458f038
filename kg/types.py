"""Data that crosses module boundaries: papers in, extraction records out.

Everything here is a frozen dataclass or an enum, made of plain strings and numbers, so records
pickle cheaply across worker processes and serialise to JSON for caching.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class EntityType(str, Enum):
    """The four entity classes of the graph (GUIDELINES.md, "Entity types")."""

    METHOD = "Method"
    MODEL = "Model"
    DATASET = "Dataset"
    BENCHMARK = "Benchmark"


class Relation(str, Enum):
    """Paper -> entity relations; `priority` orders them, most specific first."""

    PROPOSES = "proposes"
    EVALUATES_ON = "evaluatesOn"
    COMPARES_WITH = "comparesWith"
    USES = "uses"
    MENTIONS = "mentions"

    @property
    def priority(self) -> int:
        return _PRIORITY[self]


_PRIORITY = {r: i for i, r in enumerate(Relation)}


class Cue:
    """Why a mention states its relation (`Mention.cue`): what `kg.nlp.extract` read around it.
    Plain strings, so records stay plain data."""

    WE_PROPOSE = "we propose"
    TITLE_NAME = "title name"
    NEW_NAME_IN_TITLE = "new name in title"
    EVALUATED_ON = "evaluated on"
    BENCHMARK = "benchmark"
    COMPARED_WITH = "compared with"
    USED = "used"
    MODEL_UNDER_STUDY = "model under study"
    NAMED_IN_TITLE = "named in the title"
    DATA = "data"
    BACKGROUND = "background"
    NO_SPAN = "no span"


#: The cues that give each relation, strongest evidence first: cues read in the sentence around the
#: name come before cues read off where or what the name is (a name in the title, a benchmark or a
#: dataset by default), so "We propose X, ..." is quoted rather than the title "X: Scaling ...",
#: though both make the edge `proposes` (`kg.graph.rdf.evidence_mention`).
RELATION_CUES: dict[Relation, tuple[str, ...]] = {
    Relation.PROPOSES: (Cue.WE_PROPOSE, Cue.TITLE_NAME, Cue.NEW_NAME_IN_TITLE),
    Relation.EVALUATES_ON: (Cue.EVALUATED_ON, Cue.BENCHMARK),
    Relation.COMPARES_WITH: (Cue.COMPARED_WITH,),
    Relation.USES: (Cue.USED, Cue.MODEL_UNDER_STUDY, Cue.NAMED_IN_TITLE, Cue.DATA),
    Relation.MENTIONS: (Cue.BACKGROUND, Cue.NO_SPAN),
}


@dataclass(frozen=True)
class Paper:
    """One input record. `id` is the input id (or a stable content hash when the input had none)."""

    id: str
    title: str
    abstract: str
    date: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    source: str | None = None  # file the record came from
    line: int | None = None  # 1-based line or entry number in that file

    @property
    def text(self) -> str:
        """The text extraction reads: title, a blank line, abstract. Mention offsets index into it."""
        return f"{self.title}\n\n{self.abstract}" if self.title else self.abstract

    @property
    def abstract_offset(self) -> int:
        """Where the abstract starts inside `text`."""
        return len(self.title) + 2 if self.title else 0


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity name in a paper's `text` (character offsets, end exclusive)."""

    surface: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    cue: str | None = None  # the context cue that decided type or relation, for explanations


# a name defined once ("We refer to our architecture as Neural Density Evolution (NDE)") and then
# used bare in dozens of paragraphs or papers, each typed Method by default, is what the definition
# says: one stated type outvotes up to 29 guesses (10 was too few on GSAP's long papers)
TYPE_WEIGHT_CUE = 30
# ...and a definition's long form ("Stochastic Configuration Networks (SCNs)") says what the name is
# more surely than how a paper speaks of it in passing ("our SCN framework")
TYPE_WEIGHT_DEFINED = 100


@dataclass(frozen=True)
class PaperEntity:
    """A distinct thing named in one paper, with the one relation the paper has to it."""

    label: str
    type: EntityType
    relation: Relation
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    # the votes this paper's type gets where papers disagree on one entity's type (the reduce,
    # kg.graph.canonical): TYPE_WEIGHT_CUE when a context cue ("X, a benchmark", a long form, the
    # vocabulary) typed it, 1 when only the name's shape or the default did
    type_weight: int = 1

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Result:
    """A number the abstract reports for a system on a benchmark."""

    subject: str
    benchmark: str
    metric: str
    value: float
    unit: str | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None


@dataclass(frozen=True)
class PaperExtraction:
    """Everything extracted from one paper: the unit of caching and of distribution."""

    paper: Paper
    entities: tuple[PaperEntity, ...] = ()
    results: tuple[Result, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PaperExtraction":
        p = d["paper"]
        paper = Paper(**{**p, "authors": tuple(p.get("authors") or ())})
        ents = tuple(
            PaperEntity(
                label=e["label"],
                type=EntityType(e["type"]),
                relation=Relation(e["relation"]),
                aliases=tuple(e.get("aliases") or ()),
                mentions=tuple(Mention(**m) for m in e.get("mentions") or ()),
            )
            for e in d.get("entities") or ()
        )
        results = tuple(Result(**r) for r in d.get("results") or ())
        return cls(paper=paper, entities=ents, results=results)


@dataclass(frozen=True)
class Reject:
    """An input record that could not become a paper: where it was and why."""

    source: str
    line: int
    id: str | None
    reason: str


@dataclass
class ReadReport:
    """What a reader produced besides papers: rejected records and quietly merged duplicates."""

    rejects: list[Reject] = field(default_factory=list)
    duplicates_merged: int = 0
