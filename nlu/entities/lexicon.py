"""Matching phrases from vocabularies (places, sectors, partner types) on folded tokens.

Phrases are compared token by token after folding (lower case, no accents), ignoring
hyphens and slashes, so "Skane", "SKÅNE", "food tech" and "food-tech" all match. Single
words of six or more letters marked ``fuzzy`` also match with one typo (Damerau-Levenshtein
distance 1, same first letter), unless the typed word is listed in ``fuzzy_exclude`` or
matches some phrase exactly.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlu.entities.base import EntityNormaliser
from nlu.entities.text import Entity, fold, make_entity

_SKIPPED = frozenset({"-", "–", "—", "/", "‐"})
FUZZY_MIN_LETTERS = 6
_FOLDED_KEY = "s3_folded_tokens"
FUZZY_MAX_LETTERS = 30


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Whether two words differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _folded_tokens(doc: Doc) -> tuple[list[tuple[str, int, int]], list[str]]:
    """(text, start, end) and folded text of the doc's word tokens, cached on the doc."""
    cached = doc.user_data.get(_FOLDED_KEY)
    if cached is None or cached[0] != len(doc):
        tokens = [
            (t.text, t.idx, t.idx + len(t.text))
            for t in doc
            if t.text not in _SKIPPED and not t.is_space
        ]
        cached = (len(doc), tokens, [fold(text) for text, _, _ in tokens])
        doc.user_data[_FOLDED_KEY] = cached
    return cached[1], cached[2]


class LexiconEntities(EntityNormaliser):
    """Owns a phrase vocabulary and the targets it maps to, serialised with the model.

    ``data`` is ``{"entries": [[phrase, target, fuzzy], ...], "targets": {target: {"entity":
    ..., "value": ...}}, "fuzzy_exclude": [...], "capitalised_only": [...]}``.
    """

    def _compile(self) -> None:
        self._index: dict[tuple[str, ...], str] = {}
        self._fuzzy: dict[str, set[str]] = {}
        self._max_len = 0
        targets: dict[str, Any] = self.data.get("targets", {})
        for phrase, target, fuzzy in self.data.get("entries", []):
            if target not in targets:
                continue
            key = self._key(phrase)
            if not key or key in self._index:
                continue  # the first entry for a phrase wins (entries are in priority order)
            self._index[key] = target
            self._max_len = max(self._max_len, len(key))
            if fuzzy and len(key) == 1 and len(key[0]) >= FUZZY_MIN_LETTERS and key[0].isalpha():
                for variant in _deletes(key[0]) | {key[0]}:
                    self._fuzzy.setdefault(variant, set()).add(key[0])
        self._firsts = {key[0] for key in self._index}
        self._exclude = {fold(w) for w in self.data.get("fuzzy_exclude", [])}
        self._capitalised = {fold(w) for w in self.data.get("capitalised_only", [])}

    def _key(self, phrase: str) -> tuple[str, ...]:
        return tuple(fold(t.text) for t in self.nlp.make_doc(phrase) if t.text not in _SKIPPED)

    def find(self, doc: Doc) -> list[Entity]:
        text = doc.text  # Doc.text joins all tokens: read it once
        tokens, folded = _folded_tokens(doc)
        entities: list[Entity] = []
        i = 0
        while i < len(tokens):
            length, target, via = self._match_at(folded, tokens, i)
            if target is None:
                i += 1
                continue
            start, end = tokens[i][1], tokens[i + length - 1][2]
            spec = self.data["targets"][target]
            extra = {"fuzzy": True} if via == "fuzzy" else {}
            entities.append(
                make_entity(
                    spec["entity"], start, end, spec["value"], text, self.extractor, **extra
                )
            )
            i += length
        return entities

    def _match_at(
        self, folded: list[str], tokens: list[tuple[str, int, int]], i: int
    ) -> tuple[int, str | None, str]:
        word = folded[i]
        if word in self._firsts:
            for length in range(min(self._max_len, len(folded) - i), 0, -1):
                key = tuple(folded[i : i + length])
                target = self._index.get(key)
                if target is None:
                    continue
                if length == 1 and word in self._capitalised and not tokens[i][0][:1].isupper():
                    continue
                return length, target, "exact"
        if word in self._capitalised or word in self._exclude or not self._fuzzy:
            return 0, None, ""
        if FUZZY_MIN_LETTERS <= len(word) <= FUZZY_MAX_LETTERS and word.isalpha():
            target = self._fuzzy_target(word)
            if target is not None:
                return 1, target, "fuzzy"
        return 0, None, ""

    def _fuzzy_target(self, word: str) -> str | None:
        names: set[str] = set()
        for variant in _deletes(word) | {word}:
            names |= self._fuzzy.get(variant, set())
        targets = {
            self._index[(name,)]
            for name in names
            if name[0] == word[0] and within_one_edit(word, name)
        }
        return targets.pop() if len(targets) == 1 else None


class GeoEntities(LexiconEntities):
    """Countries (ISO 3166-1 alpha-2) and Baltic Sea Region regions (NUTS codes)."""

    extractor = "GeoEntityExtractor"


class SectorEntities(LexiconEntities):
    """Sectors with their NACE code and S3 field."""

    extractor = "SectorEntityExtractor"


class PartnerTypeEntities(LexiconEntities):
    """Kinds of partner organisation (university, RTO, cluster ...)."""

    extractor = "PartnerTypeEntityExtractor"


@Language.factory("s3_geo_entities_v1")
def make_geo_entities(nlp: Language, name: str) -> GeoEntities:
    """Create the country and region extractor (vocabulary set by ``add_entity_normalisers``)."""
    return GeoEntities(nlp, name)


@Language.factory("s3_sector_entities_v1")
def make_sector_entities(nlp: Language, name: str) -> SectorEntities:
    """Create the sector extractor (vocabulary set by ``add_entity_normalisers``)."""
    return SectorEntities(nlp, name)


@Language.factory("s3_partner_type_entities_v1")
def make_partner_type_entities(nlp: Language, name: str) -> PartnerTypeEntities:
    """Create the partner-type extractor (vocabulary set by ``add_entity_normalisers``)."""
    return PartnerTypeEntities(nlp, name)
