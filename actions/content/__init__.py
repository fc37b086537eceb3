"""Awareness content: modules as data (data/content/<lang>/), progress, retrieval, and actions.

The logic has no rasa-sdk import, so the benchmark, the web API and the tests use it directly::

    modules = load_modules(content_dir("en"))
    hit = index_for(content_dir("en")).answer("what is the entrepreneurial discovery process?")
"""

from __future__ import annotations

from pathlib import Path

from actions.content.modules import (
    MAX_STEP_CHARS,
    Check,
    Module,
    ModuleError,
    Region,
    Step,
    load_modules,
    parse_module,
    validate_modules,
)
from actions.content.retrieval import MIN_SCORE, ContentIndex, Hit, Passage, index_for

DEFAULT_LANGUAGE = "en"


def content_dir(language: str | None = None) -> Path:
    """data/content/<language>/, or the English one when that language has no modules."""
    from actions import store

    root = store.data_dir() / "content"
    wanted = root / (language or DEFAULT_LANGUAGE)
    return wanted if wanted.is_dir() else root / DEFAULT_LANGUAGE


__all__ = [
    "MAX_STEP_CHARS",
    "MIN_SCORE",
    "Check",
    "ContentIndex",
    "Hit",
    "Module",
    "ModuleError",
    "Passage",
    "Region",
    "Step",
    "content_dir",
    "index_for",
    "load_modules",
    "parse_module",
    "validate_modules",
]
