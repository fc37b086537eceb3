"""Which language a chat message is in, when that can be told with confidence.

The assistant must not guess an intent from a message in a language it has no model for, and
must follow a user who changes to another language it speaks. Chat messages are short, so the
statistical identifier (py3langid, whose model ships inside the package) alone is not enough:

* A short message made only of greetings and chat words listed in ``data/languages.yml``
  ("Labas", "Hei hei", "Dzień dobry") is identified from those words.
* Otherwise the message must hold at least ``MIN_WORDS`` ordinary words before the model is
  asked. Names do not count: capitalised words after the first, words in capitals, and words
  with digits are left out, so a place name ("Kaunas"), a company name ("Nordic Fermentation
  Oy"), a code or a number never switches the language.
* The model must be at least ``threshold`` sure (``bench/language.py`` measures the default).

Anything else is "not known", and the conversation keeps its language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlu.errors import NluDataError
from nlu.yaml_reader import YamlFileError, read_yaml

DEFAULT_THRESHOLD = 0.9
MIN_WORDS = 3
MAX_WORDS_FROM_LIST = 4
_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_TOKEN = re.compile(r"\S+")
_FIELDS = ("name", "native_name", "greeting", "words")


@dataclass(frozen=True)
class LanguageInfo:
    """What the assistant knows of a language: its names, its greeting, its chat words."""

    code: str
    name: str
    native_name: str
    greeting: str
    words: tuple[str, ...]

    @property
    def label(self) -> str:
        """The English name, with the language's own name when it differs: "Finnish (suomi)"."""
        return self.name if self.name == self.native_name else f"{self.name} ({self.native_name})"


@dataclass(frozen=True)
class Detection:
    """A confident identification: the language, how sure, and from what (`words`, `model`)."""

    language: str
    confidence: float
    source: str


