"""The SME test of Recommendation 2003/361/EC, with partner and linked enterprises added in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from actions.eligibility.company import CompanyProfile, Enterprise
from actions.eligibility.scheme import SizeClass, SmeDefinition, pick

Status = Literal["pass", "fail", "unknown"]
Metric = Literal["employees", "annual_turnover_eur", "balance_sheet_eur"]
HUNDRED = Decimal(100)


def format_number(value: Decimal) -> str:
    """A figure as people write it: ``50,000,000``, ``252.5``, ``4,000.8``."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Aggregate:
    """One figure of the company with its partners' and linked enterprises' shares added."""

    value: Decimal | None
    expression: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class SmeAssessment:
    """The outcome of the SME test: status, size class, the reason's key and its figures."""

    status: Status
    category: str | None
    key: str
    values: dict[str, str]
    missing: tuple[str, ...]


def _weight(enterprise: Enterprise, linked: bool, sme: SmeDefinition) -> Decimal:
    """How much of the other enterprise counts: all, its share, or nothing."""
    if linked or enterprise.share_pct > sme.partner_to_pct:
        return Decimal(1)
    if enterprise.share_pct >= sme.partner_from_pct:
        return enterprise.share_pct / HUNDRED
    return Decimal(0)


def aggregate(
    profile: CompanyProfile, metric: Metric, sme: SmeDefinition, language: str = "en"
) -> Aggregate:
    """The company's `metric` plus partner shares (in proportion) and linked ones (in full)."""
    unknown = pick(sme.text["unknown"], language)
    unit = "" if metric == "employees" else "EUR "
    own = getattr(profile, metric)
    total: Decimal | None = own
    missing: list[str] = [metric] if own is None else []
    terms = [pick(sme.text["own"], language).format(value=_show(own, unknown, unit))]
    holdings = [
        ("partner_enterprises", i, e, False) for i, e in enumerate(profile.partner_enterprises)
    ]
    holdings += [
        ("linked_enterprises", i, e, True) for i, e in enumerate(profile.linked_enterprises)
    ]
    for group, index, enterprise, linked in holdings:
        weight = _weight(enterprise, linked, sme)
        if weight == 0:
            continue
        value = getattr(enterprise, metric)
        if value is None:
            missing.append(f"{group}.{index}.{metric}")
            total = None
        elif total is not None:
            total += value * weight
        key = "linked" if weight == 1 else "partner"
        share = format_number(enterprise.share_pct)
        terms.append(
            pick(sme.text[key], language).format(value=_show(value, unknown, unit), share=share)
        )
    expression = " + ".join(terms)
    if len(terms) > 1 and total is not None:
        expression += f" = {unit}{format_number(total)}"
    return Aggregate(total, expression, tuple(missing))


def _show(value: Decimal | None, unknown: str, unit: str) -> str:
    return unknown if value is None else unit + format_number(value)


def _lt(value: Decimal | None, limit: Decimal) -> bool | None:
    return None if value is None else value < limit


def _le(value: Decimal | None, limit: Decimal) -> bool | None:
    return None if value is None else value <= limit


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a or b:
        return True
    return None if a is None or b is None else False


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _financial(t: Aggregate, b: Aggregate, size: SizeClass) -> bool | None:
    return _or(_le(t.value, size.turnover_max_eur), _le(b.value, size.balance_sheet_max_eur))


def _fits(h: Aggregate, t: Aggregate, b: Aggregate, size: SizeClass) -> bool | None:
    """Headcount under the ceiling AND (turnover OR balance sheet within its ceiling)."""
    return _and(_lt(h.value, size.headcount_below), _financial(t, b, size))


def assess_sme(profile: CompanyProfile, sme: SmeDefinition, language: str = "en") -> SmeAssessment:
    """Whether the company is an SME, and which size class, with the figures used."""
    h = aggregate(profile, "employees", sme, language)
    t = aggregate(profile, "annual_turnover_eur", sme, language)
    b = aggregate(profile, "balance_sheet_eur", sme, language)
    largest = sme.categories[-1]

    def values(size: SizeClass) -> dict[str, str]:
        return {
            "headcount": h.expression,
            "turnover": t.expression,
            "balance": b.expression,
            "ceiling": format_number(size.headcount_below),
            "turnover_max": format_number(size.turnover_max_eur),
            "balance_max": format_number(size.balance_sheet_max_eur),
            "category": pick(size.name, language),
        }

    is_sme = _fits(h, t, b, largest)
    if is_sme is False:
        over = h.value is not None and h.value >= largest.headcount_below
        key = "not_sme_headcount" if over else "not_sme_financial"
        return SmeAssessment("fail", "not_sme", key, values(largest), ())
    if is_sme is None:
        missing = list(h.missing) if h.value is None else []
        if _financial(t, b, largest) is None:
            missing += [*t.missing, *b.missing]
        key = "unknown_headcount" if h.value is None else "unknown_financial"
        return SmeAssessment("unknown", None, key, values(largest), tuple(missing))
    for size in sme.categories:
        fits = _fits(h, t, b, size)
        if fits is True:
            return SmeAssessment("pass", size.id, "pass", values(size), ())
        if fits is None:
            break
    return SmeAssessment("pass", None, "pass_sme_only", values(largest), ())
