# ruff: noqa: E501  (one case per line reads as a table)
"""Who owns the company (Annex Art. 3(2), 3(4)) and two consecutive periods (Art. 4(2)).

Each case changes the fully eligible small Estonian company of the main case table (BASE:
20 staff, EUR 3M turnover, EUR 2.5M balance sheet) and states what must come out. An owner
with 120 staff and EUR 30M turnover and balance sheet tips the company into medium when 25 %
or more of its figures are added.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from test_eligibility_cases import BASE

from actions.eligibility import CompanyProfile, evaluate, load_scheme, vouchers_dir

SCHEME = load_scheme(vouchers_dir())
BIG = {"employees": 120, "annual_turnover_eur": 30_000_000, "balance_sheet_eur": 30_000_000}
HUGE = {"employees": 400, "annual_turnover_eur": 90_000_000, "balance_sheet_eur": 90_000_000}
MICRO = {"employees": 5, "annual_turnover_eur": 1_000_000, "balance_sheet_eur": 1_000_000}
SMALL = {"employees": 20, "annual_turnover_eur": 3_000_000, "balance_sheet_eur": 2_500_000}
MEDIUM = {"employees": 120, "annual_turnover_eur": 30_000_000, "balance_sheet_eur": 30_000_000}
LARGE = {"employees": 300, "annual_turnover_eur": 60_000_000, "balance_sheet_eur": 50_000_000}


class Case(NamedTuple):
    id: str
    changes: dict[str, Any]
    verdict: str
    category: str | None
    missing: list[str] | None = None
    reason_says: str = ""  # words V1's reason must contain


def owner(
    kind: str, share: float, figures: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"kind": kind, "share_pct": share, **(BIG if figures is None else figures), **extra}


def partners(*owners: dict[str, Any]) -> dict[str, Any]:
    return {"partner_enterprises": list(owners)}


def years(now: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    return {**now, "previous_year": before}


CASES = [
    # Art. 3(2): investors holding 25 to 50 % keep the company autonomous
    Case("venture_capital_25_pct_autonomous", partners(owner("venture_capital", 25)), "eligible", "small", reason_says="a venture-capital company, which keeps the company autonomous"),
    Case("venture_capital_exactly_50_pct_autonomous", partners(owner("venture_capital", 50)), "eligible", "small"),
    Case("venture_capital_50_01_pct_linked", partners(owner("venture_capital", 50.01, HUGE)), "needs_info", None, ["previous_year"]),
    Case("venture_capital_over_50_two_years_not_sme", {**partners(owner("venture_capital", 50.01, HUGE)), "previous_year": SMALL}, "not_eligible", "not_sme", reason_says="(linked, in full)"),
    Case("enterprise_owner_25_pct_is_partner", partners(owner("enterprise", 25)), "eligible", "medium", reason_says="25 % of 120 (partner)"),
    Case("owner_24_99_pct_ignored", partners(owner("enterprise", 24.99, HUGE)), "eligible", "small"),
    Case("university_40_pct_autonomous", partners(owner("university", 40)), "eligible", "small", reason_says="a university"),
    Case("research_centre_institutional_public_investment", partners(owner("research_centre", 30), owner("institutional_investor", 30), owner("public_investment_corporation", 30)), "eligible", "small"),
    Case("business_angel_exactly_1_25m_autonomous", partners(owner("business_angel", 30, invested_eur=1_250_000)), "eligible", "small", reason_says="a business angel"),
    Case("business_angel_just_over_1_25m_partner", partners(owner("business_angel", 30, invested_eur=1_250_000.01)), "eligible", "medium", reason_says="30 % of 120 (partner)"),
    Case("business_angel_investment_unknown_asks", partners(owner("business_angel", 30)), "needs_info", None, ["partner_enterprises.0.invested_eur"], "has invested at most EUR 1,250,000 in the company (here: not known)"),
    Case("business_angel_unknown_but_irrelevant", partners(owner("business_angel", 30, {"employees": 0, "annual_turnover_eur": 0, "balance_sheet_eur": 0})), "eligible", "small"),
    # Local authorities: under EUR 10M budget and under 5,000 inhabitants
    Case("local_authority_small_autonomous", partners(owner("local_authority", 30, budget_eur=9_999_999, inhabitants=4_999)), "eligible", "small", reason_says="a local authority"),
    Case("local_authority_budget_exactly_10m_public", partners(owner("local_authority", 30, budget_eur=10_000_000, inhabitants=4_999)), "not_eligible", "not_sme", reason_says="Public bodies hold 30 %"),
    Case("local_authority_exactly_5000_inhabitants_public", partners(owner("local_authority", 30, budget_eur=2_000_000, inhabitants=5_000)), "not_eligible", "not_sme"),
    Case("local_authority_figures_unknown_asks", partners(owner("local_authority", 30)), "needs_info", None, ["partner_enterprises.0.budget_eur", "partner_enterprises.0.inhabitants"], "a local authority"),
    Case("small_local_authority_over_50_pct_public", {"linked_enterprises": [owner("local_authority", 60, budget_eur=1_000_000, inhabitants=900)]}, "not_eligible", "not_sme"),
    # Art. 3(4): public bodies holding 25 % or more, jointly or alone
    Case("two_public_bodies_15_pct_jointly_30", partners(owner("public_body", 15), owner("public_body", 15)), "not_eligible", "not_sme", reason_says="Public bodies hold 30 %"),
    Case("public_body_24_9_pct_alone", partners(owner("public_body", 24.9)), "eligible", "small"),
    Case("public_body_exactly_25_pct", partners(owner("public_body", 25, MICRO)), "not_eligible", "not_sme"),
    Case("public_bodies_across_partner_and_linked", {**partners(owner("public_body", 20)), "linked_enterprises": [owner("public_body", 5, MICRO)]}, "not_eligible", "not_sme"),
    Case("public_body_and_local_authority_unknown", partners(owner("public_body", 20), owner("local_authority", 10)), "needs_info", None, ["partner_enterprises.1.budget_eur", "partner_enterprises.1.inhabitants"]),
    # Art. 4(2): a class changes only when a ceiling is crossed two years running
    Case("over_sme_ceiling_previous_year_unknown", LARGE, "needs_info", None, ["previous_year"], "last year's figures are needed"),
    Case("over_sme_ceiling_one_year_stays_sme", years(LARGE, MEDIUM), "eligible", "medium", reason_says="so it is still a medium-sized enterprise"),
    Case("over_sme_ceiling_two_years_not_sme", years(LARGE, LARGE), "not_eligible", "not_sme", reason_says="two years running"),
    Case("under_sme_ceiling_one_year_stays_not_sme", years(MEDIUM, LARGE), "not_eligible", "not_sme", reason_says="so it is still not an SME"),
    Case("micro_grows_small_one_year_stays_micro", years(SMALL, MICRO), "eligible", "micro", reason_says="would make it a small enterprise"),
    Case("micro_grows_small_two_years_small", years(SMALL, SMALL), "eligible", "small"),
    Case("medium_shrinks_small_one_year_stays_medium", years(SMALL, MEDIUM), "eligible", "medium"),
    Case("small_shrinks_micro_two_years_micro", years(MICRO, MICRO), "eligible", "micro"),
    Case("small_grows_medium_one_year_stays_small", years(MEDIUM, SMALL), "eligible", "small"),
    Case("micro_jumps_medium_one_year_stays_micro", years(MEDIUM, MICRO), "eligible", "micro"),
    Case("previous_year_partly_known_over_ceiling", years(LARGE, {"annual_turnover_eur": 1_000_000}), "needs_info", None, ["previous_year"]),
    Case("previous_year_unknown_within_sme_not_asked", {"previous_year": None}, "eligible", "small"),
    Case("public_control_needs_no_previous_year", {**LARGE, **partners(owner("public_body", 30))}, "not_eligible", "not_sme"),
    Case("partner_tips_over_ceiling_previous_year_asked", {"employees": 240, **partners(owner("enterprise", 40))}, "needs_info", None, ["previous_year"]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_ownership_case(case: Case) -> None:
    result = evaluate(CompanyProfile.from_mapping({**BASE, **case.changes}), SCHEME)
    v1 = next(r for r in result.rules if r.id == "V1")
    others = [r.id for r in result.rules if r.status != "pass" and r.id != "V1"]
    assert not others, others
    assert (result.verdict, result.sme_category) == (case.verdict, case.category), v1.reason
    assert case.reason_says in v1.reason
    if case.missing is not None:
        assert list(result.missing) == case.missing
    if case.verdict == "eligible":
        assert result.missing == ()


def test_ownership_cases_are_many_and_distinct() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
