"""Canonical entities across papers: one node per distinct thing.

Surface forms that share a comparison key (`kg.ids.name_key`) are the same name; names that one
paper gives for one thing (a long form and its acronym, a spelling variant) join their keys. The
joined keys are one entity, labelled by the name papers use most and typed by the type papers
give it most, a paper whose text states the type (a definition, "X, a benchmark") counting ten times
one that typed the name by its shape or by default (`PaperEntity.type_weight`).

An acronym is the exception: a paper that pairs one with its long form ("data augmentation (DA)")
does not join the two keys; the acronym joins the long form most papers define it as, and a
rarer meaning ("domain adaptation (DA)") stays a node of its own (`kg.graph.acronyms`).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from kg.graph.acronyms import row_parts, senses
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

    def resolve_entity(self, label: str, aliases: tuple[str, ...]) -> CanonicalEntity | None:
        """The entity of one paper's entity: the entity of its label, or of its long form where
        it pairs an acronym with one (the acronym alone may mean something else in most papers)."""
        return self.resolve(entity_name(label, aliases))

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


def entity_name(label: str, aliases: tuple[str, ...]) -> str:
    """The name a paper's entity (label and aliases) is resolved by: the name whose group its row
    votes for in the reduce (`Reduction.of`)."""
    if not aliases:
        return label
    names = (label, *aliases)
    joined, shorts, _ = row_parts(names, name_key)
    if not shorts:
        return label
    return next(n for n in names if name_key(n) == joined[0])


def result_names(entities: Iterable[tuple[str, tuple[str, ...]]], names: Iterable[str]) -> list[str]:
    """The names by which a paper's reported results (their benchmark and system names, `names`)
    are resolved: a name of one of the paper's entities (label, aliases) resolves as that entity
    does (`entity_name`), so "DA" in a paper that defined domain adaptation (DA) names domain
    adaptation even where most papers' DA is data augmentation; any other name resolves itself."""
    names = list(names)
    if not names:
        return names
    own: dict[str, str] = {}
    for label, aliases in entities:
        if aliases:
            resolved = entity_name(label, aliases)
            if resolved != label:
                for n in (label, *aliases):
                    own.setdefault(name_key(n), resolved)
    return [own.get(name_key(n), n) for n in names] if own else names


def paper_result_names(ex: PaperExtraction) -> list[str]:
    """`result_names` of a paper's results: benchmark, then system, of each result in turn."""
    return result_names(((e.label, e.aliases) for e in ex.entities),
                        (n for r in ex.results for n in (r.benchmark, r.subject)))


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
    return Reduction.of(rows).table()


Row = tuple[str, str, EntityType, tuple[str, ...], int]


