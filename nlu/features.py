"""Sparse n-gram features for intent classification: word and character n-grams, TF-IDF.

A ``NgramView`` owns one vocabulary (n-gram -> column) and its inverse document
frequencies. It turns a list of lower-cased tokens into the columns and values of
one L2-normalised, sublinear TF-IDF row, the same way at training and at parse time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

WORD = "word"
CHAR = "char"
PAIR = "pair"
#: Marks the start of a message in word n-grams: "<s> why" and "<s> find" tell a question
#: about a topic from a request to act, which the same words later in a message do not.
START = "<s>"


def word_ngrams(tokens: Sequence[str], low: int, high: int) -> list[str]:
    """Word n-grams of ``low`` to ``high`` tokens, joined by a space."""
    grams: list[str] = []
    for n in range(low, high + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_ngrams(tokens: Sequence[str], low: int, high: int) -> list[str]:
    """Character n-grams inside each token padded with spaces (like ``char_wb``)."""
    grams: list[str] = []
    for token in tokens:
        padded = f" {token} "
        for n in range(low, high + 1):
            if len(padded) < n:
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def word_pairs(tokens: Sequence[str], window: int) -> list[str]:
    """Ordered pairs of word tokens at most ``window`` apart (punctuation skipped).

    Pairs stand for co-occurrences that adjacent n-grams miss ("book ... flight").
    """
    words = [token for token in tokens if any(char.isalnum() for char in token)]
    return [
        f"{first}|{second}"
        for i, first in enumerate(words)
        for second in words[i + 1 : i + 1 + window]
    ]


@dataclass
class NgramView:
    """One feature view: kind, n-gram range, minimum document frequency, vocabulary, idf.

    For ``pair`` views ``high`` is the largest distance between the two words.
    """

    kind: str
    low: int
    high: int
    min_df: int = 1
    vocabulary: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    def grams(self, tokens: Sequence[str]) -> list[str]:
        """The n-grams of this view for one text."""
        if self.kind == WORD:
            return word_ngrams([START, *tokens], self.low, self.high)
        if self.kind == PAIR:
            return word_pairs(tokens, self.high)
        return char_ngrams(tokens, self.low, self.high)

    def fit(self, texts: Iterable[Sequence[str]]) -> NgramView:
        """Build the vocabulary (n-grams in at least ``min_df`` texts) and smoothed idf."""
        df: Counter[str] = Counter()
        count = 0
        for tokens in texts:
            df.update(set(self.grams(tokens)))
            count += 1
        kept = sorted(gram for gram, n in df.items() if n >= self.min_df)
        self.vocabulary = {gram: i for i, gram in enumerate(kept)}
        self.idf = np.array(
            [math.log((1 + count) / (1 + df[gram])) + 1.0 for gram in kept], dtype=np.float32
        )
        return self

    def row(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Columns and values of the L2-normalised sublinear TF-IDF row of one text."""
        counts = Counter(self.vocabulary[g] for g in self.grams(tokens) if g in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[columns]
        return columns, values / np.float32(np.linalg.norm(values))

    def matrix(self, texts: Sequence[Sequence[str]]) -> csr_matrix:
        """The TF-IDF rows of many texts as a sparse matrix."""
        indptr = [0]
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for tokens in texts:
            cols, vals = self.row(tokens)
            columns.append(cols)
            values.append(vals)
            indptr.append(indptr[-1] + len(cols))
        return csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0, dtype=np.float32),
                np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64),
                np.array(indptr),
            ),
            shape=(len(texts), len(self.vocabulary)),
            dtype=np.float32,
        )

    def settings(self) -> dict[str, Any]:
        """The JSON-serialisable description of this view (without idf)."""
        return {
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "min_df": self.min_df,
            "vocabulary": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
        }

    @classmethod
    def from_settings(cls, settings: dict[str, Any], idf: np.ndarray) -> NgramView:
        """Rebuild a fitted view from ``settings()`` output and its idf array."""
        vocabulary = {gram: i for i, gram in enumerate(settings["vocabulary"])}
        return cls(
            settings["kind"], settings["low"], settings["high"], settings["min_df"], vocabulary, idf
        )