class LanguageDetector:
    """Owns the language list from the data and a py3langid model restricted to it."""

    def __init__(
        self, languages: dict[str, LanguageInfo], *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        self.languages = languages
        self.threshold = threshold
        self._identifier = _identifier(tuple(sorted(languages)))
        # Exact spellings first: "ja" is German or Scandinavian, and only typed without its
        # diacritics Latvian "jā"; folded spellings catch "aciu" for "ačiū".
        self._exact: dict[tuple[str, ...], set[str]] = {}
        self._folded: dict[tuple[str, ...], set[str]] = {}
        for info in languages.values():
            for phrase in info.words:
                exact = tuple(phrase.casefold().split())
                self._exact.setdefault(exact, set()).add(info.code)
                self._folded.setdefault(tuple(_fold(phrase).split()), set()).add(info.code)
        self._longest = max((len(k) for k in self._exact), default=0)

    @classmethod
    def load(cls, path: Path, *, threshold: float = DEFAULT_THRESHOLD) -> LanguageDetector:
        """The detector for the languages listed in a YAML file like data/languages.yml.

        Args:
            path: the languages file.
            threshold: the model probability below which a message is "not known".

        Raises:
            NluDataError: naming the file and each problem (a missing field, a language code
                the model does not know).
        """
        return cls(load_languages(path), threshold=threshold)

    def detect(self, text: str, *, prefer: Sequence[str] = ()) -> Detection | None:
        """The message's language, or None when it cannot be told with confidence.

        Args:
            text: the message as the user typed it.
            prefer: languages that win when the message's words fit several languages
                equally ("hej" is Swedish and Danish), first one first; the conversation's
                language comes first, so such a message keeps it.

        Returns:
            The detection, or None for too little evidence or too little confidence.
        """
        listed = self._from_words(text)
        if listed:
            for code in prefer:
                if code in listed:
                    return Detection(code, 1.0, "words")
            code, _ = self._rank(text, listed)[0]
            return Detection(code, 1.0, "words")
        words = _ordinary_words(text)
        if len(words) < MIN_WORDS:
            return None
        code, probability = self._rank(" ".join(words), set(self.languages))[0]
        if probability < self.threshold:
            return None
        return Detection(code, probability, "model")

    def _from_words(self, text: str) -> set[str]:
        """Languages whose chat words make up the whole message (empty if none does)."""
        words = " ".join(_LETTERS.findall(unicodedata.normalize("NFC", text))).casefold()
        tokens = tuple(words.split())
        if not tokens or len(tokens) > MAX_WORDS_FROM_LIST:
            return set()
        return self._cover(tokens, self._exact) or self._cover(
            tuple(_fold(words).split()), self._folded
        )

    def _cover(self, tokens: tuple[str, ...], phrases: dict[tuple[str, ...], set[str]]) -> set[str]:
        """Languages in which the tokens split into listed words and phrases."""
        if not tokens:
            return set(self.languages)
        found: set[str] = set()
        for size in range(1, min(self._longest, len(tokens)) + 1):
            languages = phrases.get(tokens[:size])
            if languages:
                found |= languages & self._cover(tokens[size:], phrases)
        return found

    def _rank(self, text: str, among: set[str]) -> list[tuple[str, float]]:
        """The model's languages for the text, best first, renormalised over `among`."""
        ranked = [(code, p) for code, p in self._identifier.rank(text) if code in among]
        total = sum(p for _, p in ranked) or 1.0
        return [(code, p / total) for code, p in ranked]


def load_languages(path: Path) -> dict[str, LanguageInfo]:
    """The languages of a YAML file like data/languages.yml, by code.

    Raises:
        NluDataError: naming the file and each problem.
    """
    try:
        content: Any = read_yaml(path)
    except YamlFileError as exc:
        raise NluDataError(str(exc)) from exc
    if not isinstance(content, dict) or not content:
        raise NluDataError(f"{path}: must map language codes to their names and words")
    known = set(_identifier(()).labels)
    problems = []
    languages = {}
    for code, entry in content.items():
        code = str(code)
        if code not in known:
            problems.append(f"{path}: '{code}' is not a language code the detector knows")
        if not isinstance(entry, dict) or any(not entry.get(f) for f in _FIELDS):
            problems.append(f"{path}: '{code}' needs {', '.join(_FIELDS)}")
            continue
        words = entry["words"]
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            problems.append(f"{path}: '{code}': words must be a list of words or phrases")
            continue
        languages[code] = LanguageInfo(
            code,
            str(entry["name"]),
            str(entry["native_name"]),
            str(entry["greeting"]),
            tuple(words),
        )
    if problems:
        raise NluDataError(problems)
    return languages


def _ordinary_words(text: str) -> list[str]:
    """The words that say something about the language: not names, codes or numbers."""
    words = []
    for position, token in enumerate(_TOKEN.findall(text)):
        letters = _LETTERS.fullmatch(token.strip(".,;:!?()[]\"'«»„“”…-"))
        if letters is None:
            continue  # digits, emoji, codes, addresses
        word = letters.group()
        if len(word) > 1 and word.isupper():
            continue  # UAB, SIA, GmbH-like codes in capitals
        if position > 0 and word[0].isupper():
            continue  # a name in the middle of a sentence
        words.append(word)
    return words


def _fold(text: str) -> str:
    """Lower case without diacritics: people often type "aciu" for "ačiū"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> Any:
    """A py3langid model, restricted to `languages` (all when empty); loading takes 0.5 s,
    so every detector over the same languages shares one."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        identifier.set_languages(list(languages))
    return identifier


@dataclass(frozen=True)
class LabelledMessage:
    """A held-out message and the languages it may be detected as (none: keep the
    conversation's language, so detecting nothing or that language is right)."""

    text: str
    languages: frozenset[str]

    def is_right(self, found: Detection | None, conversation_language: str) -> bool:
        """Whether a detection is what this message expects in such a conversation."""
        if not self.languages:
            return found is None or found.language == conversation_language
        return found is not None and found.language in self.languages


def load_language_test_set(path: Path) -> list[LabelledMessage]:
    """The messages of a file like data/nlu_test/languages.yml (`detected`, `unchanged`).

    Raises:
        NluDataError: when the file does not have that shape.
    """
    content: Any = read_yaml(path) or {}
    detected = content.get("detected") if isinstance(content, dict) else None
    unchanged = content.get("unchanged") if isinstance(content, dict) else None
    if not isinstance(detected, dict) or not isinstance(unchanged, list):
        raise NluDataError(f"{path}: needs 'detected' (per language) and 'unchanged' lists")
    expected: dict[str, set[str]] = {}
    for code, texts in detected.items():
        for text in texts or []:
            expected.setdefault(str(text), set()).add(str(code))
    messages = [LabelledMessage(text, frozenset(codes)) for text, codes in expected.items()]
    return messages + [LabelledMessage(str(text), frozenset()) for text in unchanged]
