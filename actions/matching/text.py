"""A need's words against a profile's text: terms, synonyms and relevance (no rasa-sdk here).

Terms come from the shared `nlu.search_terms` (the stemmer content retrieval uses), minus
the generic words of data/partners/vocabulary_<lang>.yml that would match every profile
("university", "labs", "services"). A need becomes *concepts*: each of its terms, and each
synonym group a phrase of it triggers ("fish farm" -> aquaculture, recirculating...). A
profile covers a concept when it holds one of the concept's terms, in its keywords or title
(full weight) or in its description (less); relevance is the IDF-weighted share of the
need's concepts covered, so rare, telling words decide.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlu.search_terms import search_words
from nlu.yaml_reader import read_yaml

#: Most search terms a profile gets in the keyword index.
MAX_PROFILE_TERMS = 8
#: Most terms of a need sent to the keyword index.
MAX_QUERY_TERMS = 32
MIN_LENGTH = 3
#: Weight of a term found only in a profile's description (keywords and title weigh 1).
DESCRIPTION_WEIGHT = 0.6
#: Weight of a concept from a synonym group against one of the need's other words.
TOPIC_WEIGHT = 2.0


@dataclass(frozen=True)
class Vocabulary:
    """Generic words to ignore and synonym groups (as term sequences) of one language."""

    language: str
    stop_words: frozenset[str]
    synonyms: tuple[tuple[tuple[str, ...], ...], ...]


@dataclass(frozen=True)
class Concept:
    """One thing a need asks for: the phrases (term tuples) that say it, and the need's words."""

    phrases: tuple[tuple[str, ...], ...]
    word: str
    #: A phrase of the synonym groups names a topic; other words may be incidental.
    weight: float = 1.0

    def fit(self, document: dict[str, float]) -> float:
        """How well a document holds the concept: its best phrase with all terms present."""
        return max(
            (min(document.get(t, 0.0) for t in phrase) for phrase in self.phrases), default=0.0
        )

    def terms(self) -> list[str]:
        """Every term of the concept, the need's own first."""
        return list(dict.fromkeys(t for phrase in self.phrases for t in phrase))


def _directory() -> Path:
    from actions.matching.rules import partners_dir

    return partners_dir()


@lru_cache(maxsize=8)
def vocabulary(language: str = "en", directory: Path | None = None) -> Vocabulary:
    """The vocabulary of data/partners/vocabulary_<language>.yml (English when missing)."""
    folder = directory or _directory()
    path = folder / f"vocabulary_{language}.yml"
    if not path.exists():
        path, language = folder / "vocabulary_en.yml", "en"
    raw = read_yaml(path)
    stop = frozenset(
        term
        for word in raw.get("stop_words", [])
        for term in (str(word).casefold(), *_plain_terms(str(word), language))
    )
    groups = tuple(
        tuple(
            phrase
            for phrase in (
                tuple(_plain_terms(str(p), language, stop)) for p in group if str(p).strip()
            )
            if phrase
        )
        for group in raw.get("synonyms", [])
    )
    return Vocabulary(language, stop, tuple(g for g in groups if len(g) > 1))


def _plain_terms(text: str, language: str, stop: Iterable[str] = ()) -> list[str]:
    return [
        w.term
        for w in search_words(
            text, language, extra_stop_words=frozenset(stop), min_length=MIN_LENGTH, numbers=False
        )
    ]


def words(text: str, language: str = "en") -> list[tuple[str, str]]:
    """(term, word it came from) pairs; stop words, generic words and numbers left out."""
    stop = vocabulary(language).stop_words
    found = search_words(
        text, language, extra_stop_words=stop, min_length=MIN_LENGTH, numbers=False
    )
    return [(w.term, w.word) for w in found]


def terms(text: str, language: str = "en") -> list[str]:
    """The search terms of a text, in order, with repeats."""
    return [term for term, _ in words(text, language)]


def concepts(text: str, language: str = "en") -> list[Concept]:
    """What a need asks for: the synonym groups its phrases name (longest phrase first, each
    word used once), then each of its other terms."""
    pairs = words(text, language)
    sequence = [term for term, _ in pairs]
    used = [False] * len(sequence)
    groups = vocabulary(language).synonyms
    phrases = sorted(
        ((phrase, index) for index, group in enumerate(groups) for phrase in group),
        key=lambda item: -len(item[0]),
    )
    found: dict[int, tuple[int, Concept]] = {}
    for phrase, index in phrases:
        for start in _starts(sequence, phrase):
            span = range(start, start + len(phrase))
            if any(used[i] for i in span):
                continue
            for i in span:
                used[i] = True
            if index not in found:
                word = " ".join(dict.fromkeys(pairs[i][1] for i in span))
                own = (phrase, *(p for p in groups[index] if p != phrase))
                found[index] = (start, Concept(own, word, TOPIC_WEIGHT))
    single = {
        term: (i, Concept(((term,),), pairs[i][1]))
        for i, term in reversed(list(enumerate(sequence)))
        if not used[i]
    }
    ordered = sorted([*found.values(), *single.values()], key=lambda item: item[0])
    return [concept for _, concept in ordered]


def _starts(sequence: Sequence[str], phrase: Sequence[str]) -> list[int]:
    """Where `phrase` starts in `sequence` as consecutive terms."""
    size = len(phrase)
    return [
        start
        for start in range(len(sequence) - size + 1)
        if tuple(sequence[start : start + size]) == tuple(phrase)
    ]


def query_terms(text: str, language: str = "en", *, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """The terms of a need and of its synonyms, for the keyword index, at most `limit`."""
    seen: dict[str, None] = {}
    for concept in concepts(text, language):
        for term in concept.terms():
            seen.setdefault(term, None)
    return list(seen)[:limit]


def unique_terms(texts: Iterable[str], *, limit: int) -> list[str]:
    """The distinct terms of some texts, first seen first, at most `limit`."""
    seen: dict[str, None] = {}
    for text in texts:
        for term in terms(text):
            seen.setdefault(term, None)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


def profile_terms(title: str, keywords: Sequence[str]) -> list[str]:
    """The terms a profile is indexed under: its keywords first, then its title."""
    return unique_terms([*keywords, title], limit=MAX_PROFILE_TERMS)


def idf_weights(needed: Sequence[Concept], documents: Sequence[dict[str, float]]) -> list[float]:
    """Each concept's weight: its inverse document frequency over the candidate documents,
    doubled for a topic of the synonym groups."""
    count = len(documents)
    return [
        c.weight * (math.log((count + 1) / (1 + sum(c.fit(doc) > 0 for doc in documents))) + 1)
        for c in needed
    ]


def relevance(
    needed: Sequence[Concept], idf: Sequence[float], document: dict[str, float]
) -> tuple[float, list[str]]:
    """The IDF-weighted share of the concepts a document covers (0..1), and the need's words
    it covered, most telling first."""
    total = sum(idf)
    if total == 0:
        return 0.0, []
    covered = []
    score = 0.0
    for concept, weight in zip(needed, idf, strict=True):
        fit = concept.fit(document)
        if fit:
            score += weight * fit
            covered.append((weight * fit, concept.word))
    covered.sort(key=lambda item: -item[0])
    return score / total, list(dict.fromkeys(word for _, word in covered))
