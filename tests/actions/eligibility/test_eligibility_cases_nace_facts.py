# ruff: noqa: E501  (one case per line reads as a table)
"""Cases for NACE notations, the sector exclusions, the founding month and the provider's place.

Each case changes the fully eligible small Estonian company of the main case table (BASE) and
states the verdict, the failed rules and, where it matters, a phrase of a rule's reason. The
date is fixed at 15 November 2026 so that months counted from a founding month are stable.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

import pytest

from actions.eligibility import CompanyProfile, evaluate, load_scheme, vouchers_dir
from actions.voucher_answers import voucher_facts
from tests.actions.eligibility.test_eligibility_cases import BASE

TODAY = date(2026, 11, 15)
NO_MONTHS = {"months_operating": None}


class Case(NamedTuple):
    id: str
    changes: dict[str, Any]
    verdict: str
    failed: list[str]
    missing: list[str] | None = None
    reason: tuple[str, str] | None = None  # (rule id, a phrase its reason says)


CASES = [
    # Every notation registers send, the section derived from the division
    Case("nace_dotted_class", {"nace_code": "62.01"}, "eligible", [], reason=("V5", "computer programming and consultancy (NACE J62.01)")),
    Case("nace_digits_only", {"nace_code": "6201"}, "eligible", [], reason=("V5", "(NACE J62.01)")),
    Case("nace_division_only", {"nace_code": "62"}, "eligible", [], reason=("V5", "(NACE J62)")),
    Case("nace_section_and_class", {"nace_code": "J62.01"}, "eligible", []),
    Case("nace_section_only_without_exclusions", {"nace_code": "J"}, "eligible", [], reason=("V5", "information and communication (NACE section J)")),
    Case("nace_lower_case_with_blank", {"nace_code": "j 62.01"}, "eligible", [], reason=("V5", "(NACE J62.01)")),
    Case("nace_group", {"nace_code": "62.0"}, "eligible", [], reason=("V5", "(NACE J62.0)")),
    Case("nace_prefixed", {"nace_code": "NACE 62.01"}, "eligible", []),
    Case("nace_does_not_exist", {"nace_code": "04.1"}, "needs_info", [], missing=["nace_code"]),
    Case("nace_letter_of_no_revision", {"nace_code": "A10"}, "needs_info", [], missing=["nace_code"]),
    # NACE Rev. 2.1 letters, read by their division
    Case("rev21_computer_programming_k62", {"nace_code": "K62.10"}, "eligible", [], reason=("V5", "(NACE J62.10)")),
    Case("rev21_real_estate_m68", {"nace_code": "M68"}, "not_eligible", ["V5"], reason=("V5", "real estate activities (NACE L68)")),
    Case("rev21_finance_l64", {"nace_code": "L64.19"}, "not_eligible", ["V5"], reason=("V5", "(NACE K64.19)")),
    Case("rev2_real_estate_l68", {"nace_code": "L68"}, "not_eligible", ["V5"]),
    # Primary production excluded; processing, machinery and forestry not
    Case("crops_a01", {"nace_code": "A01"}, "not_eligible", ["V5"], reason=("V5", "primary production of agricultural products")),
    Case("dairy_farming_01_41", {"nace_code": "01.41"}, "not_eligible", ["V5"]),
    Case("fishing_a03", {"nace_code": "A03"}, "not_eligible", ["V5"], reason=("V5", "primary production of fishery and aquaculture products")),
    Case("fish_farming_0322", {"nace_code": "0322"}, "not_eligible", ["V5"]),
    Case("fish_processing_c10_20", {"nace_code": "C10.20"}, "eligible", [], reason=("V5", "processing fish is not primary production")),
    Case("fish_processing_digits", {"nace_code": "1020"}, "eligible", []),
    Case("agricultural_machinery_c28_30", {"nace_code": "C28.30"}, "eligible", [], reason=("V5", "making agricultural machinery is manufacturing")),
    Case("forestry_a02", {"nace_code": "A02.10"}, "eligible", [], reason=("V5", "forestry is not primary agricultural production")),
    Case("section_a_alone_needs_division", {"nace_code": "A"}, "needs_info", [], missing=["nace_code"]),
    # Months of operation from the founding month (today: November 2026)
    Case("founded_may_2026_six_months", {**NO_MONTHS, "year_founded": 2026, "month_founded": 5}, "eligible", [], reason=("V3", "Operating 6 months")),
    Case("founded_june_2026_five_months", {**NO_MONTHS, "year_founded": 2026, "month_founded": 6}, "not_eligible", ["V3"], reason=("V3", "Operating 5 months, fewer than the 6")),
    Case("founded_this_month", {**NO_MONTHS, "year_founded": 2026, "month_founded": 11}, "not_eligible", ["V3"]),
    Case("year_only_month_decides", {**NO_MONTHS, "year_founded": 2026}, "needs_info", [], missing=["month_founded"], reason=("V3", "depends on the founding month")),
    Case("year_only_surely_old_enough", {**NO_MONTHS, "year_founded": 2025}, "eligible", [], reason=("V3", "Operating 11–22 months")),
    Case("founded_december_2025_eleven_months", {**NO_MONTHS, "year_founded": 2025, "month_founded": 12}, "eligible", []),
    Case("months_stated_outright_win", {"months_operating": 4, "year_founded": 2020}, "not_eligible", ["V3"]),
    # Vouchers of this scheme only
    Case("one_voucher_of_this_scheme", {"vouchers_last_12_months": 1}, "not_eligible", ["V16"]),
    Case("national_voucher_not_counted", voucher_facts({"text": "we got a national voucher from EAS in March"}), "eligible", []),
    Case("business_finland_voucher_not_counted", voucher_facts({"text": "we had one Business Finland voucher, none of yours"}), "eligible", []),
    Case("this_schemes_voucher_counted", voucher_facts({"text": "we received 1 voucher last year"}), "not_eligible", ["V16"]),
    # The provider's country and German Land
    Case("provider_hamburg", {"provider_country": "DE", "provider_region": "Hamburg"}, "eligible", [], reason=("V9", "Provider in Hamburg, Germany")),
    Case("provider_berlin_by_code", {"provider_country": "DE", "provider_region": "DE-BE"}, "eligible", []),
    Case("provider_kiel_by_nuts", {"provider_country": "DE", "provider_region": "DEF0"}, "eligible", []),
    Case("provider_bavaria", {"provider_country": "DE", "provider_region": "Bavaria"}, "not_eligible", ["V9"], reason=("V9", "only providers in Schleswig-Holstein, Hamburg, Mecklenburg-Vorpommern, Berlin, Brandenburg take part; Bavaria does not")),
    Case("provider_bavaria_by_nuts", {"provider_country": "DE", "provider_region": "DE21"}, "not_eligible", ["V9"]),
    Case("provider_german_land_unknown", {"provider_country": "DE"}, "needs_info", [], missing=["provider_region"]),
    Case("provider_in_france", {"provider_country": "FR"}, "not_eligible", ["V9"], reason=("V9", "France is not one of the scheme's countries")),
    Case("provider_in_own_country", {"provider_country": "EE"}, "not_eligible", ["V9"], reason=("V9", "both in Estonia")),
    Case("german_applicant_german_provider", {"country": "DE", "region": "Hamburg", "provider_country": "DE", "provider_region": "Berlin"}, "not_eligible", ["V9"]),
    Case("german_applicant_danish_provider", {"country": "DE", "region": "Hamburg", "provider_country": "DK"}, "eligible", []),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_eligibility_case_nace_and_facts(case: Case) -> None:
    profile = CompanyProfile.from_mapping({**BASE, **case.changes})
    result = evaluate(profile, load_scheme(vouchers_dir()), today=TODAY)
    failed = [r.id for r in result.rules if r.status == "fail"]
    assert (result.verdict, failed) == (case.verdict, case.failed), [
        r.reason for r in (*result.failed, *result.unknown)
    ]
    if case.missing is not None:
        assert list(result.missing) == case.missing
    elif case.verdict == "eligible":
        assert result.missing == ()
    if case.reason is not None:
        rule_id, phrase = case.reason
        reason = next(r.reason for r in result.rules if r.id == rule_id)
        assert phrase in reason


def test_eligibility_cases_nace_facts_are_many_and_distinct() -> None:
    assert len(CASES) >= 15
    assert len({c.id for c in CASES}) == len(CASES)
