"""Optional statistical span typer, consulted where the rules' cues are weak.

`load_classifier(path)` returns None when no model file is present, so the rules alone run.
"""
from __future__ import annotations


def load_classifier(path: str | None = None):
    return None
