"""Putting the normalisers' entities together with the existing extractors' output.

``EntityResolver`` runs just before the pipeline's entity merger: it drops ``number``
entities inside a headcount, money, year or duration, lets an existing rule entity of the
same type and span win over ours (so its synonym mapping still applies), and keeps the
longest, then most specific, of overlapping spans. ``EntityLinks`` runs after the merger and
adds the country of each region the user named, unless that country was named too.
"""

from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc

from nlu.components import ENTITIES_ATTR, JsonDataComponent
from nlu.entities.base import found_entities, logger
from nlu.entities.text import Entity

# More entities than this in one message are dropped (the earliest are kept), which also
# bounds the work of the entity merger on very long texts.
MAX_ENTITIES = 500
QUANTITIES = frozenset({"headcount", "money", "year", "duration"})
# Words of a company name ("Nordic Fermentation Oy", "Hamburg Hydrogen GmbH") are not
# statements of sector, place or partner type: a longer NER company name wins over them.
NAME_ENTITY = "company_name"
# Titles the NER learned ("Tysklands prioriteter", "Swedish priorities"): the module a message
# opens, not a statement of the country or sector inside it.
TITLE_ENTITIES = frozenset({"module_id"})
LEXICAL = frozenset({"country", "region", "sector", "partner_type"})
# Lower ranks win between spans of the same length.
SPECIFICITY = {
    "money": 0,
    "duration": 1,
    "year": 2,
    "headcount": 3,
    "region": 4,
    "country": 5,
    "partner_type": 6,
    "sector": 7,
}
OTHER_RANK = 10
NORMALISER_EXTRACTORS = frozenset(
    {
        "HeadcountExtractor",
        "MoneyExtractor",
        "PeriodExtractor",
        "GeoEntityExtractor",
        "SectorEntityExtractor",
        "PartnerTypeEntityExtractor",
        "OwnershipExtractor",
    }
)


def _overlap(a: Entity, b: Entity) -> bool:
    return bool(a["start"] < b["end"] and b["start"] < a["end"])


def resolve_entities(
    entities: list[Entity],
    names: list[tuple[int, int]] | None = None,
    titles: list[tuple[int, int]] | None = None,
) -> list[Entity]:
    """Choose among overlapping rule entities (see the module docstring).

    Args:
        entities: Rule entities from the existing extractors and the normalisers.
        names: Character spans of company names found by the NER; a normaliser's country,
            region, sector or partner type strictly inside one is dropped.
        titles: Character spans of module titles found by the NER ("Tysklands
            prioriteter"); any rule's country, region, sector or partner type inside one (or
            the same span: "Estijos" in "pradėk Estijos pamoką") is dropped, so the title
            is kept whole by the merger.

    Returns:
        Non-overlapping entities in text order.
    """
    ours = [
        e
        for e in entities
        if e.get("extractor") in NORMALISER_EXTRACTORS
        and not (e["entity"] in LEXICAL and _inside_name(e, names or []))
    ]
    others = [e for e in entities if e.get("extractor") not in NORMALISER_EXTRACTORS]
    if titles:
        ours = [e for e in ours if not (e["entity"] in LEXICAL and _inside(e, titles, whole=True))]
        others = [
            e for e in others if not (e["entity"] in LEXICAL and _inside(e, titles, whole=True))
        ]
    quantities = _union(sorted((e["start"], e["end"]) for e in ours if e["entity"] in QUANTITIES))
    others = [e for e in others if not (e["entity"] == "number" and _inside(e, quantities))]
    spans = {(e["entity"], e["start"], e["end"]) for e in others}
    ours = [e for e in ours if (e["entity"], e["start"], e["end"]) not in spans]

    def rank(entity: Entity) -> tuple[int, int, int]:
        mine = entity.get("extractor") in NORMALISER_EXTRACTORS
        specificity = SPECIFICITY.get(entity["entity"], OTHER_RANK) if mine else OTHER_RANK
        return (entity["start"] - entity["end"], specificity, entity["start"])

    starts: list[int] = []  # kept spans never overlap, so they are ordered by start and end
    kept: list[Entity] = []
    for entity in sorted(others + ours, key=rank):
        at = bisect.bisect_right(starts, entity["start"])
        if at > 0 and _overlap(entity, kept[at - 1]):
            continue
        if at < len(kept) and _overlap(entity, kept[at]):
            continue
        starts.insert(at, entity["start"])
        kept.insert(at, entity)
    return kept[:MAX_ENTITIES]


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge sorted spans into sorted, non-overlapping ones."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(entity: Entity, spans: list[tuple[int, int]], *, whole: bool = False) -> bool:
    """Whether ``entity`` overlaps (or with ``whole``, lies within) one of the sorted,
    non-overlapping ``spans``."""
    at = bisect.bisect_right(spans, (entity["start"], float("inf")))
    for i in (at - 1, at):
        if not 0 <= i < len(spans):
            continue
        start, end = spans[i]
        if whole and start <= entity["start"] and entity["end"] <= end:
            return True
        if not whole and start < entity["end"] and entity["start"] < end:
            return True
    return False


