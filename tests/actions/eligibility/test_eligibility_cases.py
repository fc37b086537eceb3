# ruff: noqa: E501  (one case per line reads as a table)
"""A table of company cases against the demo voucher scheme: verdict, failed rules, size, amount.

Each case changes a fully eligible small Estonian company (BASE) and states what must come out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from actions.eligibility import CompanyProfile, evaluate, load_scheme, vouchers_dir

BASE: dict[str, Any] = {
    "country": "EE",
    "employees": 20,
    "annual_turnover_eur": 3_000_000,
    "balance_sheet_eur": 2_500_000,
    "months_operating": 36,
    "closed_financial_years": 2,
    "in_difficulty": False,
    "tax_arrears": False,
    "nace_code": "C10.1",
    "de_minimis_received_eur": 0,
    "eligible_cost_eur": 5_000,
    "provider_country": "FI",
    "provider_type": "rto",
    "service_type": "testing_validation",
    "related_to_provider": False,
    "vouchers_last_12_months": 0,
}
ALL_FACTS = [
    "employees", "annual_turnover_eur", "balance_sheet_eur", "country", "months_operating",
    "closed_financial_years", "in_difficulty", "tax_arrears", "nace_code",
    "de_minimis_received_eur", "provider_country", "provider_type", "related_to_provider",
    "service_type", "eligible_cost_eur", "vouchers_last_12_months",
]  # fmt: skip
UNSET = object()


class Case(NamedTuple):
    id: str
    changes: dict[str, Any]
    verdict: str
    failed: list[str]
    category: str | None | object = UNSET
    voucher: int | float | None | object = UNSET
    missing: list[str] | None = None


def partner(share: float, employees: int = 0, turnover: float = 0, balance: float = 0) -> dict:  # type: ignore[type-arg]
    return {
        "share_pct": share,
        "employees": employees,
        "annual_turnover_eur": turnover,
        "balance_sheet_eur": balance,
    }


MEDIUM = {"employees": 200, "annual_turnover_eur": 30_000_000, "balance_sheet_eur": 30_000_000}


def two_years(changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` with last year's own figures the same as this year's (Annex Art. 4(2))."""
    figures = {**BASE, **changes}
    fields = ("employees", "annual_turnover_eur", "balance_sheet_eur")
    return {**changes, "previous_year": {name: figures[name] for name in fields}}


