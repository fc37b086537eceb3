"""The SME's side of a match: what it needs, and lenient readers for what users type."""

from __future__ import annotations

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
    return rules.s3_field_aliases.get(text)


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


def need_from_values(
    values: dict[str, Any], rules: MatchingRules, country_code: Any = None
) -> PartnerNeed | None:
    """A need from loosely typed values (slots), unknown entries dropped; None without a type.

    `country_code` turns a country name or code into an ISO code (the caller's lookup).
    """
    need_type = normalise_need_type(values.get("need_type"), rules)
    if need_type is None:
        return None
    to_code = country_code or (lambda v: v.upper() if isinstance(v, str) else None)
    fields = [normalise_s3_field(v, rules) for v in as_list(values.get("s3_fields"))]
    targets = [to_code(v) for v in as_list(values.get("target_countries"))]
    return PartnerNeed(
        need_type=need_type,
        country=to_code(values["country"]) if values.get("country") else None,
        need_description=str(values.get("need_description") or "")[:4000],
        region=str(values["region"])[:8] if values.get("region") else None,
        s3_fields=tuple(dict.fromkeys(f for f in fields if f)),
        partner_types=_choices(values.get("partner_types"), ORG_TYPES),
        target_countries=tuple(dict.fromkeys(c for c in targets if c)),
        partnership_types=_choices(values.get("partnership_types"), PARTNERSHIP_TYPES),
        stage=normalise_choice(values.get("stage"), STAGES),
    )


def _choices(value: Any, allowed: Iterable[str]) -> tuple[str, ...]:
    allowed = tuple(allowed)
    found = (normalise_choice(v, allowed) for v in as_list(value))
    return tuple(dict.fromkeys(v for v in found if v))
