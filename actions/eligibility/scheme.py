"""Loading voucher schemes, the SME definition and national schemes from data/vouchers/."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from nlu.yaml_reader import YamlFileError, read_yaml

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
    check: str | None = None  # the engine's check that decides it (rules.CHECKS)


@dataclass(frozen=True)
class GuessSpec:
    """A fact the dialogue may have guessed from free words, and the rules it can fail.

    When such a rule fails on a value the user never confirmed, the dialogue asks first.
    """

    fact: str
    rules: tuple[str, ...]
    slots: tuple[str, ...]  # the slots holding the fact, first filled one counts
    label: Texts  # how the question names the fact ("your sector")
    clear: tuple[str, ...]  # slots emptied when the user says the guess is wrong
    ask_again: str | None  # the voucher form slot that asks the fact again, if any


@dataclass(frozen=True)
class SizeClass:
    """One SME category of 2003/361/EC with its ceilings."""

    id: str
    headcount_below: Decimal
    turnover_max_eur: Decimal
    balance_sheet_max_eur: Decimal
    name: Texts


@dataclass(frozen=True)
class Condition:
    """A figure an owner must meet to keep the company autonomous (Annex Art. 3(2))."""

    field: str  # invested_eur, budget_eur, inhabitants
    limit: Decimal
    inclusive: bool  # `max` (at most) when True, `below` (less than) when False

    def met(self, value: Decimal | None) -> bool | None:
        """Whether `value` meets the condition; None when the value is unknown."""
        if value is None:
            return None
        return value <= self.limit if self.inclusive else value < self.limit


@dataclass(frozen=True)
class OwnerKind:
    """Who a holder is, and how the SME definition treats its holding."""

    id: str
    name: Texts
    keeps_autonomy: bool = False
    public: Literal["never", "always", "unless_conditions_met"] = "never"
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class SmeDefinition:
    """The SME ceilings (smallest category first) and how holdings are aggregated."""

    categories: tuple[SizeClass, ...]
    partner_from_pct: Decimal
    partner_to_pct: Decimal
    text: dict[str, Texts]
    public_control_from_pct: Decimal = Decimal(25)
    owner_kinds: dict[str, OwnerKind] = field(default_factory=dict)
    class_phrases: dict[str, Texts] = field(default_factory=dict)
    condition_phrases: dict[str, Texts] = field(default_factory=dict)


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
    size_classes: dict[str, Texts]
    guesses: tuple[GuessSpec, ...]
    data_dir: Path
    # What the chat says about applying, and when (the `application` section; application.py)
    application: dict[str, Any] = field(default_factory=dict)

    def size_class(
        self, category: str | None, is_sme: bool, language: str = DEFAULT_LANGUAGE
    ) -> str:
        """The size class in words: micro ... not an SME, "an SME" or "not known yet"."""
        key = category or ("sme" if is_sme else "unknown")
        return pick(self.size_classes[key], language)

    def fact_label(self, name: str, language: str = DEFAULT_LANGUAGE) -> str:
        """How a missing fact is named to the user; ``partner_enterprises.0.employees`` uses
        the label of its list."""
        group, field_name = name.split(".")[0], name.split(".")[-1]
        texts = (
            self.fact_labels.get(name)
            or self.fact_labels.get(f"enterprises.{field_name}")
            or self.fact_labels.get(group)
        )
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
    conditions: tuple[RuleSpec, ...]  # its basic conditions, checked by the same engine
    open_to: Texts  # who it is open to, said when it has no condition to check


def _read(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path)
    except YamlFileError as exc:
        raise SchemeError(str(exc)) from exc
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
        public_control_from_pct=Decimal(str(relations["public_control_from_pct"])),
        owner_kinds={k: _owner_kind(k, v) for k, v in raw["owner_kinds"].items()},
        class_phrases={k: dict(v) for k, v in raw["class_phrases"].items()},
        condition_phrases={k: dict(v) for k, v in raw["condition_phrases"].items()},
    )


def _owner_kind(kind: str, raw: dict[str, Any]) -> OwnerKind:
    public = raw.get("public", "never")
    if public not in ("never", "always", "unless_conditions_met"):
        raise SchemeError(f"owner kind {kind}: unknown public {public!r}")
    conditions = []
    for name, limits in (raw.get("conditions") or {}).items():
        if set(limits) not in ({"max"}, {"below"}):
            raise SchemeError(f"owner kind {kind}: condition {name} needs `max` or `below`")
        inclusive = "max" in limits
        limit = Decimal(str(limits["max" if inclusive else "below"]))
        conditions.append(Condition(str(name), limit, inclusive))
    return OwnerKind(
        id=kind,
        name=dict(raw["name"]),
        keeps_autonomy=bool(raw.get("keeps_autonomy")),
        public=public,
        conditions=tuple(conditions),
    )


def _rule(raw: dict[str, Any]) -> RuleSpec:
    if raw.get("kind") not in ("check", "declaration", "procedure"):
        raise SchemeError(f"rule {raw.get('id')}: unknown kind {raw.get('kind')!r}")
    return RuleSpec(
        id=str(raw["id"]),
        kind=raw["kind"],
        title=dict(raw["title"]),
        description=dict(raw.get("description") or {}),
        modelled_on=dict(raw.get("modelled_on") or {}),
        facts=tuple(raw.get("facts") or ()),
        params=dict(raw.get("params") or {}),
        reasons={k: dict(v) for k, v in raw["reasons"].items()},
        check=raw.get("check"),
    )


def _guess(raw: dict[str, Any]) -> GuessSpec:
    return GuessSpec(
        fact=str(raw["fact"]),
        rules=tuple(str(r) for r in raw["rules"]),
        slots=tuple(raw.get("slots") or (raw["fact"],)),
        label=dict(raw["label"]),
        clear=tuple(raw.get("clear") or raw.get("slots") or (raw["fact"],)),
        ask_again=raw.get("ask_again"),
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
            size_classes={k: dict(v) for k, v in raw["size_classes"].items()},
            guesses=tuple(_guess(g) for g in raw.get("guesses") or ()),
            data_dir=vouchers_dir.parent,
            application=dict(raw.get("application") or {}),
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
    try:
        return tuple(
            NationalScheme(
                country=str(raw["country"]),
                name=dict(s["name"]),
                agency=dict(s["agency"]),
                offers=dict(s["offers"]),
                url=str(s["url"]),
                sources=tuple(s.get("sources") or ()),
                as_of=str(s.get("as_of", "")),
                conditions=tuple(_rule(c) for c in s.get("conditions") or ()),
                open_to=dict(s.get("open_to") or {}),
            )
            for s in raw["schemes"]
        )
    except (KeyError, TypeError) as exc:
        raise SchemeError(f"{path.name}: missing or malformed {exc}") from exc
