"""The matching rules and explanation templates, read from data/partners/ (no rasa-sdk here)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.storage.models_partners import PARTNERSHIP_TYPES, PROFILE_TYPES, S3_FIELDS, STAGES
from nlu.yaml_reader import read_yaml

WEIGHT_NAMES = ("text", "s3_field", "partner_type", "stage", "target_country", "priority_bonus")


class RulesError(ValueError):
    """The matching data in data/partners/ is inconsistent."""


@dataclass(frozen=True)
class Complement:
    """Which partner profiles answer one kind of need."""

    profile_types: tuple[str, ...]
    org_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchingRules:
    """Weights, hard-filter tables and vocabularies of the matcher."""

    weights: dict[str, float]
    complements: dict[str, Complement]
    partnership_types_by_need: dict[str, tuple[str, ...]]
    default_partner_type_fit: dict[str, dict[str, float]]
    stages: tuple[str, ...]
    mature_first: frozenset[str]
    priority_fields: frozenset[str]
    complementary_fields: frozenset[frozenset[str]]
    s3_field_aliases: dict[str, str]
    need_type_aliases: dict[str, str]
    partner_type_aliases: dict[str, str]
    candidate_limit: int
    weak_match_below: float
    target_fit_share: float
    explanations: dict[str, Any]

    def complementary(self, a: str, b: str) -> bool:
        """Whether two different S3 fields complement each other."""
        return frozenset((a, b)) in self.complementary_fields

    def label(self, vocabulary: str, code: str) -> str:
        """The display name of a code (an org type, stage...) in the explanations file."""
        names: dict[str, str] = self.explanations.get(vocabulary, {})
        return names.get(code, code.replace("_", " "))


def partners_dir() -> Path:
    """The configured data/partners/ directory."""
    from actions import store

    return store.data_dir() / "partners"


@lru_cache(maxsize=8)
def load_rules(directory: Path | None = None, language: str = "en") -> MatchingRules:
    """The matching rules of `directory` (data/partners/ by default), checked."""
    directory = directory or partners_dir()
    raw = read_yaml(directory / "matching.yml")
    path = directory / f"explanations_{language}.yml"
    if not path.exists():
        path = directory / "explanations_en.yml"
    explanations = read_yaml(path)
    weights = {name: float(raw["weights"][name]) for name in WEIGHT_NAMES}
    if abs(sum(weights.values()) - 1.0) > 1e-9:
        raise RulesError(f"matching weights must add up to 1, not {sum(weights.values())}")
    rules = MatchingRules(
        weights=weights,
        complements={
            str(k): Complement(tuple(v["profile_types"]), tuple(v.get("org_types", ())))
            for k, v in raw["complements"].items()
        },
        partnership_types_by_need={
            str(k): tuple(v) for k, v in raw["partnership_types_by_need"].items()
        },
        default_partner_type_fit={
            str(k): {str(t): float(f) for t, f in v.items()}
            for k, v in raw["default_partner_type_fit"].items()
        },
        stages=tuple(raw["stages"]),
        mature_first=frozenset(raw["mature_first"]),
        priority_fields=frozenset(raw["priority_fields"]),
        complementary_fields=frozenset(frozenset(p) for p in raw["complementary_fields"]),
        s3_field_aliases=_aliases(raw["s3_field_aliases"]),
        need_type_aliases=_aliases(raw["need_type_aliases"]),
        partner_type_aliases=_aliases(raw.get("partner_type_aliases", {})),
        candidate_limit=int(raw["candidate_limit"]),
        weak_match_below=float(raw.get("weak_match_below", 0.0)),
        target_fit_share=float(raw.get("target_fit_share", 0.0)),
        explanations=explanations,
    )
    _check(rules)
    return rules


def _aliases(raw: dict[str, list[str]]) -> dict[str, str]:
    return {str(alias).casefold(): str(code) for code, aliases in raw.items() for alias in aliases}


def _check(rules: MatchingRules) -> None:
    if set(rules.complements) != set(PROFILE_TYPES):
        raise RulesError("complements must name every profile type")
    if rules.stages != STAGES:
        raise RulesError("stages must be the POD scale of bot.storage.models_partners")
    for need, types in rules.partnership_types_by_need.items():
        if unknown := set(types) - set(PARTNERSHIP_TYPES):
            raise RulesError(f"unknown partnership types for {need}: {sorted(unknown)}")
    fields = set(rules.s3_field_aliases.values()) | rules.priority_fields
    if unknown := fields - set(S3_FIELDS):
        raise RulesError(f"unknown S3 fields: {sorted(unknown)}")
    if missing := {"templates", "profile_types"} - set(rules.explanations):
        raise RulesError(f"explanations lack {sorted(missing)}")
