"""POST /api/v1/eligibility over real HTTP: the answer's shape, 422 naming fields, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_helpers import API_TOKEN, assert_error, live_server

from bot.config import Settings
from bot.dialogue.agent import Agent

URL = "/api/v1/eligibility"
ELIGIBLE: dict[str, Any] = {
    "country": "LT",
    "employees": 30,
    "annual_turnover_eur": 4_000_000,
    "balance_sheet_eur": 3_000_000,
    "months_operating": 24,
    "closed_financial_years": 2,
    "in_difficulty": False,
    "tax_arrears": False,
    "nace_code": "C20.1",
    "de_minimis_received_eur": 10_000,
    "eligible_cost_eur": 8_000,
    "provider_country": "SE",
    "provider_type": "rto",
    "service_type": "testing_validation",
    "related_to_provider": False,
    "vouchers_last_12_months": 0,
}


class _NoAgent:
    """The eligibility API never talks to the agent; this one would fail loudly if it did."""


def _no_agent(settings: Settings) -> Agent:
    return _NoAgent()  # type: ignore[return-value]


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[httpx.Client]:
    """One live server (the real app over real HTTP) for this module's tests.

    The app gets an agent that has no methods: the eligibility route must not need the
    dialogue, and these tests then do not depend on the NLU models or the domain.
    """
    db = tmp_path_factory.mktemp("eligibility-db") / "s3bot.db"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=f"sqlite:///{db}",
        MODELS_DIR=models_dir,
        API_TOKEN=API_TOKEN,
        ENVIRONMENT="test",
    )
    with (
        live_server(_no_agent, settings) as url,
        httpx.Client(base_url=url, timeout=60.0) as client,
    ):
        yield client


def test_eligibility_eligible_shape(http: httpx.Client) -> None:
    response = http.post(URL, json=ELIGIBLE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "scheme", "demo", "notice", "verdict", "sme_category", "voucher_eur", "rules", "missing"
    }  # fmt: skip
    assert body["scheme"] == "bsr_s3_demo"
    assert body["demo"] is True and "not an official scheme" in body["notice"]
    assert (body["verdict"], body["sme_category"], body["voucher_eur"]) == (
        "eligible",
        "small",
        6400,
    )
    assert [r["id"] for r in body["rules"]] == [f"V{i}" for i in range(1, 21)]
    assert all(set(r) == {"id", "status", "reason"} and r["reason"] for r in body["rules"])
    assert body["missing"] == []


def test_eligibility_not_eligible_names_figures(http: httpx.Client) -> None:
    body = {
        **ELIGIBLE,
        "employees": 240,
        "partner_enterprises": [{"share_pct": 30, "employees": 40}],
        "previous_year": {"employees": 245},
    }
    answer = http.post(URL, json=body).json()
    assert answer["verdict"] == "not_eligible" and answer["sme_category"] == "not_sme"
    v1 = answer["rules"][0]
    assert v1["status"] == "fail" and "240 + 30 % of 40 (partner) = 252" in v1["reason"]


def test_eligibility_empty_body_needs_info(http: httpx.Client) -> None:
    answer = http.post(URL, json={}).json()
    assert answer["verdict"] == "needs_info"
    assert answer["sme_category"] is None and answer["voucher_eur"] is None
    assert "employees" in answer["missing"] and "eligible_cost_eur" in answer["missing"]


def test_eligibility_lower_case_codes_accepted(http: httpx.Client) -> None:
    answer = http.post(URL, json={**ELIGIBLE, "country": "lt", "nace_code": "c20.1"}).json()
    assert answer["verdict"] == "eligible"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unknown_field": 1}, "unknown_field"),
        ({"country": "XX"}, "country"),
        ({"country": "Lithuania"}, "country"),
        ({"provider_country": 7}, "provider_country"),
        ({"employees": -1}, "employees"),
        ({"employees": 2.5}, "employees"),
        ({"employees": "12"}, "employees"),
        ({"employees": True}, "employees"),
        ({"annual_turnover_eur": "lots"}, "annual_turnover_eur"),
        ({"balance_sheet_eur": -0.01}, "balance_sheet_eur"),
        ({"eligible_cost_eur": 10**30}, "eligible_cost_eur"),
        ({"de_minimis_received_eur": 1e308}, "de_minimis_received_eur"),
        ({"in_difficulty": "no"}, "in_difficulty"),
        ({"nace_code": "A10"}, "nace_code"),
        ({"nace_code": "farming"}, "nace_code"),
        ({"provider_type": "friend"}, "provider_type"),
        ({"service_type": "lunch"}, "service_type"),
        ({"vouchers_last_12_months": -1}, "vouchers_last_12_months"),
        ({"partner_enterprises": [{"share_pct": 101}]}, "partner_enterprises.0.share_pct"),
        ({"partner_enterprises": [{"employees": 3}]}, "partner_enterprises.0.share_pct"),
        (
            {"linked_enterprises": [{"share_pct": 60, "colour": "red"}]},
            "linked_enterprises.0.colour",
        ),
        ({"linked_enterprises": {"share_pct": 60}}, "linked_enterprises"),
        ({"partner_enterprises": [{"share_pct": 30}] * 10_000}, "partner_enterprises"),
        ({"region": {"nested": [[[["garbage"]]]]}}, "region"),
        ({"region": "x" * 1000}, "region"),
        (
            {"partner_enterprises": [{"share_pct": 30, "kind": "friend"}]},
            "partner_enterprises.0.kind",
        ),
        ({"linked_enterprises": [{"share_pct": 60, "kind": 3}]}, "linked_enterprises.0.kind"),
        (
            {"partner_enterprises": [{"share_pct": 30, "invested_eur": -1}]},
            "partner_enterprises.0.invested_eur",
        ),
        (
            {"partner_enterprises": [{"share_pct": 30, "inhabitants": 2.5}]},
            "partner_enterprises.0.inhabitants",
        ),
        ({"previous_year": {"employees": -3}}, "previous_year.employees"),
        ({"previous_year": {"staff": 3}}, "previous_year.staff"),
        ({"previous_year": 250}, "previous_year"),
    ],
)
def test_eligibility_invalid_field_is_422_naming_it(
    http: httpx.Client, body: dict[str, Any], field: str
) -> None:
    error = assert_error(http.post(URL, json=body), 422, "validation_error")
    assert field in [d["field"] for d in error["details"]], error
    assert field in error["message"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"employees": NaN}',
        b'{"eligible_cost_eur": Infinity}',
        b'{"eligible_cost_eur": -Infinity}',
        b'{"employees": 1' + b"0" * 5000 + b"}",
        b"[" * 100_000,
        b"not json",
        b"",
        b"\xff\xfe",
    ],
)
def test_eligibility_broken_json_is_400(http: httpx.Client, raw: bytes) -> None:
    response = http.post(URL, content=raw, headers={"content-type": "application/json"})
    assert_error(response, 400)


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        None,
        {"region": "\ud800"},
        {"employees": 10**400},
        {"partner_enterprises": [[[[[[]]]]]]},
        {"partner_enterprises": [None, 1, "x"]},
        {"country": None, "employees": None},
        {"employees": 10_000_000, "annual_turnover_eur": 1e15, "balance_sheet_eur": 1e15},
        {"eligible_cost_eur": 1e15, "de_minimis_received_eur": 1e15},
    ],
)
def test_eligibility_hostile_input_never_500(http: httpx.Client, body: Any) -> None:
    raw = (
        json.dumps(body).encode()
        if not isinstance(body, dict) or "region" not in body
        else (b'{"region": "\\ud800"}')
    )
    response = http.post(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code != 200:
        assert_error(response, response.status_code)


def test_eligibility_wrong_method_is_405(http: httpx.Client) -> None:
    assert_error(http.get(URL), 405, "method_not_allowed")


def test_eligibility_in_openapi(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    operation = spec["paths"][URL]["post"]
    assert operation["operationId"].startswith("create_eligibility_check")
    assert operation["tags"] == ["eligibility"]
    assert "partner_enterprises" in json.dumps(operation["requestBody"])


def test_eligibility_bad_kind_message_lists_the_kinds(http: httpx.Client) -> None:
    body = {"partner_enterprises": [{"share_pct": 30, "kind": "angel"}]}
    error = assert_error(http.post(URL, json=body), 422, "validation_error")
    assert "business_angel" in error["message"] and "'angel'" in error["message"]


def test_eligibility_business_angel_keeps_autonomy_up_to_the_limit(http: httpx.Client) -> None:
    figures = {"employees": 100, "annual_turnover_eur": 0, "balance_sheet_eur": 0}
    angel = {"share_pct": 40, "kind": "business_angel", **figures}
    answer = http.post(
        URL, json={**ELIGIBLE, "partner_enterprises": [{**angel, "invested_eur": 300_000}]}
    ).json()
    assert (answer["verdict"], answer["sme_category"]) == ("eligible", "small")
    assert "business angel" in answer["rules"][0]["reason"]
    over = {**angel, "invested_eur": 1_300_000}
    answer = http.post(URL, json={**ELIGIBLE, "partner_enterprises": [over]}).json()
    assert answer["sme_category"] == "medium"  # 30 + 40 % of 100 staff
    answer = http.post(URL, json={**ELIGIBLE, "partner_enterprises": [angel]}).json()
    assert answer["verdict"] == "needs_info"
    assert answer["missing"] == ["partner_enterprises.0.invested_eur"]


def test_eligibility_public_bodies_jointly_and_local_authority(http: httpx.Client) -> None:
    state = {"share_pct": 15, "kind": "public_body"}
    answer = http.post(URL, json={**ELIGIBLE, "partner_enterprises": [state, state]}).json()
    assert (answer["verdict"], answer["sme_category"]) == ("not_eligible", "not_sme")
    village = {"share_pct": 30, "kind": "local_authority", "employees": 500}
    small = {**village, "budget_eur": 4_000_000, "inhabitants": 3_200}
    answer = http.post(URL, json={**ELIGIBLE, "partner_enterprises": [small]}).json()
    assert answer["verdict"] == "eligible"
    answer = http.post(URL, json={**ELIGIBLE, "partner_enterprises": [village]}).json()
    assert answer["missing"] == [
        "partner_enterprises.0.budget_eur",
        "partner_enterprises.0.inhabitants",
    ]


def test_eligibility_previous_year_decides_over_the_ceiling(http: httpx.Client) -> None:
    large = {**ELIGIBLE, "employees": 260}
    answer = http.post(URL, json=large).json()
    assert (answer["verdict"], answer["missing"]) == ("needs_info", ["previous_year"])
    before = {"employees": 230, "annual_turnover_eur": 4e6, "balance_sheet_eur": 3e6}
    answer = http.post(URL, json={**large, "previous_year": {"employees": 230}}).json()
    assert answer["missing"] == ["previous_year"]  # last year's finances could be over too
    answer = http.post(URL, json={**large, "previous_year": before}).json()
    assert (answer["verdict"], answer["sme_category"]) == ("eligible", "medium")
    assert "two years running" in answer["rules"][0]["reason"]
    answer = http.post(URL, json={**large, "previous_year": {**before, "employees": 255}}).json()
    assert (answer["verdict"], answer["sme_category"]) == ("not_eligible", "not_sme")


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    return []


def test_eligibility_openapi_shows_new_fields_and_references_resolve(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    for ref in _refs(spec):
        assert ref.startswith("#/"), ref
        node: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]
    operation = spec["paths"][URL]["post"]
    text = json.dumps(operation["requestBody"])
    for name in ("kind", "invested_eur", "budget_eur", "inhabitants", "previous_year"):
        assert f'"{name}"' in text, name
    out = json.dumps(spec["components"]["schemas"]["EligibilityCheckOut"])
    assert '"demo"' in out and '"notice"' in out
