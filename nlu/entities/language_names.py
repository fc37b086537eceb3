"""A language's name is not its country: "på dansk", "jeg vil have svensk", "in Danish".

The country tables (the lookups of `data/nlu/<lang>/lookups.yml` and `data/geo/countries.yml`)
hold the adjectives of the countries, because an SME says where a company is from with them
("a Swedish engineering firm", "et dansk firma", "švedų įmonė"). The same words name the
languages, and a request to talk in one is no statement of a country. This component, after
the entity merger, drops the country entities that are a language's name, by the names and
`asked_as` forms of `data/languages.yml`:

- a form of several words ("lenkų kalba", "viron kielellä", "anglų kalbą") is always the
  language;
- a one-word form ("Swedish", "svensk", "saksa") is the language when the message asks for a
  language (the classifier's top intent is `switch_language`), else the nationality.

`actions/language.py` reads the language asked for from the same forms among the words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlu.components import ENTITIES_ATTR, JsonDataComponent
from nlu.entities.base import found_entities, logger
from nlu.entities.text import Entity, fold
from nlu.entities.vocabulary import read_mapping

LANGUAGES_FILE = "languages.yml"
ASKING_INTENT = "switch_language"
COUNTRY = "country"


def language_name_data(data_dir: Path) -> dict[str, Any]:
    """The folded names of every language in ``languages.yml``: one-word and longer forms.

    Args:
        data_dir: The data directory (holding ``languages.yml``).

    Returns:
        ``{"words": [...], "phrases": [[word, ...], ...], "intent": "switch_language"}``;
        empty lists when the file is missing.
    """
    path = Path(data_dir) / LANGUAGES_FILE
    if not path.is_file():
        return {"words": [], "phrases": [], "intent": ASKING_INTENT}
    words: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for entry in read_mapping(path).values():
        if not isinstance(entry, dict):
            continue
        names = [entry.get("name"), entry.get("native_name"), *(entry.get("asked_as") or [])]
        for name in names:
            parts = tuple(fold(str(name)).split()) if name else ()
            if len(parts) == 1:
                words.add(parts[0])
            elif parts:
                phrases.add(parts)
    return {"words": sorted(words), "phrases": sorted(phrases), "intent": ASKING_INTENT}


def without_language_names(
    text: str,
    entities: list[Entity],
    words: frozenset[str],
    phrases: frozenset[tuple[str, ...]],
    asking: bool,
) -> list[Entity]:
    """The entities without the countries that name a language (see the module docstring).

    Args:
        text: The message.
        entities: Its merged entities.
        words: Folded one-word names of languages.
        phrases: Folded names of several words.
        asking: Whether the message asks to talk in another language.

    Returns:
        The entities to keep, in their order.
    """
    spans = _phrase_spans(text, phrases)
    kept = []
    for entity in entities:
        if entity["entity"] == COUNTRY and "derived_from" not in entity:
            start, end = entity["start"], entity["end"]
            if any(s <= start and end <= e for s, e in spans):
                continue
            if asking and fold(text[start:end]) in words:
                continue
        kept.append(entity)
    return kept


def _phrase_spans(text: str, phrases: frozenset[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Character spans of the several-word language names in the text (on folded words)."""
    if not phrases:
        return []
    tokens: list[tuple[str, int, int]] = []
    offset = 0
    for raw in text.split():
        start = text.index(raw, offset)
        offset = start + len(raw)
        word = raw.strip(".,;:!?()\"'")
        if word:
            lead = raw.index(word)
            tokens.append((fold(word), start + lead, start + lead + len(word)))
    longest = max(len(p) for p in phrases)
    spans = []
    for i in range(len(tokens)):
        for size in range(min(longest, len(tokens) - i), 1, -1):
            if tuple(t[0] for t in tokens[i : i + size]) in phrases:
                spans.append((tokens[i][1], tokens[i + size - 1][2]))
                break
    return spans


class LanguageNames(JsonDataComponent):
    """Drops country entities that name a language; after the merger (no learned state)."""

    def _compile(self) -> None:
        self._words = frozenset(self.data.get("words", []))
        self._phrases = frozenset(tuple(p) for p in self.data.get("phrases", []))
        self._intent = str(self.data.get("intent", ASKING_INTENT))

    def __call__(self, doc: Doc) -> Doc:
        try:
            entities = found_entities(doc)
            if any(e["entity"] == COUNTRY for e in entities):
                asking = bool(doc.cats) and max(doc.cats, key=doc.cats.__getitem__) == (
                    self._intent
                )
                kept = without_language_names(
                    doc.text, entities, self._words, self._phrases, asking
                )
                doc._.set(ENTITIES_ATTR, kept)
        except Exception:  # keep the entities as they were rather than fail the turn
            logger.exception("language names failed on a message of %d characters", len(doc))
        return doc


@Language.factory("s3_language_names_v1")
def make_language_names(nlp: Language, name: str) -> LanguageNames:
    """Create the component that tells language names from countries."""
    return LanguageNames(nlp, name)
