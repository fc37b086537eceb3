"""Words to search terms, and how much of a need a profile's text covers (no rasa-sdk here)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
#: Most search terms a profile gets in the keyword index.
MAX_PROFILE_TERMS = 8
#: Most terms of a need sent to the keyword index.
MAX_QUERY_TERMS = 24

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves looking look seek seeking need needs needed want wants partner
    partners company companies offer offers offered provide provides new use using based
    such like within technology technologies solution solutions develop developed defined
    reliable expertise building consortium call able help work works working
    """.split()  # noqa: SIM905
)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A light English stemmer: plural endings only, so terms stay readable."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[tuple[str, str]]:
    """(term, word it came from) pairs; stop words and one- or two-letter words left out.

    A hyphenated word gives a term per part, each shown as the whole word ("omega-3").
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    pairs = []
    for match in _WORD.finditer(folded):
        word = match.group(0)
        for part in word.split("-") if "-" in word else [word]:
            if len(part) < 3 or part in STOP_WORDS or part.isdigit():
                continue
            pairs.append((_stem(part)[:64], word))
    return pairs


def terms(text: str) -> list[str]:
    """The search terms of a text, in order, with repeats (for term frequencies)."""
    return [term for term, _ in words(text)]


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


def idf_weights(query: Sequence[str], documents: Sequence[set[str]]) -> dict[str, float]:
    """Inverse document frequency of the query's terms over the candidate documents."""
    count = len(documents)
    return {
        term: math.log((count + 1) / (1 + sum(term in doc for doc in documents))) + 1.0
        for term in set(query)
    }


def coverage(query: Sequence[str], document: set[str], idf: dict[str, float]) -> float:
    """How much of the query the document covers, each term weighted by its IDF (0..1)."""
    wanted = set(query)
    total = sum(idf[t] for t in wanted)
    if total == 0:
        return 0.0
    return sum(idf[t] for t in wanted if t in document) / total
