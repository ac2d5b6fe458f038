"""Where the package's data lives: ontology/ (vocabulary, queries, shapes) and the bundled sample."""
from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def ontology_dir() -> Path:
    """ontology/ of the source tree, or the copy packaged inside kg/ when installed from a wheel."""
    for p in (_PKG / "ontology", _PKG.parent / "ontology"):
        if (p / "kg.ttl").exists():
            return p
    raise FileNotFoundError("ontology/ not found next to the kg package")


def ontology_file(name: str) -> Path:
    return ontology_dir() / name
