"""Answering free questions from the modules: BM25 over module steps.

Each step of each module is a passage. Its text becomes terms through the shared
`nlu.search_terms` (folded, stop words out, Snowball-stemmed), the same as partner matching,
so "vouchers", "voucher's" and "voucher" meet. Passages from the SME's own country module get a
boost, and its region's step a larger one. The index is built once per language per process.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from actions.content.modules import Module, load_modules
from nlu.search_terms import search_terms

K1, B = 1.2, 0.75
TITLE_WEIGHT = 2  # a step's and module's title words count this many times
COUNTRY_BOOST, REGION_BOOST = 1.15, 1.35
OWN_PLACE_BOOST = 1.6  # more when the question says "my region" or "our country"
MIN_SCORE = 4.0  # below this the best passage does not answer; chosen on questions_en.yml
_OWN_PLACE = re.compile(r"\b(my|our)\s+(own\s+)?(region|country|area|county|city)\b", re.I)
_EXTRA_STOP = frozenset(
    {"s3", "smart", "specialisation", "specialization", "sme", "company", "tell", "know"}
)


@dataclass(frozen=True)
class Passage:
    """One module step as a retrievable unit; `step` is its index in file order."""

    module_id: str
    module_title: str
    step: int
    title: str
    text: str
    country: str | None
    region: str | None


@dataclass(frozen=True)
class Hit:
    """A passage and its score for one question."""

    passage: Passage
    score: float


def terms(text: str, language: str = "en") -> list[str]:
    """The index terms of a text: folded, stemmed words without stop words (nlu.search_terms)."""
    return search_terms(text, language, extra_stop_words=_EXTRA_STOP)


def asks_about_own_place(question: str) -> bool:
    """Whether a question speaks of the SME's own place ("my region", "our country")."""
    return bool(_OWN_PLACE.search(question))


class ContentIndex:
    """A BM25 index over every step of a set of modules."""

    def __init__(self, modules: list[Module]) -> None:
        self.modules = {m.id: m for m in modules}
        self.passages: list[Passage] = []
        self._docs: list[Counter[str]] = []
        for module in modules:
            for number, step in enumerate(module.steps):
                self.passages.append(
                    Passage(
                        module.id,
                        module.title,
                        number,
                        step.title,
                        step.body,
                        module.country,
                        step.region,
                    )
                )
                titles = " ".join([module.title, step.title] * TITLE_WEIGHT)
                self._docs.append(Counter(terms(f"{titles} {step.body}")))
        lengths = [sum(doc.values()) for doc in self._docs]
        self._lengths = lengths
        self._average = sum(lengths) / max(len(lengths), 1)
        frequency: Counter[str] = Counter(t for doc in self._docs for t in doc)
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def search(
        self, question: str, *, country: str | None = None, region: str | None = None, k: int = 3
    ) -> list[Hit]:
        """The `k` best passages for a question, best first (BM25 times the profile boost)."""
        query = set(terms(question))
        own_place = asks_about_own_place(question)
        hits = []
        for passage, doc, length in zip(self.passages, self._docs, self._lengths, strict=True):
            score = sum(self._term_score(t, doc, length) for t in query)
            if score > 0:
                boost = self._boost(passage, country, region)
                if boost > 1 and own_place:
                    boost *= OWN_PLACE_BOOST
                hits.append(Hit(passage, score * boost))
        hits.sort(key=lambda h: (-h.score, h.passage.module_id, h.passage.step))
        return hits[:k]

    def answer(
        self, question: str, *, country: str | None = None, region: str | None = None
    ) -> Hit | None:
        """The best passage if it scores at least MIN_SCORE, else None."""
        hits = self.search(question, country=country, region=region, k=1)
        return hits[0] if hits and hits[0].score >= MIN_SCORE else None

    def _term_score(self, term: str, doc: Counter[str], length: int) -> float:
        tf = doc.get(term, 0)
        if not tf:
            return 0.0
        norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self._average))
        return self._idf[term] * norm

    def _boost(self, passage: Passage, country: str | None, region: str | None) -> float:
        if not country or passage.country != str(country).upper():
            return 1.0
        module = self.modules[passage.module_id]
        own = module.region_for(country, region) if region else None
        return REGION_BOOST if own is not None and passage.region == own.name else COUNTRY_BOOST


@lru_cache(maxsize=8)
def index_for(directory: Path) -> ContentIndex:
    """The index of the modules in `directory`, built once per process."""
    return ContentIndex(load_modules(directory))
