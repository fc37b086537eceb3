"""Search terms: the one normaliser and stemmer of partner matching and content retrieval.

Text is cut into words (a hyphenated word gives a term whole and per part), stripped of the
language's stop words and of the caller's own, stemmed by the Snowball stemmer of the
language and folded ("Skåne" -> "skane", the entity normalisers' folding), so "vouchers",
"voucher's" and "voucher", or "fermented" and "fermentation", meet::

    >>> [t.term for t in search_words("Fermented oat drinks", "en")]
    ['ferment', 'oat', 'drink']

The stemmer is chosen by the language code, so Finnish or Swedish texts work once their data
exist; a language Snowball lacks (Latvian) is folded but not stemmed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
import spacy

from nlu.entities.text import fold

#: Snowball algorithm per language code; missing codes are not stemmed.
SNOWBALL = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "et": "estonian",
    "fi": "finnish",
    "lt": "lithuanian",
    "nb": "norwegian",
    "no": "norwegian",
    "pl": "polish",
    "ru": "russian",
    "sv": "swedish",
}
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_APOSTROPHE = re.compile(r"['’]")
_LOCK = threading.Lock()


def _parts(word: str) -> list[str]:
    """The parts of a word that become terms: "skåne's" -> skåne, s; a hyphenated word whole
    and each part ("omega-3" -> omega-3, omega, 3), so both "2021-2027" and "2027" find it."""
    parts = []
    for piece in _APOSTROPHE.split(word):
        if "-" in piece:
            parts.append(piece)
        parts += piece.split("-")
    return parts


@dataclass(frozen=True)
class SearchWord:
    """One search term and the word of the text it came from (to show in explanations)."""

    term: str
    word: str


@lru_cache(maxsize=16)
def stop_words(language: str) -> frozenset[str]:
    """The language's stop words (spaCy's list, folded); empty for a language spaCy lacks."""
    try:
        words = spacy.util.get_lang_class(language).Defaults.stop_words
    except ImportError:
        return frozenset()
    return frozenset(fold(word) for word in words)


@lru_cache(maxsize=16)
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    algorithm = SNOWBALL.get(language)
    return snowballstemmer.stemmer(algorithm) if algorithm else None


@lru_cache(maxsize=131072)
def stem(word: str, language: str = "en") -> str:
    """The Snowball stem of a folded word ("priorities" -> "prioriti"); the word itself when
    the language has no stemmer. Stemmers keep state while they work, hence the lock."""
    stemmer = _stemmer(language)
    if stemmer is None:
        return word
    with _LOCK:
        return str(stemmer.stemWord(word))


def search_words(
    text: str,
    language: str = "en",
    *,
    extra_stop_words: Collection[str] = (),
    min_length: int = 2,
    numbers: bool = True,
    keep_stop_words: bool = False,
) -> list[SearchWord]:
    """The search terms of a text in order, with repeats, each with the word it came from.

    Args:
        text: Any text.
        language: An ISO 639-1 code; it picks the stop words and the stemmer.
        extra_stop_words: The caller's own stop words (folded words, or their stems).
        min_length: Shorter parts are left out.
        numbers: Whether parts made of digits ("2027") are terms.
        keep_stop_words: Keep the language's stop words (for phrases such as "have a say",
            whose meaning is in them); the caller's own are left out all the same.

    Returns:
        One `SearchWord` per kept part; a hyphenated word shows as the whole word.
    """
    common = frozenset() if keep_stop_words else stop_words(language)
    found = []
    for match in _WORD.finditer(unicodedata.normalize("NFKC", text).casefold()):
        word = match.group(0)
        for part in _parts(word):
            folded = fold(part)
            if len(folded) < min_length or folded in common or folded in extra_stop_words:
                continue
            if folded.isdigit() and not numbers:
                continue
            term = fold(stem(part, language))  # stemmers know their language's letters
            if term not in extra_stop_words:
                found.append(SearchWord(term[:64], fold(word)))
    return found


def search_terms(
    text: str,
    language: str = "en",
    *,
    extra_stop_words: Collection[str] = (),
    min_length: int = 2,
    numbers: bool = True,
    keep_stop_words: bool = False,
) -> list[str]:
    """The terms alone of `search_words` (same arguments)."""
    words = search_words(
        text,
        language,
        extra_stop_words=extra_stop_words,
        min_length=min_length,
        numbers=numbers,
        keep_stop_words=keep_stop_words,
    )
    return [w.term for w in words]
