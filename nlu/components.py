"""Custom spaCy pipeline components: rule-based entities and synonyms.

Each component is registered under a versioned factory name. Rule-based
extractors append Rasa-shaped entity dicts to ``doc._.s3_entities``; the last
component merges them with the statistical ``ner`` spans, drops overlaps
(rules win) and applies entity synonyms.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

RULE_EXTRACTOR = "RegexEntityExtractor"
NER_EXTRACTOR = "SpacyEntityExtractor"
SYNONYM_PROCESSOR = "EntitySynonymMapper"
ENTITIES_ATTR = "s3_entities"
#: Model meta key: the intents whose training examples carry entities only the NER finds.
NER_INTENTS_META = "s3_ner_intents"

if not Doc.has_extension(ENTITIES_ATTR):
    Doc.set_extension(ENTITIES_ATTR, default=None)

Entity = dict[str, Any]


def _rule_entity(entity: str, start: int, end: int, text: str) -> Entity:
    return {
        "entity": entity,
        "start": start,
        "end": end,
        "value": text[start:end],
        "confidence": 1.0,
        "extractor": RULE_EXTRACTOR,
    }


def _found(doc: Doc) -> list[Entity]:
    found = doc._.get(ENTITIES_ATTR)
    if found is None:
        found = []
        doc._.set(ENTITIES_ATTR, found)
    return found


class JsonDataComponent:
    """Base for components whose only state is a JSON-serialisable dict."""

    file_name = "data.json"

    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp = nlp
        self.name = name
        self.data: dict[str, Any] = {}
        self._compile()

    def set_data(self, data: dict[str, Any]) -> None:
        """Replace the component's data (patterns, tables or synonyms)."""
        self.data = data
        self._compile()

    def _compile(self) -> None:
        """Rebuild derived matchers from ``self.data``."""

    def to_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.data, ensure_ascii=False, sort_keys=True, indent=1)
        (path / self.file_name).write_text(text, encoding="utf-8")

    def from_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> JsonDataComponent:
        file = Path(path) / self.file_name
        self.set_data(json.loads(file.read_text(encoding="utf-8")))
        return self


class RegexEntities(JsonDataComponent):
    """Finds entities with the regexes named after entity types (case-insensitive)."""

    def _compile(self) -> None:
        self._regexes = [
            (name, re.compile(pattern, re.IGNORECASE))
            for name, patterns in sorted(self.data.items())
            for pattern in patterns
        ]

    def __call__(self, doc: Doc) -> Doc:
        found = _found(doc)
        for name, regex in self._regexes:
            for match in regex.finditer(doc.text):
                if match.end() > match.start():
                    found.append(_rule_entity(name, match.start(), match.end(), doc.text))
        return doc


class LookupEntities(JsonDataComponent):
    """Finds entities listed in lookup tables, case-insensitively, on token LOWER."""

    def _compile(self) -> None:
        self._matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for name, elements in sorted(self.data.items()):
            self._matcher.add(name, [self.nlp.make_doc(element) for element in elements])

    def __call__(self, doc: Doc) -> Doc:
        found = _found(doc)
        for match_id, start, end in self._matcher(doc):
            span = doc[start:end]
            label = self.nlp.vocab.strings[match_id]
            found.append(_rule_entity(label, span.start_char, span.end_char, doc.text))
        return doc


def _overlaps(entity: Entity, kept: list[Entity]) -> bool:
    return any(entity["start"] < k["end"] and k["start"] < entity["end"] for k in kept)


class EntityMerger(JsonDataComponent):
    """Merges rule and NER entities (rules win on overlap) and maps synonyms.

    An entity type that the data gives a regex or lookup table for is taken from the rules
    only: a small NER would otherwise guess it from anything capitalised ("Morning").
    """

    def __call__(self, doc: Doc) -> Doc:
        rules = sorted(_found(doc), key=lambda e: (e["start"], -(e["end"] - e["start"])))
        kept: list[Entity] = []
        for entity in rules:
            if not _overlaps(entity, kept):
                kept.append(entity)
        rule_types = set(self.data.get("rule_types", []))
        for span in doc.ents:
            if span.label_ in rule_types:
                continue
            entity = {
                "entity": span.label_,
                "start": span.start_char,
                "end": span.end_char,
                "value": span.text,
                "confidence": 1.0,
                "extractor": NER_EXTRACTOR,
            }
            if not _overlaps(entity, kept):
                kept.append(entity)
        synonyms: dict[str, str] = self.data.get("synonyms", {})
        for entity in kept:
            canonical = synonyms.get(str(entity["value"]).lower())
            if canonical is not None:
                entity["value"] = canonical
                entity["processors"] = [SYNONYM_PROCESSOR]
        kept.sort(key=lambda e: (e["start"], e["end"]))
        doc._.set(ENTITIES_ATTR, kept)
        return doc


@Language.factory("s3_regex_entities_v1")
def make_regex_entities(nlp: Language, name: str) -> RegexEntities:
    """Create the regex entity extractor (patterns are set before training)."""
    return RegexEntities(nlp, name)


@Language.factory("s3_lookup_entities_v1")
def make_lookup_entities(nlp: Language, name: str) -> LookupEntities:
    """Create the lookup-table entity extractor (tables are set before training)."""
    return LookupEntities(nlp, name)


@Language.factory("s3_entity_merger_v1")
def make_entity_merger(nlp: Language, name: str) -> EntityMerger:
    """Create the component that merges entities and applies synonyms."""
    return EntityMerger(nlp, name)
