"""Canonical entities across papers: one node per distinct thing.

Surface forms that share a comparison key (`kg.ids.name_key`) are the same name; names that one
paper gives for one thing (a long form and its acronym, a spelling variant) join their keys. The
joined keys are one entity, labelled by the name papers use most and typed by the type papers
give it most, a paper whose text states the type (a definition, "X, a benchmark") counting ten times
one that typed the name by its shape or by default (`PaperEntity.type_weight`).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from kg.ids import entity_iri, name_key
from kg.types import EntityType, PaperExtraction

# when papers disagree on a type and the votes tie, prefer the more specific reading
_TYPE_TIEBREAK = {EntityType.MODEL: 0, EntityType.BENCHMARK: 1, EntityType.DATASET: 2, EntityType.METHOD: 3}

# size / release suffixes that turn a family name into one checkpoint ("Qwen3-8B" -> "Qwen3")
_VARIANT_SUFFIX = re.compile(
    r"(?:[\s\-_]+(?:\d+(?:\.\d+)?[bmkt]|\d+x\d+b|a\d+(?:\.\d+)?b|instruct|chat|base|it|preview|"
    r"mini|nano|turbo|distill|math|coder|vl|hf|fp8|awq|gptq|v\d+(?:\.\d+)*)\b)+$",
    re.I,
)


@dataclass
class CanonicalEntity:
    key: str
    iri: object
    label: str
    type: EntityType
    aliases: tuple[str, ...]
    papers: frozenset[str]
    family: "str | None" = None  # key of the family entity, for kg:variantOf


@dataclass
class EntityTable:
    """All canonical entities of a build and a lookup from any name to its entity."""

    entities: dict[str, CanonicalEntity] = field(default_factory=dict)  # canonical key -> entity
    by_key: dict[str, str] = field(default_factory=dict)  # any name key -> canonical key

    def resolve(self, name: str) -> CanonicalEntity | None:
        k = self.by_key.get(name_key(name))
        return self.entities.get(k) if k else None

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self):
        return iter(sorted(self.entities.values(), key=lambda e: str(e.iri)))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        p = self.parent.setdefault(x, x)
        while p != self.parent[p]:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        self.parent[x] = p
        return p

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # smaller key wins so the result does not depend on input order
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def family_key(label: str) -> str | None:
    """The family name key of a sized or versioned model label, or None if it has no suffix."""
    base = _VARIANT_SUFFIX.sub("", label)
    if base == label or not base.strip():
        return None
    return name_key(base)


def canonicalise(extractions: Iterable[PaperExtraction]) -> EntityTable:
    """Join every paper's entities into canonical entities (the 'reduce' step of a build)."""
    return canonicalise_rows((ex.paper.id, ent.label, ent.type, ent.names, ent.type_weight)
                             for ex in extractions for ent in ex.entities)


def canonicalise_rows(rows: Iterable[tuple[str, str, EntityType, tuple[str, ...], int]]) -> EntityTable:
    """`canonicalise` over (paper id, label, type, names, type weight) per entity of each paper, in
    input order: all the reduce reads of a record, so a build can feed it without whole records.
    An entity's type is the one with the most weighted votes: a paper whose text says what the name
    is outvotes papers that typed it by its shape alone."""
    uf = _UnionFind()
    label_votes: dict[str, Counter] = defaultdict(Counter)
    type_votes: dict[str, Counter] = defaultdict(Counter)
    surfaces: dict[str, set[str]] = defaultdict(set)
    papers: dict[str, set[str]] = defaultdict(set)
    seen: list[tuple[str, str, object, tuple[str, ...], int]] = []
    memo: dict[str, str] = {}  # name -> name_key: most names recur across papers

    def key_of(n: str) -> str:
        k = memo.get(n)
        if k is None:
            k = memo[n] = name_key(n)
        return k

    for row in rows:
        keys = [k for k in map(key_of, row[3]) if k]
        if not keys:
            continue
        for k in keys[1:]:
            uf.union(keys[0], k)
        seen.append(row)
    for pid, label, etype, names, weight in seen:
        root = uf.find(key_of(label) or key_of(names[0]))
        label_votes[root][label] += 1
        type_votes[root][etype] += weight
        surfaces[root].update(names)
        papers[root].add(pid)
    del seen

    members: dict[str, list[str]] = defaultdict(list)
    for k in list(uf.parent):
        members[uf.find(k)].append(k)
    table = EntityTable()
    for root in sorted(label_votes):
        label = min(label_votes[root].items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]
        etype = min(type_votes[root].items(), key=lambda kv: (-kv[1], _TYPE_TIEBREAK[kv[0]]))[0]
        key = key_of(label)
        aliases = tuple(sorted({s for s in surfaces[root] if s != label}))
        ent = CanonicalEntity(
            key=key, iri=entity_iri(key, label), label=label, type=etype,
            aliases=aliases, papers=frozenset(papers[root]),
        )
        table.entities[key] = ent
        for s in surfaces[root]:
            table.by_key[key_of(s)] = key
        for k in members[root]:
            table.by_key[k] = key
    for ent in table.entities.values():
        if ent.type is EntityType.MODEL:
            fk = family_key(ent.label)
            fam = table.by_key.get(fk) if fk else None
            if fam and fam != ent.key and table.entities[fam].type is EntityType.MODEL:
                ent.family = fam
    return table
