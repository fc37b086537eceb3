"""Voucher facts from one typed sentence, so an SME need not answer nine questions one by one.

"EUR 9 500 for corrosion testing at a polish test lab, never worked with them, no vouchers, no
difficulty, no arrears" gives the cost, the kind of service and provider, the provider's
country and five yes/no facts. Pure functions over the NLU's parse; the words live in
`data/vouchers/answer_cues.yml` and, for the kinds of service and provider, in the synonyms
of the typed-answer data (`data/dialogue/choices_<language>.yml`), so a button's words and a
sentence's words are the same list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from actions import profile_fields as fields
from actions import store
from actions.answers import clauses, phrase_at
from nlu.entities.text import fold
from nlu.yaml_reader import read_yaml

# NLU partner types that name a kind of voucher provider (docs/entities.md).
PROVIDER_OF_PARTNER_TYPE = {
    "university": "university",
    "research_institute": "rto",
    "test_facility": "test_bed",
}
CHOICE_ENTITIES = ("service_type", "provider_type")


@lru_cache(maxsize=8)
def _cues(language: str) -> dict[str, Any]:
    path = store.data_dir() / "vouchers" / "answer_cues.yml"
    data = read_yaml(path)
    return dict(data.get(language) or data["en"])


@lru_cache(maxsize=8)
def _choice_words(language: str) -> dict[str, list[tuple[str, str]]]:
    """Per entity, (folded phrase, value) pairs, longest phrase first."""
    data_dir = store.data_dir() / "dialogue"
    path = data_dir / f"choices_{language}.yml"
    if not path.exists():
        path = data_dir / "choices_en.yml"
    raw = read_yaml(path)
    values = (raw.get(language) or raw.get("en") or {}).get("values") or {}
    words: dict[str, list[tuple[str, str]]] = {}
    for entity in CHOICE_ENTITIES:
        pairs = [
            (fold(str(phrase)), str(value))
            for value, phrases in (values.get(entity) or {}).items()
            if value != "other"
            for phrase in phrases
            if len(str(phrase)) >= 3
        ]
        words[entity] = sorted(pairs, key=lambda pair: -len(pair[0]))
    return words


def voucher_facts(message: dict[str, Any] | None, language: str = "en") -> dict[str, Any]:
    """The voucher facts a message states, as slot values (only those it states).

    Args:
        message: the NLU's parse of the latest message.
        language: the conversation's language, for the cue words.

    Returns:
        Any of `eligible_cost_eur`, `service_type`, `provider_type`, `provider_country`,
        `related_to_provider`, `has_business_plan`, `in_difficulty`, `tax_arrears`,
        `vouchers_last_12_months`.
    """
    message = message or {}
    text = fold(str(message.get("text") or ""))
    facts: dict[str, Any] = {}
    money = [  # an amount said to be a turnover or balance sheet is no cost
        e
        for e in fields.entities_of(message, "money", (None, "provider"))
        if fields.money_cue(message, e) in (None, "eligible_cost_eur")
    ]
    if money:
        facts["eligible_cost_eur"] = fields.amount_eur(money[0].get("value"))
    for entity in CHOICE_ENTITIES:
        value = _named_choice(text, entity, language)
        if value:
            facts[entity] = value
    if "provider_type" not in facts:
        kinds = fields.entities_of(message, "partner_type", (None, "provider", "partner"))
        kind = PROVIDER_OF_PARTNER_TYPE.get(str(kinds[0].get("value"))) if kinds else None
        if kind:
            facts["provider_type"] = kind
    countries = fields.place_countries(message, ("provider",)) or fields.place_countries(
        message, (None, "target", "partner")
    )
    if countries:
        facts["provider_country"] = countries[0]
    facts.update(_yes_no_facts(text, language))
    return {name: value for name, value in facts.items() if value is not None}


def _named_choice(text: str, entity: str, language: str) -> str | None:
    for phrase, value in _choice_words(language)[entity]:
        if phrase_at(text, phrase) is not None:
            return value
    return None


def _yes_no_facts(text: str, language: str) -> dict[str, Any]:
    cues = _cues(language)
    negations = {fold(word) for word in cues["negations"]}
    facts: dict[str, Any] = {}
    other_scheme = False  # a voucher of another scheme was named (not counted)
    for start, end in clauses(text):
        clause = text[start:end]
        for fact, phrases in cues["facts"].items():
            position = _find(clause, phrases)
            if position is not None and fact not in facts:
                facts[fact] = not _negated(clause[:position], negations)
        position = _find(clause, cues["voucher_words"])
        if position is not None and _find(clause, cues["other_schemes"]) is not None:
            other_scheme = True  # "we had a national voucher": not this scheme's
        elif position is not None and "vouchers_last_12_months" not in facts:
            if _negated(clause[:position], negations):
                facts["vouchers_last_12_months"] = 0
            elif _find(clause, cues["voucher_received"]) is not None:
                count = re.search(r"\b(\d{1,2})\b", clause[:position])
                if count:
                    facts["vouchers_last_12_months"] = int(count.group(1))
    if other_scheme and "vouchers_last_12_months" not in facts:
        facts["vouchers_last_12_months"] = 0  # only other schemes' vouchers: none of this one
    return facts


def _find(clause: str, phrases: list[str]) -> int | None:
    """Where the longest of `phrases` that the clause holds begins."""
    for phrase in sorted(phrases, key=len, reverse=True):
        position = phrase_at(clause, phrase)
        if position is not None:
            return position
    return None


def _negated(before: str, negations: set[str]) -> bool:
    words = re.findall(r"[\w']+", before)[-4:]
    return any(word in negations for word in words)
