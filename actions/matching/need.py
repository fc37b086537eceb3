"""The SME's side of a match: what it needs, and lenient readers for what users type."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from actions.matching.rules import MatchingRules
from bot.storage.models_partners import (
    ORG_TYPES,
    PARTNERSHIP_TYPES,
    PROFILE_TYPES,
    S3_FIELDS,
    STAGES,
)


@dataclass(frozen=True)
class PartnerNeed:
    """What an SME looks for: its country, the kind of need, its words, its preferences."""

    need_type: str
    country: str | None = None
    need_description: str = ""
    region: str | None = None
    s3_fields: tuple[str, ...] = ()
    partner_types: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()
    partnership_types: tuple[str, ...] = ()
    stage: str | None = None


def _code(value: Any) -> str:
    return "_".join(str(value).casefold().replace("-", " ").split())


def normalise_need_type(value: Any, rules: MatchingRules) -> str | None:
    """BO/BR/TO/TR/RDR from a code or a phrase such as "technology request"."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.upper() in PROFILE_TYPES:
        return text.upper()
    return rules.need_type_aliases.get(" ".join(text.casefold().split()))


def normalise_s3_field(value: Any, rules: MatchingRules) -> str | None:
    """An S3 field code from a code or a name such as "bioeconomy"."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = " ".join(value.casefold().split())
    if text in S3_FIELDS:
        return text
    return rules.s3_field_aliases.get(text) or _by_label(text, "s3_fields", rules)


def normalise_partner_type(value: Any, rules: MatchingRules) -> str | None:
    """An organisation type from a code or a name such as "research institute"."""
    code = normalise_choice(value, ORG_TYPES)
    if code is not None or not isinstance(value, str):
        return code
    text = " ".join(value.casefold().split())
    return (
        rules.partner_type_aliases.get(text)
        or rules.partner_type_aliases.get(_code(value))
        or _by_label(text, "org_types", rules)
    )


def _by_label(text: str, vocabulary: str, rules: MatchingRules) -> str | None:
    """The code whose display name (data/partners/explanations_<lang>.yml) is `text`."""
    labels: dict[str, str] = rules.explanations.get(vocabulary, {})
    return next((code for code, label in labels.items() if label.casefold() == text), None)


def normalise_choice(value: Any, allowed: Iterable[str]) -> str | None:
    """`value` as one of the `allowed` snake_case codes ("Large company" -> large_company)."""
    if not isinstance(value, str) or not value.strip():
        return None
    code = _code(value)
    return code if code in set(allowed) else None


def as_list(value: Any) -> list[Any]:
    """A slot value as a list: None is empty, a comma-separated string is split."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in (p.strip() for p in value.split(",")) if part]
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


RESEARCH_PARTNERS = frozenset({"university", "rto", "test_facility"})


def infer_need_type(description: str, partner_types: Iterable[str], rules: MatchingRules) -> str:
    """A need type guessed from the words of a need, else from the partner sought.

    A phrase of `need_type_aliases` in the description decides; otherwise a search for a
    university, RTO or test facility is a technology request (TR), anything else a
    business request (BR).
    """
    text = " ".join(description.casefold().split())
    for alias, code in sorted(rules.need_type_aliases.items(), key=lambda kv: -len(kv[0])):
        if alias in text:
            return code
    return "TR" if RESEARCH_PARTNERS & set(partner_types) else "BR"


def need_from_values(
    values: dict[str, Any], rules: MatchingRules, country_code: Any = None, *, infer: bool = False
) -> PartnerNeed | None:
    """A need from loosely typed values (slots), unknown entries dropped; None without a type.

    `country_code` turns a country name or code into an ISO code (the caller's lookup). With
    `infer`, a missing need type is guessed (`infer_need_type`) instead of giving None.
    """
    need_type = normalise_need_type(values.get("need_type"), rules)
    if need_type is None and infer:
        partner_types = [
            normalise_partner_type(v, rules) for v in as_list(values.get("partner_types"))
        ]
        need_type = infer_need_type(
            str(values.get("need_description") or ""), [t for t in partner_types if t], rules
        )
    if need_type is None:
        return None
    to_code = country_code or (lambda v: v.upper() if isinstance(v, str) else None)
    fields = [normalise_s3_field(v, rules) for v in as_list(values.get("s3_fields"))]
    targets = [to_code(v) for v in as_list(values.get("target_countries"))]
    return PartnerNeed(
        need_type=need_type,
        country=to_code(values["country"]) if values.get("country") else None,
        need_description=str(values.get("need_description") or "")[:4000],
        region=_nuts(values.get("region")),
        s3_fields=tuple(dict.fromkeys(f for f in fields if f)),
        partner_types=tuple(
            dict.fromkeys(
                t
                for t in (
                    normalise_partner_type(v, rules) for v in as_list(values.get("partner_types"))
                )
                if t
            )
        ),
        target_countries=tuple(dict.fromkeys(c for c in targets if c)),
        partnership_types=_choices(values.get("partnership_types"), PARTNERSHIP_TYPES),
        stage=normalise_choice(values.get("stage"), STAGES),
    )


_NUTS = re.compile(r"[A-Z]{2}[0-9A-Z]{0,3}")


def _nuts(value: Any) -> str | None:
    """A NUTS code, or None for anything else (such as a region's name)."""
    text = str(value).strip().upper() if value else ""
    return text if _NUTS.fullmatch(text) else None


def _choices(value: Any, allowed: Iterable[str]) -> tuple[str, ...]:
    allowed = tuple(allowed)
    found = (normalise_choice(v, allowed) for v in as_list(value))
    return tuple(dict.fromkeys(v for v in found if v))
