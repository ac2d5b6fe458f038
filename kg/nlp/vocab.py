"""The curated vocabulary (ontology/vocabulary.yaml): known entities with types and aliases, and
the generic terms that must never become entities."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kg.errors import ConfigError
from kg.ids import name_key
from kg.resources import ontology_file
from kg.types import EntityType


@dataclass(frozen=True)
class VocabEntry:
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    also: EntityType | None = None  # second reading (Dataset <-> Benchmark), decided by context
    family: str | None = None


@dataclass
class Vocabulary:
    entries: list[VocabEntry] = field(default_factory=list)
    by_key: dict[str, VocabEntry] = field(default_factory=dict)
    generic: set[str] = field(default_factory=set)  # name keys

    def lookup(self, name: str) -> VocabEntry | None:
        return self.by_key.get(name_key(name))

    def is_generic(self, name: str) -> bool:
        k = name_key(name)
        return k in self.generic or (k.endswith("s") and k[:-1] in self.generic)

    def surface_forms(self):
        """(surface, entry) for every name and alias, for the phrase matcher."""
        for e in self.entries:
            for s in (e.name, *e.aliases):
                yield s, e


def _loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_vocabulary(path: Path | str | None = None) -> Vocabulary:
    """Read a vocabulary file; raises ConfigError naming the file and entry on a bad entry."""
    path = Path(path) if path else ontology_file("vocabulary.yaml")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader()) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"cannot read vocabulary {path}: {e}") from e
    voc = Vocabulary()
    for section in ("Method", "Model", "Dataset", "Benchmark"):
        for i, item in enumerate(data.get(section) or [], 1):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise ConfigError(f"{path}: {section} entry {i} needs a 'name' string")
            also = item.get("also")
            entry = VocabEntry(
                name=item["name"],
                type=EntityType(section),
                aliases=tuple(str(a) for a in item.get("aliases") or ()),
                also=EntityType(also) if also else None,
                family=item.get("family"),
            )
            voc.entries.append(entry)
            for s in (entry.name, *entry.aliases):
                voc.by_key.setdefault(name_key(s), entry)
    voc.generic = {name_key(str(g)) for g in data.get("Generic") or ()} - {""}
    # a curated entity is never generic, whatever the stop list says
    voc.generic -= set(voc.by_key)
    return voc


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()
