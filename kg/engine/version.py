"""The pipeline version: what an extraction record depends on besides the paper's text.

A cached record is reused only while the version is unchanged, so the version hashes everything
that can change what extraction returns: the package version, the vocabulary file in use and the
source of the modules extraction runs (kg/nlp/*.py, plus the name keys, record types and text
cleaning it calls) and the model files it loads (kg/data/*.npz, or the file $KG_SPAN_TYPER names).
"""
from __future__ import annotations

import hashlib
import os
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

    vocab = Path(vocabulary_path) if vocabulary_path else ontology_file("vocabulary.yaml")
    files = sorted((_PKG / "nlp").glob("*.py")) + [_PKG / s for s in _SOURCES] + [vocab]
    files += sorted((_PKG / "data").glob("*.npz"))
    if os.environ.get("KG_SPAN_TYPER"):
        files.append(Path(os.environ["KG_SPAN_TYPER"]))
    files = [f.resolve() for f in files if f.is_file()]
    return _version(tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))


@lru_cache(maxsize=8)
def _version(files: tuple[tuple[str, int, int], ...]) -> str:
    import kg

    h = hashlib.sha256()
    h.update(f"paper-kg {kg.__version__}\0".encode())
    for f in (Path(name) for name, _, _ in files):
        h.update(f.name.encode() + b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