@dataclass
class Reduction:
    """The reduce's totals before it picks labels and types: which name keys are joined (each key's
    root, the smallest key of its group), and per root the label votes, weighted type votes,
    surface forms and papers. Every total is a sum over rows, whatever their order, so rows of new
    papers can be added to an earlier build's totals (`add`) instead of reading every paper's rows
    again; `kg.engine.state` keeps them between builds."""

    root_of: dict[str, str] = field(default_factory=dict)  # name key -> root key of its group
    members: dict[str, list[str]] = field(default_factory=dict)  # root -> its keys
    # votes as plain dicts (vote -> count): they are kept between builds, and plain dicts
    # pickle several times faster than Counters
    label_votes: dict[str, dict[str, int]] = field(default_factory=dict)
    type_votes: dict[str, dict[EntityType, int]] = field(default_factory=dict)
    surfaces: dict[str, set[str]] = field(default_factory=dict)
    papers: dict[str, set[str]] = field(default_factory=dict)
    # short key -> long form -> rows pairing them: the acronyms' senses (`kg.graph.acronyms`)
    expansions: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[Row]) -> "Reduction":
        """The totals of `rows`: names joined first (acronyms to their most defined sense), then
        every row votes for its group's root."""
        uf = _UnionFind()
        label_votes: dict[str, Counter] = defaultdict(Counter)
        type_votes: dict[str, Counter] = defaultdict(Counter)
        surfaces: dict[str, set[str]] = defaultdict(set)
        papers: dict[str, set[str]] = defaultdict(set)
        expansions: dict[str, dict[str, int]] = defaultdict(dict)
        seen: list[tuple[Row, str]] = []
        key_of = _key_memo()
        for row in rows:
            keys, shorts, longs = row_parts(row[3], key_of)
            if not keys:
                continue
            for k in keys[1:]:
                uf.union(keys[0], k)
            _count_expansions(expansions, shorts, longs)
            seen.append((row, keys[0] if shorts else key_of(row[1]) or key_of(row[3][0])))
        for short in sorted(expansions):
            _join_senses(short, senses(short, expansions[short], key_of), uf.union)
        for (pid, label, etype, names, weight), anchor in seen:
            root = uf.find(anchor)
            label_votes[root][label] += 1
            type_votes[root][etype] += weight
            surfaces[root].update(names)
            papers[root].add(pid)
        del seen
        members: dict[str, list[str]] = defaultdict(list)
        root_of = {}
        for k in list(uf.parent):
            r = root_of[k] = uf.find(k)
            members[r].append(k)
        return cls(root_of, dict(members), {r: dict(c) for r, c in label_votes.items()},
                   {r: dict(c) for r, c in type_votes.items()}, dict(surfaces), dict(papers), dict(expansions))

    def table(self) -> EntityTable:
        """The entity table of the totals: one entity per root, labelled and typed by its votes."""
        key_of = _key_memo()
        table = EntityTable()
        for root in sorted(self.label_votes):
            ent = self._entity(root, key_of)
            table.entities[ent.key] = ent
            for s in self.surfaces[root]:
                k = key_of(s)
                if not k or self.root_of.get(k, root) == root:  # an acronym of another sense resolves there
                    table.by_key[k] = ent.key
            for k in self.members.get(root, ()):
                table.by_key[k] = ent.key
        _link_families(table)
        return table

    def _entity(self, root: str, key_of) -> CanonicalEntity:
        label = _most_voted(self.label_votes[root])
        key = key_of(label)
        if self.root_of.get(key, root) != root:
            label = _most_voted(self._labels(root, key_of))
            key = key_of(label)
        etype = min(self.type_votes[root].items(), key=lambda kv: (-kv[1], _TYPE_TIEBREAK[kv[0]]))[0]
        aliases = tuple(sorted({s for s in self.surfaces[root] if s != label}))
        return CanonicalEntity(key=key, iri=entity_iri(key, label), label=label, type=etype,
                               aliases=aliases, papers=frozenset(self.papers[root]))

    def _labels(self, root: str, key_of) -> dict[str, int]:
        """The label votes of a root that name it: a rarer sense of an acronym ("domain adaptation"
        where most papers' DA is data augmentation) is labelled by its long form, never by the
        acronym, whose key is another entity's. Without such votes, its own names, unvoted."""
        own = {label: n for label, n in self.label_votes[root].items() if self.root_of.get(key_of(label)) == root}
        return own or {s: 0 for s in self.surfaces[root] if self.root_of.get(key_of(s)) == root}

    # ---- adding rows to earlier totals

    def add(self, rows: Iterable[Row]) -> "Added":
        """Add the rows of new papers, as `of` would have counted them with the others."""
        key_of = _key_memo()
        seen: list[tuple[Row, str]] = []
        added = Added(set(), {}, True)
        before: dict[str, list[list[str]]] = {}  # short key -> its senses before these rows
        for row in rows:
            if not all(map(key_of, row[3])):
                added.plain, added.why = False, "a name without a key"
            keys, shorts, longs = row_parts(row[3], key_of)
            if not keys:
                continue
            self._group(keys[0], added)
            for k in keys[1:]:
                self._join(keys[0], k, added)
            for short in shorts:
                if short not in before:
                    before[short] = senses(short, self.expansions.get(short, {}), key_of)
            _count_expansions(self.expansions, shorts, longs)
            seen.append((row, keys[0] if shorts else key_of(row[1]) or key_of(row[3][0])))
        for short in sorted(before):
            self._add_senses(short, before[short], senses(short, self.expansions[short], key_of), added)
        for (pid, label, etype, names, weight), anchor in seen:
            root = self._group(anchor, added)
            votes = self.label_votes.setdefault(root, {})
            votes[label] = votes.get(label, 0) + 1
            votes = self.type_votes.setdefault(root, {})
            votes[etype] = votes.get(etype, 0) + weight
            self.surfaces.setdefault(root, set()).update(names)
            self.papers.setdefault(root, set()).add(pid)
            added.roots.add(root)
        added.roots = {self.root_of[r] for r in added.roots}  # a root may have joined a smaller one since
        return added

    def _add_senses(self, short: str, was: list[list[str]], now: list[list[str]], added: "Added") -> None:
        """Join a short key's senses as `of` would. Rows only ever join senses, so the joins
        of the earlier senses hold; but where the short key's most defined sense is no longer
        the one it joined, that join cannot be undone: the totals are then not `plain`."""
        if was and not set(was[0]) <= set(now[0]):
            added.plain, added.why = False, "an acronym's most defined meaning changed"
        _join_senses(short, now, lambda a, b: self._join(a, b, added))

    def _group(self, key: str, added: "Added") -> str:
        """The root of `key`, which starts a group of its own when new."""
        root = self.root_of.get(key)
        if root is None:
            root = self.root_of[key] = key
            self.members[key] = [key]
            added.was.setdefault(key, None)
        return root

    def _join(self, a: str, b: str, added: "Added") -> None:
        """Join the groups of keys `a` and `b` under the smaller root, with their totals."""
        ra, rb = self._group(a, added), self._group(b, added)
        if ra == rb:
            return
        lo, hi = sorted((ra, rb))
        moved = self.members.pop(hi)
        for k in moved:
            added.was.setdefault(k, hi)
            self.root_of[k] = lo
        self.members[lo].extend(moved)
        for totals in (self.label_votes, self.type_votes):
            if hi in totals:
                into = totals.setdefault(lo, {})
                for vote, n in totals.pop(hi).items():
                    into[vote] = into.get(vote, 0) + n
        for totals in (self.surfaces, self.papers):
            if hi in totals:
                totals.setdefault(lo, set()).update(totals.pop(hi))
        added.roots.add(lo)

    def updated_table(self, previous: dict[str, CanonicalEntity], roots: set[str]) -> EntityTable:
        """`table()` after `add`, given the entity of every root before it (`entities_by_root`):
        only the `roots` that `add` touched get their entity made again (minting IRIs is most of
        `table`'s cost). Only for totals that are `plain` before and after."""
        key_of = _key_memo()
        table = EntityTable()
        by_root = {}
        for root in sorted(self.label_votes):
            if root in roots:
                ent = self._entity(root, key_of)
            else:
                old = previous[root]
                ent = CanonicalEntity(old.key, old.iri, old.label, old.type, old.aliases, frozenset(self.papers[root]))
            table.entities[ent.key] = ent
            by_root[root] = ent.key
        table.by_key = {k: by_root[r] for k, r in self.root_of.items()}
        _link_families(table)
        return table

    def entities_by_root(self, table: EntityTable) -> dict[str, CanonicalEntity]:
        """The entity `table()` made of each root."""
        return {root: table.entities[table.by_key[root]] for root in self.label_votes}

    def plain(self, table: EntityTable) -> bool:
        """Whether every name of the totals has a key (`table` then maps exactly the keys of the
        groups, which `updated_table` relies on)."""
        return "" not in self.root_of and "" not in table.by_key


