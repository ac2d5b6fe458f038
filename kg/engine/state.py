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

Where the papers came from files (`InputFiles`, as `kg build` reads them), the state also keeps
what each file was (its name, format and a digest of its bytes) and what reading it reported
(rejects, merged duplicates). A rebuild whose first files are the previous build's files, unchanged,
does not read them again: their papers are the state's, and only the files after them are read
(`InputFiles.skip`).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from pathlib import Path

from kg.graph.canonical import Added, CanonicalEntity, EntityTable, Reduction
from kg.types import Paper, ReadReport, Reject

STATE_PATH = ".cache/build-state.pkl"  # in the cache folder, which builds carry over as it is
#: The layout of the file; part of the version it is kept under.
FORMAT = "build-state 3"


@dataclass
class BuildState:
    """What the previous build made its graph from."""

    reduction: Reduction
    entities: dict[str, CanonicalEntity]  # root key -> its entity (without its papers)
    papers: dict[str, tuple[bytes, str, tuple[str, ...]]]  # id -> (paper_digest, fingerprint, name keys)
    triples: int  # lines of graph.nt
    families: dict[str, str]  # root key -> IRI of its entity's family, where it has one
    inputs: tuple | None = None  # the files the papers were read from (`InputFiles.kept`), if known


def paper_digest(p: Paper) -> bytes:
    """A digest of everything of a paper that its record and its triples read (not its place in
    the input): equal digests, same text, so the same record and the same lines."""
    content = repr((p.id, p.title, p.abstract, p.date, p.url, p.authors))
    return hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def save_state(folder: Path, version: str, reduction: Reduction, table: EntityTable,
               papers: dict[str, tuple[bytes, str, tuple[str, ...]]], nt: Path, triples: int,
               inputs: tuple | None = None) -> Path | None:
    """Write the state of a build whose graph.nt is `nt` (staged, not yet in `folder`) into the
    output folder's cache folder, which the build carries over: a build killed before its folder
    is swapped in leaves a state that names another graph.nt than the folder's, so it is not
    used. None where the totals are not plain (`Reduction.updated_table` could not follow them,
    so a state would never be used). `inputs`: the files `papers` were read from, where known
    (`InputFiles.kept`)."""
    if not reduction.plain(table):
        return None
    st = nt.stat()
    path = folder / STATE_PATH
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        pickle.dump((f"{version}\0{FORMAT}", st.st_size, st.st_mtime_ns), f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(_plain(reduction, table, papers, triples, inputs), f, protocol=pickle.HIGHEST_PROTOCOL)
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


def _plain(reduction: Reduction, table: EntityTable, papers, triples: int, inputs: tuple | None) -> tuple:
    r = reduction
    by_root = r.entities_by_root(table)
    entities = {root: (e.key, str(e.iri), e.label, e.type, e.aliases) for root, e in by_root.items()}
    families = {root: str(table.entities[e.family].iri) for root, e in by_root.items() if e.family}
    return (r.root_of, r.members, r.label_votes, r.type_votes, r.surfaces, r.papers, r.expansions, entities, papers,
            triples, families, inputs)


def _unplain(data: tuple) -> BuildState:
    from rdflib import URIRef

    (root_of, members, label_votes, type_votes, surfaces, papers, expansions, entities, per_paper, triples, families,
     inputs) = data
    reduction = Reduction(root_of, members, label_votes, type_votes, surfaces, papers, expansions)
    bare = frozenset()
    new_iri = str.__new__  # the IRIs were minted and checked when they were made: no second check
    entities = {root: CanonicalEntity(key, new_iri(URIRef, iri), label, etype, aliases, bare)
                for root, (key, iri, label, etype, aliases) in entities.items()}
    return BuildState(reduction, entities, per_paper, triples, families, inputs)


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


# ---------------------------------------------------------------- the input files


class InputFiles:
    """The papers of input files, read as `kg.ingest.read_papers` reads them (the same checks
    before the first paper, order, merged duplicates and rejects), keeping what each file was and
    what reading it reported (`kept`), so that the next build into the folder need not read again
    the files that have not changed (`skip`).

    Iterating reads every file, each time. Raises as `read_papers` does.
    """

    def __init__(self, paths, format: str | None = None, report: ReadReport | None = None, *,
                 strict: bool = False):
        from kg.ingest.detect import check_file, resolve_format

        files = [Path(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
        self.plan = [(check_file(p), resolve_format(p, format)) for p in files]
        self.report, self.strict = report, strict
        self._kept: tuple | None = None  # (reader version, one entry per file) of the last whole reading
        self._mark = None  # the report before `skip` added the skipped files' rejects
        self._skipped = 0  # leading files the last `skip` took from the state

    def __iter__(self) -> Iterator[Paper]:
        return self._stream(0, [], {})

    def kept(self) -> tuple | None:
        """(reader version, per file (name, format, digest, rejects, merged duplicates)) of the
        last reading that went through every file; None if none did, or a file changed while it
        was read."""
        return self._kept

    def skip(self, kept: tuple | None, known: dict[str, tuple]) -> Iterator[Paper] | None:
        """Where the first files are the files of `kept` (the state's: `BuildState.inputs`), with
        the same bytes, format and reader, the papers of the files after them: read as if those
        files had been read before (their rejects and merged duplicates go to the report, their
        papers' ids are known: `known`, the state's papers, by id, each with its digest first).
        None where they are not, or the report cannot be made the same without reading them.

        The iterator raises `Reread` where a paper repeats the id of a skipped paper with other
        content (the reject names where the first was, which the state does not keep):
        `reread` reads every file then."""
        if not kept or kept[0] != reader_version() or self.report is None:
            return None
        entries = kept[1]
        if len(entries) > len(self.plan) or (self.strict and any(e[3] for e in entries)):
            return None
        for (path, fmt), (name, kept_fmt, digest, _, _) in zip(self.plan, entries):
            if str(path) != name or fmt != kept_fmt or _file_digest(path)[0] != digest:
                return None
        report = self.report
        self._mark = (len(report.rejects), report.duplicates_merged)
        for e in entries:
            report.rejects.extend(Reject(*r) for r in e[3])
            report.duplicates_merged += e[4]
        self._skipped = len(entries)
        return self._stream(len(entries), list(entries), known)

    def reread(self) -> Iterator[Paper]:
        """Every paper of every file, the report as it was before `skip`."""
        if self._mark is not None:
            n, dups = self._mark
            del self.report.rejects[n:]
            self.report.duplicates_merged = dups
            self._mark = None
        self._skipped = 0
        return iter(self)

    def skipped_papers(self) -> Iterator[Paper]:
        """The papers of the files the last `skip` did not read, read now (the report untouched)."""
        part = InputFiles([], report=ReadReport())
        part.plan = self.plan[:self._skipped]
        return iter(part)

    def _stream(self, start: int, entries: list, known: dict) -> Iterator[Paper]:
        """The papers of the files from `start` on, after files whose entries are `entries` and
        papers `known` (their ids; each with its digest first) were read."""
        from kg.ingest.read import _dedupe, _read, _reject

        self._kept = None
        report, strict = self.report, self.strict
        seen: dict[str, tuple[str, str]] = {}  # as `read_papers` keeps them, for the papers read here
        whole = True
        for path, fmt in self.plan[start:]:
            digest, before = _file_digest(path)
            n, dups = (len(report.rejects), report.duplicates_merged) if report is not None else (0, 0)
            for item in _read(path, fmt):
                if isinstance(item, Paper) and item.id in known:  # never in `seen`: it only holds new ids
                    # what `_dedupe` would make of it, without the first one's fingerprint: the same
                    # id and content (digest) is a duplicate, other content a reject naming the
                    # first one's place (which the state does not keep)
                    if paper_digest(item) != known[item.id][0]:
                        raise Reread(f"{item.source}:{item.line}: id {item.id!r} of a paper read before, "
                                     f"with other content")
                    if report is not None:
                        report.duplicates_merged += 1
                    continue
                checked = _dedupe(item, seen, report) if isinstance(item, Paper) else item
                if isinstance(checked, Reject):
                    _reject(checked, report, strict)
                elif checked is not None:
                    yield checked
            whole = whole and report is not None and _stat(path) == before
            if whole:
                entries.append((str(path), fmt, digest, tuple(astuple(r) for r in report.rejects[n:]),
                                report.duplicates_merged - dups))
        self._kept = (reader_version(), tuple(entries)) if whole else None


class Reread(Exception):
    """A file read after skipped ones cannot be read as if they had been: read them all."""


def _stat(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def _file_digest(path: Path) -> tuple[bytes, tuple[int, int]]:
    """A digest of the file's bytes, and its size and mtime when it was taken."""
    before = _stat(path)
    h = hashlib.sha256()  # the fastest here (CPUs hash it in hardware): 10 ms for 18 MB
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.digest(), before


_READER_VERSION: list[str] = []


def reader_version() -> str:
    """The version of what turns files into papers: the readers' sources (`kg.ingest`, and the
    modules of kg they use), the versions of the parsers they call and of Python."""
    if not _READER_VERSION:
        import kg.ingest.read  # noqa: F401  (and with it every reader)

        pkg = Path(__file__).resolve().parent.parent
        h = hashlib.sha256(f"{sys.version}\0{FORMAT}\0".encode())
        for src in [*sorted((pkg / "ingest").glob("*.py")), pkg / "types.py", pkg / "text.py", pkg / "errors.py"]:
            h.update(f"\0{src.relative_to(pkg)}\0".encode() + src.read_bytes())
        for lib in ("bibtexparser", "defusedxml"):
            h.update(f"\0{lib} {getattr(sys.modules.get(lib), '__version__', None)}".encode())
        _READER_VERSION.append(h.hexdigest())
    return _READER_VERSION[0]
