"""The engine's reasons, the SME aggregation, the scheme files and the input helpers."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from actions.eligibility import (
    CompanyProfile,
    assess_sme,
    evaluate,
    load_national_schemes,
    load_scheme,
    normalise_country,
    normalise_nace,
    vouchers_dir,
)
from actions.eligibility.engine import check_conditions
from actions.eligibility.nace import nace_contains, nace_matches
from actions.eligibility.national import national_fits
from actions.eligibility.rules import CHECKS
from actions.eligibility.sme import aggregate
from actions.formatting import format_number

SCHEME = load_scheme(vouchers_dir())
PACKAGE = Path(__file__).resolve().parents[3] / "actions" / "eligibility"


def _reason(profile: dict, rule_id: str) -> str:  # type: ignore[type-arg]
    result = evaluate(CompanyProfile.from_mapping(profile), SCHEME)
    return next(r.reason for r in result.rules if r.id == rule_id)


def test_reason_names_partner_share_and_total() -> None:
    profile = {
        "employees": 249,
        "partner_enterprises": [{"share_pct": 30, "employees": 10}],
        "previous_year": {"employees": 260},
    }
    assert _reason(profile, "V1") == (
        "Headcount 249 + 30 % of 10 (partner) = 252 is 250 or more: not an SME."
        " Last year's figures made it not an SME too (two years running, Annex Art. 4(2))."
    )


def test_reason_names_both_financial_figures_when_both_are_over() -> None:
    figures = {"employees": 100, "annual_turnover_eur": 60e6, "balance_sheet_eur": 50e6}
    profile = {**figures, "previous_year": figures}
    reason = _reason(profile, "V1")
    assert "60,000,000" in reason and "50,000,000" in reason and "43,000,000" in reason


def test_reason_de_minimis_shows_the_sum() -> None:
    profile = {"de_minimis_received_eur": 299_999, "eligible_cost_eur": 5_000}
    assert _reason(profile, "V6") == (
        "De minimis EUR 299,999 + voucher EUR 4,000 = EUR 303,999, over EUR 300,000."
    )


def test_reason_amount_formula() -> None:
    assert _reason({"eligible_cost_eur": 20_000}, "V14") == (
        "Voucher = min(EUR 10,000, 80 % of EUR 20,000) = EUR 10,000; the company pays EUR 10,000."
    )


def test_aggregate_linked_in_full_and_partner_in_proportion() -> None:
    profile = CompanyProfile.from_mapping(
        {
            "annual_turnover_eur": 1_000_000,
            "partner_enterprises": [{"share_pct": 40, "annual_turnover_eur": 500_000}],
            "linked_enterprises": [{"share_pct": 70, "annual_turnover_eur": 300_000}],
        }
    )
    total = aggregate(profile, "annual_turnover_eur", SCHEME.sme)
    assert total.value == Decimal(1_500_000)
    assert total.expression == (
        "EUR 1,000,000 + 40 % of EUR 500,000 (partner) + EUR 300,000 (linked, in full)"
        " = EUR 1,500,000"
    )


def test_sme_unknown_headcount_lists_partner_field() -> None:
    profile = CompanyProfile.from_mapping(
        {"employees": 5, "annual_turnover_eur": 1, "partner_enterprises": [{"share_pct": 30}]}
    )
    assessment = assess_sme(profile, SCHEME.sme)
    assert assessment.status == "unknown"
    assert assessment.missing == (
        "partner_enterprises.0.employees",
        "partner_enterprises.0.annual_turnover_eur",
        "balance_sheet_eur",
        "partner_enterprises.0.balance_sheet_eur",
    )


def test_every_demo_rule_is_present_with_texts() -> None:
    assert [r.id for r in SCHEME.rules] == [f"V{i}" for i in range(1, 21)]
    for rule in SCHEME.rules:
        assert rule.title["en"] and rule.description["en"] and rule.modelled_on["en"]
        assert rule.reasons, rule.id
    assert SCHEME.demo and "demo" in SCHEME.name["en"].lower()


def test_every_rule_outcome_has_a_status_and_reason() -> None:
    result = evaluate(CompanyProfile(), SCHEME)
    assert len(result.rules) == 20
    assert all(r.reason and r.status in ("pass", "fail", "unknown") for r in result.rules)
    kinds = {r.id: r.kind for r in result.rules}
    assert [i for i, k in kinds.items() if k != "check"] == [
        "V7",
        "V8",
        "V15",
        "V17",
        "V18",
        "V19",
        "V20",
    ]
    assert all(r.status == "pass" for r in result.rules if r.kind != "check")


@pytest.mark.parametrize("country", ["LT", "FI", "SE", "EE", "LV", "DK", "NO"])
def test_national_schemes_of_the_brief_load(country: str) -> None:
    schemes = load_national_schemes(vouchers_dir(), country)
    assert schemes
    for scheme in schemes:
        assert scheme.country == country
        assert scheme.url.startswith(("http://", "https://"))
        assert scheme.name["en"] and scheme.offers["en"]


def test_national_schemes_unknown_or_odd_country_is_empty() -> None:
    assert load_national_schemes(vouchers_dir(), "PL") == ()
    assert load_national_schemes(vouchers_dir(), "../x") == ()


@pytest.mark.parametrize(
    ("code", "expected"),
    [("c10.1", "C10.1"), ("A01", "A01"), ("K", "K"), ("J62.01", "J62.01"), ("A10", None),
     ("10.1", "C10.1"), ("C1", None), ("Z99", None), ("C10.123", None), ("M68", "L68"),
     ("04", None), ("V", "U")],
)  # fmt: skip
def test_normalise_nace(code: str, expected: str | None) -> None:
    assert normalise_nace(code) == expected


def test_normalise_country() -> None:
    assert normalise_country(" fi ") == "FI"
    assert normalise_country("XX") is None
    assert normalise_country("UK") is None


def test_from_mapping_takes_unusable_values_as_unknown() -> None:
    profile = CompanyProfile.from_mapping(
        {"employees": -1, "annual_turnover_eur": float("inf"), "in_difficulty": "yes",
         "vouchers_last_12_months": 1.5, "closed_financial_years": "2", "nace_code": ["C10"]}
    )  # fmt: skip
    assert profile.employees is None and profile.annual_turnover_eur is None
    assert profile.in_difficulty is None and profile.vouchers_last_12_months is None
    assert profile.closed_financial_years == 2 and profile.nace_code == "C10"


def test_format_number() -> None:
    assert format_number(Decimal("50000000")) == "50,000,000"
    assert format_number(Decimal("252.50")) == "252.5"
    assert format_number(Decimal("2666.66")) == "2,666.66"
    assert format_number(Decimal("2666.666")) == "2,666.67"  # at most two decimals


def test_format_number_follows_the_language() -> None:
    assert format_number(Decimal("50000000"), "fi") == "50\u00a0000\u00a0000"
    assert format_number(Decimal("4000.8"), "sv") == "4\u00a0000,8"
    assert format_number(Decimal("4000.8"), "da") == "4.000,8"
    assert format_number(Decimal("1250000"), "xx") == "1,250,000"  # an unknown language: English


def test_engine_does_not_import_rasa_sdk() -> None:
    for path in PACKAGE.glob("*.py"):
        if path.name in ("action.py", "questions.py"):  # the rasa-sdk actions
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [
            n.module if isinstance(n, ast.ImportFrom) else a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in (n.names if isinstance(n, ast.Import) else [n])  # type: ignore[attr-defined]
        ]
        assert not any(str(m).startswith("rasa_sdk") for m in imported), path.name


def test_reasons_name_countries_and_sectors_instead_of_codes() -> None:
    profile = {"country": "LT", "provider_country": "LT", "nace_code": "C28"}
    assert _reason(profile, "V2") == "The company is in Lithuania, a country of the demo scheme."
    assert "both in Lithuania" in _reason(profile, "V9")
    assert _reason(profile, "V5") == (
        "The main activity, manufacture of machinery and equipment (NACE C28), is not an"
        " excluded sector."
    )
    assert "Denmark, Estonia, Finland" in _reason({"country": "FR"}, "V2")
    assert "manufacturing (NACE section C)" in _reason({"nace_code": "C"}, "V5")


@pytest.mark.parametrize(
    ("profile", "expected"),
    [({"employees": 5, "annual_turnover_eur": 1e6}, "micro enterprise"),
     ({"employees": 300, "previous_year": {"employees": 300}}, "not an SME"),
     ({"employees": 300}, "not known yet"),
     ({"employees": 30}, "not known yet"),
     ({"employees": 30, "annual_turnover_eur": 20e6}, "an SME, exact size class not known yet"),
     ({}, "not known yet")],
)  # fmt: skip
def test_size_class_is_always_said_in_words(profile: dict, expected: str) -> None:  # type: ignore[type-arg]
    assert evaluate(CompanyProfile.from_mapping(profile), SCHEME).size_class == expected


@pytest.mark.parametrize("country", ["LT", "FI", "SE", "EE", "LV", "DK", "NO"])
def test_national_scheme_conditions_are_checks_of_the_engine(country: str) -> None:
    for scheme in load_national_schemes(vouchers_dir(), country):
        assert scheme.conditions or scheme.open_to, scheme.name
        for condition in scheme.conditions:
            assert condition.kind == "check" and condition.check in CHECKS
            assert {"pass", "unknown"} <= set(condition.reasons)
        # Every condition decides on an empty profile without an error: unknown, not failed.
        results = check_conditions(CompanyProfile(country=country), scheme.conditions, SCHEME)
        assert all(r.status == "unknown" and r.reason for r in results)


@pytest.mark.parametrize(
    ("profile", "fits"),
    [({"employees": 12, "annual_turnover_eur": 1e6, "nace_code": "C28"}, True),
     ({"employees": 12, "annual_turnover_eur": 1e6, "nace_code": "G47.1"}, False),  # retail
     ({"employees": 12, "annual_turnover_eur": 1e6, "nace_code": "C10.20"}, False),  # fish
     ({"employees": 12, "annual_turnover_eur": 1e6, "nace_code": "C10"}, True),  # cannot tell yet
     ({"employees": 400, "nace_code": "C28", "previous_year": {"employees": 400}}, False)],
)  # fmt: skip
def test_estonian_voucher_fits_by_size_and_sector(profile: dict, fits: bool) -> None:  # type: ignore[type-arg]
    company = CompanyProfile.from_mapping({"country": "EE", **profile})
    [fit] = national_fits(company, SCHEME, "en")
    assert fit.fits is fits, fit.why


def test_nace_exclusions_by_section_division_and_group() -> None:
    assert nace_matches("K64.19", "K") and nace_matches("A01.1", "A01")
    assert nace_matches("C10.20", "C10.2") and not nace_matches("C10.8", "C10.2")
    assert nace_contains("C10", "C10.2") and nace_contains("A", "A01")
    assert not nace_contains("C28", "C10.2")


@pytest.mark.parametrize(
    ("months", "fits", "why"),
    [(40, True, "about 3 years"),
     (66, True, "check the founding date"),  # founded five years ago: maybe still under five
     (154, False, "it is for companies under 5 years old (yours: about 12 years)")],
)  # fmt: skip
def test_finnish_voucher_age_from_a_founding_year(months: int, fits: bool, why: str) -> None:
    company = CompanyProfile.from_mapping(
        {"country": "FI", "employees": 12, "annual_turnover_eur": 1e6, "months_operating": months}
    )
    [fit] = national_fits(company, SCHEME, "en")
    assert fit.fits is fits and why in fit.why
