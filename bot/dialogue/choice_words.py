"""The words of typed choices: one language's vocabulary, and how typed words compare.

`data/dialogue/choices_<language>.yml` holds, per language, the filler around an answer, the
yes and no words, number words and the synonyms of button payloads (see its header). Texts are
folded by the project's normaliser (`nlu.entities.text.fold`), split into words, and yes and no
phrases replaced by markers, so "Yep!", "yes" and "of course" all read as YES.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import OSA

from bot.dialogue.errors import DataError
from bot.dialogue.yaml_files import read_yaml
from nlu.entities.text import fold

YES, NO = "<yes>", "<no>"  # stand for any yes or no word; no typed word contains "<"
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_REPEATS = re.compile(r"(.)\1+")
_KEYS = {"filler", "minor", "yes", "no", "numbers", "intents", "values"}

Phrase = tuple[str, ...]
#: Phrases, longest first, each with the marker it stands for (None: dropped).
Table = tuple[tuple[Phrase, str | None], ...]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """One language's words for typed choices, tokenised once when loaded.

    `table` maps yes and no phrases to their marker and filler to nothing, longest first; the
    synonyms are already normalised with it.
    """

    table: Table = ()
    ignored: Table = ()
    number_affixes: Table = ()
    number_words: Mapping[str, int] = field(default_factory=dict)
    ordinal_suffixes: tuple[str, ...] = ()
    intents: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)
    values: Mapping[tuple[str, str], tuple[Phrase, ...]] = field(default_factory=dict)


EMPTY = Vocabulary()


def load_choices(data_dir: Path) -> dict[str, Vocabulary]:
    """Every language's vocabulary from `<data_dir>/dialogue/choices_*.yml`.

    Args:
        data_dir: the data folder (`DATA_DIR`).

    Returns:
        Vocabularies by language code; a language without a file matches titles and numbers.

    Raises:
        DataError: naming the file, when an entry is not a list of phrases.
    """
    vocabularies: dict[str, Vocabulary] = {}
    for path in sorted((data_dir / "dialogue").glob("choices_*.yml")):
        raw = read_yaml(path) or {}
        if not isinstance(raw, dict):
            raise DataError(str(path), "expected languages as top-level keys")
        for language, entries in raw.items():
            vocabularies[str(language)] = _vocabulary(entries, str(path))
    return vocabularies


def _vocabulary(raw: Any, file: str) -> Vocabulary:
    if not isinstance(raw, dict) or set(raw) - _KEYS:
        raise DataError(file, f"a language's keys are {sorted(_KEYS)}")
    numbers = _mapping(raw.get("numbers"), file, "numbers")
    ignored: list[tuple[Phrase, str | None]] = [
        (tokens(p), None) for key in ("filler", "minor") for p in _phrases(raw, key, file)
    ]
    polar: list[tuple[Phrase, str | None]] = [(tokens(p), YES) for p in _phrases(raw, "yes", file)]
    polar += [(tokens(p), NO) for p in _phrases(raw, "no", file)]
    table = _longest_first(polar + ignored)  # a yes or no phrase wins a tie ("i think so")
    affixes = [
        (scan(tokens(p), _longest_first(ignored)), None)
        for key in ("prefixes", "suffixes")
        for p in _phrases(numbers, key, file)
    ]
    intents = _mapping(raw.get("intents"), file, "intents")
    values = _mapping(raw.get("values"), file, "values")
    return Vocabulary(
        table=table,
        ignored=_longest_first(ignored),
        number_affixes=_longest_first(affixes),
        number_words={
            fold(str(k)): int(v)
            for k, v in _mapping(numbers.get("words"), file, "numbers.words").items()
        },
        ordinal_suffixes=tuple(_phrases(numbers, "ordinal_suffixes", file)),
        intents={name: _normalised(_phrases(intents, name, file), table) for name in intents},
        values={
            (entity, str(value)): _normalised(_phrases(by_value, value, file), table)
            for entity, by_value in values.items()
            for value in _mapping(by_value, file, f"values.{entity}")
        },
    )


def _mapping(raw: Any, file: str, key: str) -> dict[Any, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DataError(file, f"'{key}' must be a mapping")
    return raw


def _phrases(raw: dict[Any, Any], key: Any, file: str) -> list[str]:
    items = raw.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
        raise DataError(file, f"'{key}' must be a list of phrases (quote yes, no, true...)")
    return [str(i) for i in items if not isinstance(i, bool)]


def _longest_first(table: Iterable[tuple[Phrase, str | None]]) -> Table:
    return tuple(sorted((e for e in table if e[0]), key=lambda e: -len(e[0])))


def _normalised(phrases: list[str], table: Table) -> tuple[Phrase, ...]:
    found = (scan(tokens(p), table) for p in phrases)
    return tuple(p for p in found if p)


# --- words ----------------------------------------------------------------------------------


def tokens(text: str) -> Phrase:
    """The words of a text, case, accents and punctuation aside.

    Args:
        text: any text.

    Returns:
        Its folded words ("Yes, 25-50 %!" -> ("yes", "25", "50")); apostrophes stay inside.
    """
    return tuple(_WORD.findall(fold(text.replace("\u2019", "'").replace("\u2018", "'"))))


@lru_cache(maxsize=65536)  # pure, and the same few words meet again on every message
def same(word: str, expected: str, *, strict: bool = False) -> bool:
    """Whether a typed word is the expected one, allowing a typo that fits the word's length.

    Numbers and markers must be equal. Vocabulary words (`strict`) are short and everyday: only
    a swap of two letters or repeated letters ("yse", "yesss") pass, as one changed letter
    often makes another word; longer words of titles allow one edit, or two from nine letters.

    Args:
        word: the typed word.
        expected: the word of the title, synonym or vocabulary.
        strict: compare as a vocabulary word.
    """
    if word == expected:
        return True
    if "<" in word or "<" in expected or any(c.isdigit() for c in word + expected):
        return False
    word, expected = _REPEATS.sub(r"\1", word), _REPEATS.sub(r"\1", expected)
    if word == expected:
        return True
    if strict or len(expected) <= 4:
        return sorted(word) == sorted(expected) and OSA.distance(word, expected) == 1
    allowed = 1 if len(expected) <= 8 else 2  # "minority" is not "majority"
    return OSA.distance(word, expected, score_cutoff=allowed) <= allowed


def scan(words: Phrase, table: Table) -> Phrase:
    """The words with each phrase of the table replaced by its marker, or dropped.

    Args:
        words: from `tokens`.
        table: phrases longest first, so "of course not" is a no before "of course" is a yes.
    """
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase, replacement in table:
            end = i + len(phrase)
            if end <= len(words) and all(
                same(w, p, strict=True) for w, p in zip(words[i:end], phrase, strict=True)
            ):
                out.extend([replacement] if replacement else [])
                i = end
                break
        else:
            out.append(words[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=4096)
def normalise(text: str, vocabulary: Vocabulary) -> Phrase:
    """A text's words with yes and no as markers and filler dropped (cached: titles repeat).

    Args:
        text: a typed text or a button title.
        vocabulary: the conversation language's words.
    """
    return scan(tokens(text), vocabulary.table)
