"""Two consecutive periods (Annex Art. 4(2) of Recommendation 2003/361/EC).

A company gains or loses SME status, or moves between micro, small and medium, only when it
crosses a ceiling in two consecutive accounting periods: one year over or under a ceiling
keeps last year's class. The previous year's figures are the company's own; its holdings are
added as this year's (their earlier figures are not asked for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from actions.eligibility.company import CompanyProfile
from actions.eligibility.scheme import SmeDefinition, pick

if TYPE_CHECKING:
    from actions.eligibility.sme import SmeAssessment

PREVIOUS_YEAR = "previous_year"  # the missing fact: last year's headcount, turnover, balance


def _unknown_previous(now: SmeAssessment) -> SmeAssessment:
    """Over the SME ceilings this year, and last year not known: the test waits for it."""
    return replace(
        now, status="unknown", category=None, key="unknown_previous_year", missing=(PREVIOUS_YEAR,)
    )


def two_periods(
    now: SmeAssessment,
    profile: CompanyProfile,
    sme: SmeDefinition,
    assess_year: Callable[[CompanyProfile], SmeAssessment],
    language: str = "en",
) -> SmeAssessment:
    """This year's settled assessment `now`, kept or changed by the previous year's.

    Without last year's figures, this year's class stands, except that a company over the
    SME ceilings this year waits for them (it may still be an SME). `assess_year` tests one
    year's figures.
    """
    previous = profile.previous_year
    before = None
    if previous is not None:
        before = assess_year(
            replace(
                profile,
                employees=previous.employees,
                annual_turnover_eur=previous.annual_turnover_eur,
                balance_sheet_eur=previous.balance_sheet_eur,
                previous_year=None,
            )
        )
    if before is None or before.status == "unknown":
        return _unknown_previous(now) if now.category == "not_sme" else now
    same = before.category == now.category or None in (before.category, now.category)
    if same and before.status == now.status:
        note = ("previous_year_same", {"previous_class": _phrase(before, sme, language)})
        return replace(now, notes=(*now.notes, note))
    values = {
        **now.values,
        "now_class": _phrase(now, sme, language),
        "previous_class": _phrase(before, sme, language),
        "previous_headcount": before.values["headcount"],
        "previous_turnover": before.values["turnover"],
        "previous_balance": before.values["balance"],
    }
    return replace(
        now, status=before.status, category=before.category, key="kept_class", values=values
    )


def _phrase(assessment: SmeAssessment, sme: SmeDefinition, language: str) -> str:
    key = assessment.category or "sme"
    return pick(sme.class_phrases[key], language)
