"""POST /api/v1/eligibility with the NACE notations registers send, a founding month and a
German provider's Land; a code that does not exist is a 422 that says why."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from web_helpers import assert_error

from tests.bot.web.test_eligibility_api import ELIGIBLE, URL, http  # noqa: F401  (fixture)


def _rule(answer: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in answer["rules"] if r["id"] == rule_id)


@pytest.mark.parametrize(
    ("code", "shown", "verdict"),
    [
        ("6201", "(NACE J62.01)", "eligible"),
        ("62", "(NACE J62)", "eligible"),
        ("j 62.01", "(NACE J62.01)", "eligible"),
        ("K62.10", "(NACE J62.10)", "eligible"),  # Rev. 2.1 letter
        ("M68", "(NACE L68)", "not_eligible"),  # Rev. 2.1 real estate
        ("10.20", "(NACE C10.20)", "eligible"),
        ("0121", "(NACE A01.21)", "not_eligible"),
    ],
)
def test_eligibility_nace_notations(
    http: httpx.Client,  # noqa: F811
    code: str,
    shown: str,
    verdict: str,
) -> None:
    answer = http.post(URL, json={**ELIGIBLE, "nace_code": code}).json()
    assert answer["verdict"] == verdict
    assert shown in _rule(answer, "V5")["reason"]


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("04.1", "there is no division 04"),
        ("A10", "division 10 belongs to section C"),
        ("62.0.1.2", "is not a NACE code"),
    ],
)
def test_eligibility_nace_that_does_not_exist_is_422_with_reason(
    http: httpx.Client,  # noqa: F811
    code: str,
    says: str,
) -> None:
    error = assert_error(http.post(URL, json={**ELIGIBLE, "nace_code": code}), 422)
    assert says in error["message"], error


def test_eligibility_founding_month_and_provider_land(http: httpx.Client) -> None:  # noqa: F811
    body = {**ELIGIBLE, "months_operating": None, "year_founded": 2019, "month_founded": 3}
    assert http.post(URL, json=body).json()["verdict"] == "eligible"
    bavaria = {**ELIGIBLE, "provider_country": "DE", "provider_region": "Bavaria"}
    answer = http.post(URL, json=bavaria).json()
    assert answer["verdict"] == "not_eligible"
    assert "Bavaria does not" in _rule(answer, "V9")["reason"]
    hamburg = {**bavaria, "provider_region": "Hamburg"}
    assert http.post(URL, json=hamburg).json()["verdict"] == "eligible"
    error = assert_error(http.post(URL, json={**ELIGIBLE, "month_founded": 13}), 422)
    assert "month_founded" in error["message"]
