"""Putting the normalisers' entities together with the existing extractors' output.

``EntityResolver`` runs just before the pipeline's entity merger: it drops ``number``
entities inside a headcount, money, year or duration, lets an existing rule entity of the
same type and span win over ours (so its synonym mapping still applies), and keeps the
longest, then most specific, of overlapping spans. ``EntityLinks`` runs after the merger and
adds the country of each region the user named, unless that country was named too.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlu.components import ENTITIES_ATTR, JsonDataComponent
from nlu.entities.base import found_entities, logger
from nlu.entities.text import Entity

QUANTITIES = frozenset({"headcount", "money", "year", "duration"})
# Words of a company name ("Nordic Fermentation Oy", "Hamburg Hydrogen GmbH") are not
# statements of sector, place or partner type: a longer NER company name wins over them.
NAME_ENTITY = "company_name"
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
    }
)


def _overlap(a: Entity, b: Entity) -> bool:
    return bool(a["start"] < b["end"] and b["start"] < a["end"])


def resolve_entities(
    entities: list[Entity], names: list[tuple[int, int]] | None = None
) -> list[Entity]:
    """Choose among overlapping rule entities (see the module docstring).

    Args:
        entities: Rule entities from the existing extractors and the normalisers.
        names: Character spans of company names found by the NER; a normaliser's country,
            region, sector or partner type strictly inside one is dropped.

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
    quantities = [e for e in ours if e["entity"] in QUANTITIES]
    others = [
        e
        for e in others
        if not (e["entity"] == "number" and any(_overlap(e, q) for q in quantities))
    ]
    spans = {(e["entity"], e["start"], e["end"]) for e in others}
    ours = [e for e in ours if (e["entity"], e["start"], e["end"]) not in spans]

    def rank(entity: Entity) -> tuple[int, int, int]:
        mine = entity.get("extractor") in NORMALISER_EXTRACTORS
        specificity = SPECIFICITY.get(entity["entity"], OTHER_RANK) if mine else OTHER_RANK
        return (entity["start"] - entity["end"], specificity, entity["start"])

    kept: list[Entity] = []
    for entity in sorted(others + ours, key=rank):
        if not any(_overlap(entity, k) for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: (e["start"], e["end"]))


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


class EntityResolver(JsonDataComponent):
    """Resolves overlaps among rule entities before the entity merger (no state)."""

    def __call__(self, doc: Doc) -> Doc:
        try:
            names = [(s.start_char, s.end_char) for s in doc.ents if s.label_ == NAME_ENTITY]
            doc._.set(ENTITIES_ATTR, resolve_entities(found_entities(doc), names))
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