def _inside_name(entity: Entity, names: list[tuple[int, int]]) -> bool:
    return any(
        start <= entity["start"]
        and entity["end"] <= end
        and end - start > entity["end"] - entity["start"]
        for start, end in names
    )


def link_region_countries(entities: list[Entity]) -> list[Entity]:
    """Add a ``country`` entity after each region whose country is not named in the message.

    Args:
        entities: The merged entities, in text order.

    Returns:
        The entities with derived countries (same span as their region, ``"derived_from":
        "region"``).
    """
    named = {str(e["value"]) for e in entities if e["entity"] == "country"}
    linked: list[Entity] = []
    for entity in entities:
        linked.append(entity)
        value = entity["value"]
        if entity["entity"] != "region" or not isinstance(value, dict):
            continue
        country = value.get("country")
        if country and country not in named:
            named.add(country)
            linked.append(
                {
                    "entity": "country",
                    "value": country,
                    "start": entity["start"],
                    "end": entity["end"],
                    "confidence": 1.0,
                    "extractor": entity["extractor"],
                    "raw": entity.get("raw", ""),
                    "derived_from": "region",
                }
            )
    return linked


def module_titles(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the module titles the NER found, in text order."""
    return sorted((s.start_char, s.end_char) for s in doc.ents if s.label_ in TITLE_ENTITIES)


def company_names(doc: Doc, entities: list[Entity]) -> list[tuple[int, int]]:
    """Spans of NER company names that look like names, not like a phrase of known words.

    A span counts if some capitalised word in it ("Nordic", "Oy") is not covered by a rule
    entity; "Swedish university" (all words known) does not, so the rules keep it.

    Args:
        doc: The parsed message (its ``ents`` come from the NER).
        entities: Rule entities found so far.

    Returns:
        ``(start_char, end_char)`` of each name-like company name.
    """
    names = []
    for span in doc.ents:
        if span.label_ != NAME_ENTITY:
            continue
        inside = [e for e in entities if span.start_char <= e["start"] < span.end_char]
        if not inside:
            continue
        for token in span:
            if token.text[:1].isupper() and not any(
                e["start"] <= token.idx < e["end"] for e in inside
            ):
                names.append((span.start_char, span.end_char))
                break
    return names


class EntityResolver(JsonDataComponent):
    """Resolves overlaps among rule entities before the entity merger (no state)."""

    def __call__(self, doc: Doc) -> Doc:
        try:
            entities = found_entities(doc)
            names = company_names(doc, entities)
            resolved = resolve_entities(entities, names, module_titles(doc))
            doc._.set(ENTITIES_ATTR, resolved)
        except Exception:  # leave the entities as they were rather than fail the turn
            logger.exception("entity resolver failed")
        return doc


class EntityLinks(JsonDataComponent):
    """Adds the countries implied by regions after the entity merger (no state)."""

    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.set(ENTITIES_ATTR, link_region_countries(found_entities(doc)))
        except Exception:  # leave the entities as they were rather than fail the turn
            logger.exception("entity links failed")
        return doc


@Language.factory("s3_entity_resolver_v1")
def make_entity_resolver(nlp: Language, name: str) -> EntityResolver:
    """Create the component that resolves overlapping rule entities."""
    return EntityResolver(nlp, name)


@Language.factory("s3_entity_links_v1")
def make_entity_links(nlp: Language, name: str) -> EntityLinks:
    """Create the component that adds countries implied by regions."""
    return EntityLinks(nlp, name)