def _most_voted(votes: dict[str, int]) -> str:
    """The label with the most votes; ties: the shortest, then the first in code point order."""
    return min(votes.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]


@dataclass
class Added:
    """What `Reduction.add` changed: the roots whose totals changed, each key's root before
    (None: a new key) where it changed, and whether every added name had a key."""

    roots: set[str]
    was: dict[str, str | None]
    plain: bool
    why: str = ""  # why not plain


def _count_expansions(expansions: dict[str, dict[str, int]], shorts: list[str], longs: list[str]) -> None:
    """Count one row's pairs of a short key and a long form."""
    for short in shorts:
        forms = expansions.setdefault(short, {})
        for long in longs:
            forms[long] = forms.get(long, 0) + 1


def _join_senses(short: str, found: list[list[str]], union) -> None:
    """The joins an acronym's senses make: each sense's long forms one name, and the short key
    one with the first (most defined) sense only."""
    for sense in found:
        for k in sense[1:]:
            union(sense[0], k)
    if found:
        union(short, found[0][0])


def _key_memo():
    """`name_key`, remembered per name: most names recur across papers."""
    memo: dict[str, str] = {}

    def key_of(n: str) -> str:
        k = memo.get(n)
        if k is None:
            k = memo[n] = name_key(n)
        return k

    return key_of


def _link_families(table: EntityTable) -> None:
    for ent in table.entities.values():
        if ent.type is EntityType.MODEL:
            fk = family_key(ent.label)
            fam = table.by_key.get(fk) if fk else None
            if fam and fam != ent.key and table.entities[fam].type is EntityType.MODEL:
                ent.family = fam
