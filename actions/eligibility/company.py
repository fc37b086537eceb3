"""The facts about a company that the eligibility rules read; None always means unknown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

YEAR_FIGURES = ("employees", "annual_turnover_eur", "balance_sheet_eur")
HOLDING_FIGURES = (*YEAR_FIGURES, "invested_eur", "budget_eur", "inhabitants")


@dataclass(frozen=True)
class Enterprise:
    """Another enterprise the company holds shares in, or that holds shares in it.

    `kind` says who the holder is (an owner kind of sme_definition.yml: ``enterprise``,
    ``business_angel``, ``local_authority``, ...), because the SME definition treats some
    investors and public bodies differently; the last three figures matter only for them.
    """

    share_pct: Decimal
    employees: Decimal | None = None
    annual_turnover_eur: Decimal | None = None
    balance_sheet_eur: Decimal | None = None
    kind: str = "enterprise"
    invested_eur: Decimal | None = None
    budget_eur: Decimal | None = None
    inhabitants: Decimal | None = None


@dataclass(frozen=True)
class YearFigures:
    """The company's own figures of the previous accounting period (Annex Art. 4(2))."""

    employees: Decimal | None = None
    annual_turnover_eur: Decimal | None = None
    balance_sheet_eur: Decimal | None = None


@dataclass(frozen=True)
class CompanyProfile:
    """What is known about an applicant and its voucher project."""

    country: str | None = None
    region: str | None = None
    employees: Decimal | None = None
    annual_turnover_eur: Decimal | None = None
    balance_sheet_eur: Decimal | None = None
    partner_enterprises: tuple[Enterprise, ...] = field(default_factory=tuple)
    linked_enterprises: tuple[Enterprise, ...] = field(default_factory=tuple)
    months_operating: Decimal | None = None
    year_founded: int | None = None  # with the month, months of operation are counted from it
    month_founded: int | None = None  # 1-12
    closed_financial_years: int | None = None
    has_business_plan: bool | None = None
    in_difficulty: bool | None = None
    tax_arrears: bool | None = None
    nace_code: str | None = None
    de_minimis_received_eur: Decimal | None = None
    eligible_cost_eur: Decimal | None = None
    provider_country: str | None = None
    provider_region: str | None = None  # in Germany, the provider's Land (V9)
    provider_type: str | None = None
    service_type: str | None = None
    related_to_provider: bool | None = None
    vouchers_last_12_months: int | None = None
    previous_year: YearFigures | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> CompanyProfile:
        """A profile from plain values (API JSON, slots); unusable values become unknown.

        Numbers may be int, float, Decimal or numeric strings; negative or non-finite
        numbers, and values of the wrong kind, are taken as unknown. Unknown keys are ignored.
        """
        kwargs: dict[str, Any] = {}
        for spec in fields(cls):
            raw = values.get(spec.name)
            if spec.name in ("partner_enterprises", "linked_enterprises"):
                kwargs[spec.name] = _enterprises(raw)
            elif spec.name == "previous_year":
                kwargs[spec.name] = _year(raw)
            elif spec.type in ("str | None",):
                kwargs[spec.name] = _text(raw)
            elif spec.type == "bool | None":
                kwargs[spec.name] = raw if isinstance(raw, bool) else None
            elif spec.type == "int | None":
                number = to_decimal(raw)
                whole = number is not None and number == number.to_integral_value()
                kwargs[spec.name] = int(number) if whole and number is not None else None
            else:
                kwargs[spec.name] = to_decimal(raw)
        return cls(**kwargs)


def to_decimal(value: Any) -> Decimal | None:
    """A finite, non-negative Decimal from a number or numeric text; otherwise None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int | float):
            number = Decimal(str(value))
        elif isinstance(value, str):
            number = Decimal(value.strip().replace(",", "").replace(" ", ""))
        else:
            return None
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number < 0:
        return None
    return number


def _text(value: Any) -> str | None:
    """Stripped non-empty text, or None."""
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _enterprises(raw: Any) -> tuple[Enterprise, ...]:
    """Holdings from a list of mappings; entries without a usable share are skipped."""
    if not isinstance(raw, list | tuple):
        return ()
    found = []
    for item in raw:
        if isinstance(item, Enterprise):
            found.append(item)
            continue
        if not isinstance(item, Mapping):
            continue
        share = to_decimal(item.get("share_pct"))
        if share is None or share > 100:
            continue
        found.append(
            Enterprise(
                share_pct=share,
                kind=_text(item.get("kind")) or "enterprise",
                **{name: to_decimal(item.get(name)) for name in HOLDING_FIGURES},
            )
        )
    return tuple(found)


def _year(raw: Any) -> YearFigures | None:
    """The previous year's figures from a mapping; None when it states none of them."""
    if isinstance(raw, YearFigures):
        return raw
    if not isinstance(raw, Mapping):
        return None
    figures = {name: to_decimal(raw.get(name)) for name in YEAR_FIGURES}
    return YearFigures(**figures) if any(v is not None for v in figures.values()) else None
