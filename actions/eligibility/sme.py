"""The SME test of Recommendation 2003/361/EC: ceilings with partner and linked enterprises
added in, the investors and public bodies of Annex Art. 3, and two periods (Art. 4(2))."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from actions.eligibility.company import CompanyProfile, Enterprise
from actions.eligibility.ownership import Holding, Ownership, holdings, owner_name, read_ownership
from actions.eligibility.periods import two_periods
from actions.eligibility.scheme import SizeClass, SmeDefinition, pick
from actions.formatting import format_number

Status = Literal["pass", "fail", "unknown"]
Metric = Literal["employees", "annual_turnover_eur", "balance_sheet_eur"]
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Aggregate:
    """One figure of the company with its partners' and linked enterprises' shares added."""

    value: Decimal | None
    expression: str
    missing: tuple[str, ...]


Note = tuple[str, dict[str, str]]  # a reason key of V1 and its figures, said after the reason


@dataclass(frozen=True)
class SmeAssessment:
    """The outcome of the SME test: status, size class, the reason's key and its figures.

    `notes` are further sentences of the reason (an investor that keeps autonomy, last year's
    class), each a reason key and its figures.
    """

    status: Status
    category: str | None
    key: str
    values: dict[str, str]
    missing: tuple[str, ...]
    notes: tuple[Note, ...] = ()


def _weight(holding: Holding, sme: SmeDefinition) -> Decimal:
    """How much of the other enterprise counts: all, its share, or nothing."""
    enterprise = holding.enterprise
    if holding.linked or enterprise.share_pct > sme.partner_to_pct:
        return Decimal(1)
    if enterprise.share_pct >= sme.partner_from_pct:
        return enterprise.share_pct / HUNDRED
    return Decimal(0)


def aggregate(
    profile: CompanyProfile,
    metric: Metric,
    sme: SmeDefinition,
    language: str = "en",
    ownership: Ownership | None = None,
) -> Aggregate:
    """The company's `metric` plus partner shares (in proportion) and linked ones (in full).

    Holdings that `ownership` reads as keeping the company autonomous are left out.
    """
    unknown = pick(sme.text["unknown"], language)
    unit = "" if metric == "employees" else "EUR "
    own = getattr(profile, metric)
    total: Decimal | None = own
    missing: list[str] = [metric] if own is None else []
    terms = [pick(sme.text["own"], language).format(value=_show(own, unknown, unit, language))]
    for holding in holdings(profile):
        weight = _weight(holding, sme)
        if weight == 0 or (ownership is not None and not ownership.counts(holding)):
            continue
        value = getattr(holding.enterprise, metric)
        if value is None:
            missing.append(f"{holding.group}.{holding.index}.{metric}")
            total = None
        elif total is not None:
            total += value * weight
        key = "linked" if weight == 1 else "partner"
        share = format_number(holding.enterprise.share_pct, language)
        terms.append(
            pick(sme.text[key], language).format(
                value=_show(value, unknown, unit, language), share=share
            )
        )
    expression = " + ".join(terms)
    if len(terms) > 1 and total is not None:
        expression += f" = {unit}{format_number(total, language)}"
    return Aggregate(total, expression, tuple(missing))


def _show(value: Decimal | None, unknown: str, unit: str, language: str) -> str:
    return unknown if value is None else unit + format_number(value, language)


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


def assess_figures(
    profile: CompanyProfile, sme: SmeDefinition, ownership: Ownership, language: str = "en"
) -> SmeAssessment:
    """The ceilings test on one year's figures, holdings added as `ownership` reads them."""
    h = aggregate(profile, "employees", sme, language, ownership)
    t = aggregate(profile, "annual_turnover_eur", sme, language, ownership)
    b = aggregate(profile, "balance_sheet_eur", sme, language, ownership)
    largest = sme.categories[-1]

    def values(size: SizeClass) -> dict[str, str]:
        return {
            "headcount": h.expression,
            "turnover": t.expression,
            "balance": b.expression,
            "ceiling": format_number(size.headcount_below, language),
            "turnover_max": format_number(size.turnover_max_eur, language),
            "balance_max": format_number(size.balance_sheet_max_eur, language),
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


def _assess(
    profile: CompanyProfile, sme: SmeDefinition, ownership: Ownership, language: str
) -> SmeAssessment:
    """Public control first (Art. 3(4)), then the ceilings over two periods (Art. 4(2))."""
    if ownership.public_pct >= sme.public_control_from_pct:
        values = {
            "public_share": format_number(ownership.public_pct, language),
            "public_from": format_number(sme.public_control_from_pct, language),
        }
        return SmeAssessment("fail", "not_sme", "not_sme_public", values, ())
    now = assess_figures(profile, sme, ownership, language)
    if now.status == "unknown":
        return now
    settled = two_periods(
        now, profile, sme, lambda p: assess_figures(p, sme, ownership, language), language
    )
    notes = tuple(_autonomy_note(h, sme, language) for h in ownership.autonomous)
    return replace(settled, notes=notes + settled.notes)


def _autonomy_note(holding: Holding, sme: SmeDefinition, language: str) -> Note:
    share = format_number(holding.enterprise.share_pct, language)
    return "investor_autonomous", {
        "owner": owner_name(holding.enterprise, sme, language),
        "share": share,
    }


def assess_sme(profile: CompanyProfile, sme: SmeDefinition, language: str = "en") -> SmeAssessment:
    """Whether the company is an SME, and which size class, with the figures used.

    An investor whose Art. 3(2) conditions are not known yet is read both ways; when the
    outcome differs, the test is unknown and names the investor's missing figures.
    """
    favourable = read_ownership(profile, sme, favourable=True)
    best = _assess(profile, sme, favourable, language)
    if not favourable.open:
        return best
    worst = _assess(profile, sme, read_ownership(profile, sme, favourable=False), language)
    if (best.status, best.category) == (worst.status, worst.category):
        return best
    first = favourable.open[0].enterprise
    values = {
        "owner": owner_name(first, sme, language),
        "share": format_number(first.share_pct, language),
        "conditions": conditions_said(first, sme, language),
    }
    return SmeAssessment("unknown", None, "unknown_investor", values, favourable.open_facts)


def conditions_said(enterprise: Enterprise, sme: SmeDefinition, language: str) -> str:
    """The holder's Art. 3(2) conditions in words, with its figures or "not known"."""
    kind = sme.owner_kinds.get(enterprise.kind)
    unknown = pick(sme.text["unknown"], language)
    said = []
    for condition in kind.conditions if kind else ():
        value = getattr(enterprise, condition.field)
        unit = "EUR " if condition.field.endswith("_eur") else ""
        shown = _show(value, unknown, unit, language)
        template = pick(sme.condition_phrases[condition.field], language)
        said.append(template.format(limit=format_number(condition.limit, language), value=shown))
    return pick(sme.text["and"], language).join(said)
