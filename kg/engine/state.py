"""The state a build leaves for the next one: the reduce's totals and what each paper's triples
were made from, so that adding papers to a corpus costs about the new papers, not the corpus.

Without it a rebuild reads every cached record again, joins every paper's names again and
fingerprints every paper again to learn that almost nothing changed. With it, a paper whose
content is what the state says it was (`paper_digest`) is not looked at again: only new papers
are extracted (or found in the cache), their rows are added to the kept totals
(`kg.graph.canonical.Reduction.add`), only the entities they touch are made again, and only the
papers that name an entity whose canonical key or IRI moved are fingerprinted again.

The state holds only for the graph.nt it was written with (its size and mtime, as the index of
`incremental`) and the same triples version; a build that cannot use it (a paper changed or
gone, an id twice, a name without a key, an unreadable file) takes the full path, whose result
it equals byte for byte.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from kg.graph.canonical import Added, CanonicalEntity, EntityTable, Reduction
from kg.types import Paper

STATE_PATH = ".cache/build-state.pkl"  # in the cache folder, which builds carry over as it is
#: The layout of the file; part of the version it is kept under.
FORMAT = "build-state 1"


@dataclass
class BuildState:
    """What the previous build made its graph from."""

    reduction: Reduction
    entities: dict[str, CanonicalEntity]  # root key -> its entity (without its papers)
    papers: dict[str, tuple[bytes, str, tuple[str, ...]]]  # id -> (paper_digest, fingerprint, name keys)
    triples: int  # lines of graph.nt
    families: dict[str, str]  # root key -> IRI of its entity's family, where it has one


def paper_digest(p: Paper) -> bytes:
    """A digest of everything of a paper that its record and its triples read (not its place in
    the input): equal digests, same text, so the same record and the same lines."""
    content = repr((p.id, p.title, p.abstract, p.date, p.url, p.authors))
    return hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def save_state(folder: Path, version: str, reduction: Reduction, table: EntityTable,
               papers: dict[str, tuple[bytes, str, tuple[str, ...]]], nt: Path, triples: int) -> Path | None:
    """Write the state of a build whose graph.nt is `nt` (staged, not yet in `folder`) into the
    output folder's cache folder, which the build carries over: a build killed before its folder
    is swapped in leaves a state that names another graph.nt than the folder's, so it is not
    used. None where the totals are not plain (`Reduction.updated_table` could not follow them,
    so a state would never be used)."""
    if not reduction.plain(table):
        return None
    st = nt.stat()
    path = folder / STATE_PATH
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        pickle.dump((f"{version}\0{FORMAT}", st.st_size, st.st_mtime_ns), f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(_plain(reduction, table, papers, triples), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


def load_state(folder: Path, version: str) -> BuildState | None:
    """The state the previous build left in `folder`, if it describes its graph.nt under
    `version`; None otherwise (missing, stale, edited or unreadable: never an error)."""
    path, nt = folder / STATE_PATH, folder / "graph.nt"
    try:
        st = nt.stat()
        with open(path, "rb") as f:
            head = pickle.load(f)
            if head != (f"{version}\0{FORMAT}", st.st_size, st.st_mtime_ns):
                return None
            return _unplain(pickle.load(f))
    except Exception:  # noqa: BLE001 - a damaged file of any kind only means a full build
        return None


# The file holds builtin types (dicts, tuples, strings, numbers) and the entity types (pickled once
# each): IRIs and dataclasses cost several times as much to pickle and unpickle, and the state is
# read and written by every rebuild.


def _plain(reduction: Reduction, table: EntityTable, papers, triples: int) -> tuple:
    r = reduction
    by_root = r.entities_by_root(table)
    entities = {root: (e.key, str(e.iri), e.label, e.type, e.aliases) for root, e in by_root.items()}
    families = {root: str(table.entities[e.family].iri) for root, e in by_root.items() if e.family}
    return (r.root_of, r.members, r.label_votes, r.type_votes, r.surfaces, r.papers, entities, papers, triples,
            families)


def _unplain(data: tuple) -> BuildState:
    from rdflib import URIRef

    root_of, members, label_votes, type_votes, surfaces, papers, entities, per_paper, triples, families = data
    reduction = Reduction(root_of, members, label_votes, type_votes, surfaces, papers)
    bare = frozenset()
    new_iri = str.__new__  # the IRIs were minted and checked when they were made: no second check
    entities = {root: CanonicalEntity(key, new_iri(URIRef, iri), label, etype, aliases, bare)
                for root, (key, iri, label, etype, aliases) in entities.items()}
    return BuildState(reduction, entities, per_paper, triples, families)


def moved_keys(state: BuildState, reduction: Reduction, table: EntityTable, added: Added) -> set[str]:
    """The name keys that resolve to another canonical key or IRI than before `added` (or that
    resolved to nothing): only papers naming one of them can have another fingerprint. Only the
    keys of the roots `add` touched can."""
    moved = set()
    for root in added.roots:
        ent = table.entities[table.by_key[root]]
        now = (ent.key, ent.iri)
        for k in reduction.members[root]:
            was = added.was.get(k, root)
            old = state.entities.get(was) if was is not None else None
            if old is None or (old.key, old.iri) != now:
                moved.add(k)
    return moved


def affected_papers(state: BuildState, moved: set[str]) -> list[str]:
    """Ids of the previous build's papers whose fingerprint read one of the `moved` keys."""
    if not moved:
        return []
    return [pid for pid, (_, _, keys) in state.papers.items() if not moved.isdisjoint(keys)]


def changed_entities(state: BuildState, reduction: Reduction, table: EntityTable, added: Added) -> tuple[set[str], set[str]]:
    """The entities whose lines can differ from the previous build's: (keys of entities in
    `table` to make lines for, IRIs of the previous build's entities whose lines to replace).
    An entity's lines read its IRI, type, label, aliases, paper count and its family's IRI: all
    but the last change only with the rows of its root, which `add` reports."""
    keys, old_iris = set(), set()
    for root in added.roots:
        keys.add(table.by_key[root])
    for k, was in added.was.items():  # roots merged into a touched one, or touched themselves
        if was is not None and was in state.entities:
            old_iris.add(str(state.entities[was].iri))
    for root in added.roots:
        if root in state.entities:
            old_iris.add(str(state.entities[root].iri))
    fams = state.families
    for root in reduction.label_votes:
        if root in added.roots:
            continue
        ent = table.entities[table.by_key[root]]
        fam = str(table.entities[ent.family].iri) if ent.family else None
        if fam != fams.get(root):
            keys.add(ent.key)
    return keys, old_iris
