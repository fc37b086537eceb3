"""Loading voucher schemes, the SME definition and national schemes from data/vouchers/."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

RuleKind = Literal["check", "declaration", "procedure"]
Texts = dict[str, str]
DEFAULT_LANGUAGE = "en"


class SchemeError(ValueError):
    """A scheme file is missing, malformed or inconsistent."""


def pick(texts: Texts, language: str = DEFAULT_LANGUAGE) -> str:
    """The text in `language`, or the English one when that language has none."""
    return texts.get(language) or texts[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class RuleSpec:
    """One rule of a scheme as data: what it says, what it reads, its figures, its reasons."""

    id: str
    kind: RuleKind
    title: Texts
    description: Texts
    modelled_on: Texts
    facts: tuple[str, ...]
    params: dict[str, Any]
    reasons: dict[str, Texts]


@dataclass(frozen=True)
class SizeClass:
    """One SME category of 2003/361/EC with its ceilings."""

    id: str
    headcount_below: Decimal
    turnover_max_eur: Decimal
    balance_sheet_max_eur: Decimal
    name: Texts


@dataclass(frozen=True)
class SmeDefinition:
    """The SME ceilings (smallest category first) and how holdings are aggregated."""

    categories: tuple[SizeClass, ...]
    partner_from_pct: Decimal
    partner_to_pct: Decimal
    text: dict[str, Texts]


@dataclass(frozen=True)
class Scheme:
    """A voucher scheme: its rules in order, with the definitions they use."""

    id: str
    demo: bool
    name: Texts
    disclaimer: Texts
    verdicts: dict[str, Texts]
    unknown_value: Texts
    fact_labels: dict[str, Texts]
    rules: tuple[RuleSpec, ...]
    sme: SmeDefinition
    de_minimis_ceiling_eur: Decimal

    def fact_label(self, name: str, language: str = DEFAULT_LANGUAGE) -> str:
        """How a missing fact is named to the user; ``partner_enterprises.0.employees`` uses
        the label of its list."""
        texts = self.fact_labels.get(name) or self.fact_labels.get(name.split(".")[0])
        return pick(texts, language) if texts else name

    def rule(self, rule_id: str) -> RuleSpec:
        """The rule with this id."""
        for spec in self.rules:
            if spec.id == rule_id:
                return spec
        raise KeyError(rule_id)


@dataclass(frozen=True)
class NationalScheme:
    """A real national scheme an SME can be pointed to."""

    country: str
    name: Texts
    agency: Texts
    offers: Texts
    url: str
    sources: tuple[str, ...]
    as_of: str


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SchemeError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SchemeError(f"{path}: expected a mapping at the top")
    return data


def _sme(path: Path) -> SmeDefinition:
    raw = _read(path)
    classes = tuple(
        SizeClass(
            id=c["id"],
            headcount_below=Decimal(str(c["headcount_below"])),
            turnover_max_eur=Decimal(str(c["turnover_max_eur"])),
            balance_sheet_max_eur=Decimal(str(c["balance_sheet_max_eur"])),
            name=dict(c["name"]),
        )
        for c in raw["categories"]
    )
    relations = raw["relations"]
    return SmeDefinition(
        categories=classes,
        partner_from_pct=Decimal(str(relations["partner_from_pct"])),
        partner_to_pct=Decimal(str(relations["partner_to_pct"])),
        text={k: dict(v) for k, v in raw["text"].items()},
    )


def _rule(raw: dict[str, Any]) -> RuleSpec:
    if raw.get("kind") not in ("check", "declaration", "procedure"):
        raise SchemeError(f"rule {raw.get('id')}: unknown kind {raw.get('kind')!r}")
    return RuleSpec(
        id=str(raw["id"]),
        kind=raw["kind"],
        title=dict(raw["title"]),
        description=dict(raw["description"]),
        modelled_on=dict(raw["modelled_on"]),
        facts=tuple(raw.get("facts") or ()),
        params=dict(raw.get("params") or {}),
        reasons={k: dict(v) for k, v in raw["reasons"].items()},
    )


@lru_cache(maxsize=8)
def load_scheme(vouchers_dir: Path, scheme_file: str = "bsr_demo.yml") -> Scheme:
    """The scheme in `vouchers_dir/scheme_file`, with the SME and de minimis definitions.

    Raises:
        SchemeError: when a file is missing or malformed.
    """
    raw = _read(vouchers_dir / scheme_file)
    try:
        rules = tuple(_rule(r) for r in raw["rules"])
        de_minimis = _read(vouchers_dir / "de_minimis.yml")
        return Scheme(
            id=str(raw["id"]),
            demo=bool(raw.get("demo")),
            name=dict(raw["name"]),
            disclaimer=dict(raw["disclaimer"]),
            verdicts={k: dict(v) for k, v in raw["verdicts"].items()},
            unknown_value=dict(raw["unknown_value"]),
            fact_labels={k: dict(v) for k, v in raw["fact_labels"].items()},
            rules=rules,
            sme=_sme(vouchers_dir / "sme_definition.yml"),
            de_minimis_ceiling_eur=Decimal(str(de_minimis["ceiling_eur"])),
        )
    except (KeyError, TypeError) as exc:
        raise SchemeError(f"{scheme_file}: missing or malformed {exc}") from exc


@lru_cache(maxsize=32)
def load_national_schemes(vouchers_dir: Path, country: str) -> tuple[NationalScheme, ...]:
    """The real national schemes of `country` (ISO code); empty when none are described."""
    path = vouchers_dir / "national" / f"{country.upper()}.yml"
    if not country.isalpha() or not path.is_file():
        return ()
    raw = _read(path)
    return tuple(
        NationalScheme(
            country=str(raw["country"]),
            name=dict(s["name"]),
            agency=dict(s["agency"]),
            offers=dict(s["offers"]),
            url=str(s["url"]),
            sources=tuple(s.get("sources") or ()),
            as_of=str(s.get("as_of", "")),
        )
        for s in raw["schemes"]
    )
