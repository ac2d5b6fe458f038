"""The pipeline version: what an extraction record depends on besides the paper's text.

A cached record is reused only while the version is unchanged, so the version hashes everything
that can change what extraction returns: the package version, the vocabulary file in use and the
source of the modules extraction runs (kg/nlp/*.py, plus the name keys, record types and text
cleaning it calls) and the model files it loads (the span typer `kg.nlp.classifier.model_path()` names, or none: the rules alone are another version).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent
_SOURCES = ("ids.py", "types.py", "text.py")


def pipeline_version(vocabulary_path: str | None = None) -> str:
    """A hex digest that changes whenever extraction could give another record for the same text.

    >>> len(pipeline_version())
    64
    """
    from kg.resources import ontology_file

    from kg.nlp.classifier import model_path

    vocab = Path(vocabulary_path) if vocabulary_path else ontology_file("vocabulary.yaml")
    files = sorted((_PKG / "nlp").glob("*.py")) + [_PKG / s for s in _SOURCES] + [vocab]
    typer = model_path()  # the rules alone and the rules + typer give other records: other versions
    if typer is not None:
        files.append(typer)
    files = [f.resolve() for f in files if f.is_file()]
    mode = "rules + span typer" if typer is not None else "rules alone"
    return _version(tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files), mode)


@lru_cache(maxsize=8)
def _version(files: tuple[tuple[str, int, int], ...], mode: str = "") -> str:
    import kg

    h = hashlib.sha256()
    h.update(f"paper-kg {kg.__version__}\0{mode}\0".encode())
    for f in (Path(name) for name, _, _ in files):
        h.update(f.name.encode() + b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