CASES = [
    # Size classes and their boundaries
    Case("base_small", {}, "eligible", [], "small", 4000),
    Case("micro", {"employees": 9, "annual_turnover_eur": 2_000_000, "balance_sheet_eur": 5_000_000}, "eligible", [], "micro"),
    Case("micro_by_balance_sheet", {"employees": 9, "annual_turnover_eur": 2_500_000, "balance_sheet_eur": 2_000_000}, "eligible", [], "micro"),
    Case("ten_staff_is_small", {"employees": 10, "annual_turnover_eur": 100_000}, "eligible", [], "small"),
    Case("49_staff_small", {"employees": 49}, "eligible", [], "small"),
    Case("50_staff_medium", {"employees": 50}, "eligible", [], "medium"),
    Case("249_staff_medium", {"employees": 249}, "eligible", [], "medium"),
    Case("250_staff_not_sme", two_years({"employees": 250}), "not_eligible", ["V1"], "not_sme"),
    Case("small_turnover_exactly_10m", {"employees": 30, "annual_turnover_eur": 10_000_000, "balance_sheet_eur": 20_000_000}, "eligible", [], "small"),
    Case("small_both_just_over_10m", {"employees": 30, "annual_turnover_eur": 10_000_001, "balance_sheet_eur": 10_000_001}, "eligible", [], "medium"),
    Case("turnover_exactly_50m_balance_over", {**MEDIUM, "annual_turnover_eur": 50_000_000, "balance_sheet_eur": 45_000_000}, "eligible", [], "medium"),
    Case("turnover_over_balance_exactly_43m", {**MEDIUM, "annual_turnover_eur": 60_000_000, "balance_sheet_eur": 43_000_000}, "eligible", [], "medium"),
    Case("both_just_over", two_years({**MEDIUM, "annual_turnover_eur": 50_000_000.01, "balance_sheet_eur": 43_000_000.01}), "not_eligible", ["V1"], "not_sme"),
    Case("both_well_over", two_years({**MEDIUM, "annual_turnover_eur": 80_000_000, "balance_sheet_eur": 60_000_000}), "not_eligible", ["V1"], "not_sme"),
    # Partner and linked enterprises
    Case("partner_tips_headcount", two_years({"employees": 240, "partner_enterprises": [partner(30, 40)]}), "not_eligible", ["V1"], "not_sme"),
    Case("partner_25_pct_counts", {"employees": 45, "partner_enterprises": [partner(25, 20)]}, "eligible", [], "medium"),
    Case("holding_under_25_pct_ignored", {"employees": 45, "partner_enterprises": [partner(24.99, 200)]}, "eligible", [], "small"),
    Case("partner_tips_turnover_and_balance", {"employees": 40, "annual_turnover_eur": 8_000_000, "balance_sheet_eur": 9_000_000, "partner_enterprises": [partner(50, 0, 6_000_000, 4_000_000)]}, "eligible", [], "medium"),
    Case("partner_over_50_pct_counted_in_full", {"employees": 8, "partner_enterprises": [partner(51, 5)]}, "eligible", [], "small"),
    Case("linked_in_full_tips_headcount", two_years({"employees": 200, "linked_enterprises": [partner(60, 60)]}), "not_eligible", ["V1"], "not_sme"),
    Case("linked_by_influence_counted_in_full", {"employees": 8, "annual_turnover_eur": 1_000_000, "linked_enterprises": [partner(10, 5, 500_000, 500_000)]}, "eligible", [], "small"),
    Case("linked_tips_financials", two_years({**MEDIUM, "linked_enterprises": [partner(100, 10, 25_000_000, 20_000_000)]}), "not_eligible", ["V1"], "not_sme"),
    # Country and region
    Case("country_outside_bsr", {"country": "FR"}, "not_eligible", ["V2"]),
    Case("germany_hamburg", {"country": "DE", "region": "Hamburg"}, "eligible", []),
    Case("germany_by_code", {"country": "DE", "region": "DE-MV"}, "eligible", []),
    Case("germany_by_nuts_code", {"country": "DE", "region": "DE600"}, "eligible", []),
    Case("germany_bavaria_nuts", {"country": "DE", "region": "DE21"}, "not_eligible", ["V2"]),
    Case("germany_bavaria", {"country": "DE", "region": "Bavaria"}, "not_eligible", ["V2"]),
    Case("germany_region_unknown", {"country": "DE"}, "needs_info", [], missing=["region"]),
    # Track record and standing
    Case("five_months", {"months_operating": 5}, "not_eligible", ["V3"]),
    Case("six_months", {"months_operating": 6}, "eligible", []),
    Case("no_closed_year_with_plan", {"closed_financial_years": 0, "has_business_plan": True}, "eligible", []),
    Case("no_closed_year_no_plan", {"closed_financial_years": 0, "has_business_plan": False}, "not_eligible", ["V3"]),
    Case("no_closed_year_plan_unknown", {"closed_financial_years": 0}, "needs_info", [], missing=["has_business_plan"]),
    Case("in_difficulty", {"in_difficulty": True}, "not_eligible", ["V4"]),
    Case("tax_arrears", {"tax_arrears": True}, "not_eligible", ["V4"]),
    # Sectors
    Case("primary_agriculture", {"nace_code": "A01.1"}, "not_eligible", ["V5"]),
    Case("aquaculture", {"nace_code": "A03.2"}, "not_eligible", ["V5"]),
    Case("forestry_not_excluded", {"nace_code": "A02"}, "eligible", []),
    Case("tobacco", {"nace_code": "C12"}, "not_eligible", ["V5"]),
    Case("financial_services", {"nace_code": "K64.19"}, "not_eligible", ["V5"]),
    Case("real_estate", {"nace_code": "L68"}, "not_eligible", ["V5"]),
    Case("gambling", {"nace_code": "R92"}, "not_eligible", ["V5"]),
    Case("section_a_only_needs_division", {"nace_code": "A"}, "needs_info", [], missing=["nace_code"]),
    Case("section_k_only_is_enough", {"nace_code": "K"}, "not_eligible", ["V5"]),
    Case("section_c_only_is_enough", {"nace_code": "C"}, "needs_info", [], missing=["nace_code"]),
    Case("software_ok", {"nace_code": "J62.01"}, "eligible", []),
    # De minimis (voucher EUR 4,000 on a EUR 5,000 cost)
    Case("de_minimis_299999_plus_voucher", {"de_minimis_received_eur": 299_999}, "not_eligible", ["V6"], voucher=4000),
    Case("de_minimis_300001", {"de_minimis_received_eur": 300_001}, "not_eligible", ["V6"]),
    Case("de_minimis_exactly_at_ceiling", {"de_minimis_received_eur": 296_000}, "eligible", []),
    Case("de_minimis_one_cent_over", {"de_minimis_received_eur": 296_000.01}, "not_eligible", ["V6"]),
    Case("de_minimis_small_voucher_fits", {"de_minimis_received_eur": 298_400, "eligible_cost_eur": 2_000}, "eligible", [], voucher=1600),
    # Provider and service
    Case("provider_same_country", {"provider_country": "EE"}, "not_eligible", ["V9"]),
    Case("provider_outside_bsr", {"provider_country": "US"}, "not_eligible", ["V9"]),
    Case("related_provider", {"related_to_provider": True}, "not_eligible", ["V11"]),
    Case("second_voucher_in_12_months", {"vouchers_last_12_months": 1}, "not_eligible", ["V16"]),
    Case("consultancy_for_ip_search", {"provider_type": "private_consultancy", "service_type": "ip_search"}, "eligible", []),
    Case("consultancy_for_feasibility", {"provider_type": "private_consultancy", "service_type": "feasibility_study"}, "not_eligible", ["V10"]),
    Case("provider_other", {"provider_type": "other"}, "not_eligible", ["V10"]),
    Case("marketing_service", {"service_type": "marketing"}, "not_eligible", ["V12"]),
    # Amounts
    Case("cost_5000", {"eligible_cost_eur": 5_000}, "eligible", [], voucher=4000),
    Case("cost_20000_capped", {"eligible_cost_eur": 20_000}, "eligible", [], voucher=10000),
    Case("cost_12500_exactly_cap", {"eligible_cost_eur": 12_500}, "eligible", [], voucher=10000),
    Case("cost_2000_minimum", {"eligible_cost_eur": 2_000}, "eligible", [], voucher=1600),
    Case("cost_below_minimum", {"eligible_cost_eur": 1_999.99}, "not_eligible", ["V13"], voucher=None),
    Case("cost_with_cents", {"eligible_cost_eur": 3_333.33}, "eligible", [], voucher=2666.66),
    # Missing facts
    Case("nothing_known", {k: None for k in BASE}, "needs_info", [], None, None, ALL_FACTS),
    Case("nace_and_de_minimis_missing", {"nace_code": None, "de_minimis_received_eur": None}, "needs_info", [], missing=["nace_code", "de_minimis_received_eur"]),
    Case("balance_needed_when_turnover_over", {**MEDIUM, "annual_turnover_eur": 60_000_000, "balance_sheet_eur": None}, "needs_info", [], None, missing=["balance_sheet_eur"]),
    Case("turnover_over_category_unsure", {"employees": 5, "annual_turnover_eur": 3_000_000, "balance_sheet_eur": None}, "eligible", [], None),
    Case("partner_headcount_missing", {"partner_enterprises": [{"share_pct": 30, "annual_turnover_eur": 1, "balance_sheet_eur": 1}]}, "needs_info", [], None, missing=["partner_enterprises.0.employees"]),
    Case("cost_missing", {"eligible_cost_eur": None}, "needs_info", [], voucher=None, missing=["eligible_cost_eur"]),
    Case("fail_beats_unknown", two_years({"employees": 250, "nace_code": None}), "not_eligible", ["V1"], "not_sme", missing=["nace_code"]),
    Case("several_failures", {"provider_country": "EE", "related_to_provider": True, "service_type": "travel"}, "not_eligible", ["V9", "V11", "V12"]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_eligibility_case(case: Case) -> None:
    result = evaluate(
        CompanyProfile.from_mapping({**BASE, **case.changes}), load_scheme(vouchers_dir())
    )
    failed = [r.id for r in result.rules if r.status == "fail"]
    assert (result.verdict, failed) == (case.verdict, case.failed), [
        r.reason for r in result.failed
    ]
    if case.category is not UNSET:
        assert result.sme_category == case.category
    if case.voucher is not UNSET:
        expected = None if case.voucher is None else Decimal(str(case.voucher))
        assert result.voucher_eur == expected
    if case.missing is not None:
        assert list(result.missing) == case.missing
    elif case.verdict == "eligible":
        assert result.missing == ()


def test_eligibility_cases_are_many_and_distinct() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
