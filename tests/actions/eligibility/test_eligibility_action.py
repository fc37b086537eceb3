"""The voucher check action, run through rasa-sdk's ActionExecutor with an action-server payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk import __version__ as rasa_sdk_version
from rasa_sdk.executor import ActionExecutor

from actions.eligibility.action import ActionCheckVoucherEligibility

ELIGIBLE_SLOTS: dict[str, Any] = {
    "language": "en",
    "company_name": "Baltic Algae Oy",
    "country": "FI",
    "employees": 12.0,
    "annual_turnover_eur": 1_500_000,
    "balance_sheet_eur": 900_000,
    "months_operating": 40,
    "closed_financial_years": 3,
    "in_difficulty": False,
    "tax_arrears": False,
    "nace_code": "C10.8",
    "de_minimis_received_eur": 20_000,
    "eligible_cost_eur": 6_000,
    "provider_country": "EE",
    "provider_type": "test_bed",
    "service_type": "material_testing",
    "related_to_provider": False,
    "vouchers_last_12_months": 0,
}


def _payload(slots: dict[str, Any]) -> dict[str, Any]:
    """The body Rasa sends to an action server, with a hand-built tracker."""
    tracker = {
        "sender_id": "sme-1",
        "slots": slots,
        "latest_message": {
            "intent": {"name": "check_voucher"},
            "entities": [],
            "text": "/check_voucher",
        },
        "events": [{"event": "action", "name": "action_listen"}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
        "latest_input_channel": "rest",
    }
    domain = {
        "slots": {name: {"type": "any", "mappings": []} for name in [*slots, "missing_facts"]},
        "responses": {},
        "actions": ["action_check_voucher_eligibility"],
        "forms": {},
    }
    return {
        "next_action": "action_check_voucher_eligibility",
        "sender_id": "sme-1",
        "tracker": tracker,
        "domain": domain,
        "version": rasa_sdk_version,
    }


async def _run(slots: dict[str, Any]) -> dict[str, Any]:
    executor = ActionExecutor()
    executor.register_action(ActionCheckVoucherEligibility)
    result = await executor.run(_payload(slots))
    assert result is not None
    return result.model_dump()


def _responses(result: dict[str, Any]) -> list[str]:
    return [r["response"] for r in result["responses"]]


async def test_action_eligible_sends_verdict_amount_and_next_steps() -> None:
    result = await _run(ELIGIBLE_SLOTS)
    assert _responses(result) == [
        "utter_voucher_demo_note",
        "utter_voucher_eligible",
        "utter_voucher_amount",
        "utter_voucher_national_scheme",
        "utter_voucher_partner_search",
    ]
    note, verdict, amount, national, _ = result["responses"]
    assert "demo" in note["scheme_name"].lower() and "not an official scheme" in note["disclaimer"]
    assert verdict["sme_category"] == "small"
    assert (amount["voucher_eur"], amount["eligible_cost_eur"], amount["own_share_eur"]) == (
        "4,800",
        "6,000",
        "1,200",
    )
    assert national["country_name"] == "Finland"
    assert national["national_scheme_url"].startswith("https://www.businessfinland.fi/")
    assert result["events"] == [
        {"event": "slot", "timestamp": None, "name": "missing_facts", "value": None},
        {"event": "slot", "timestamp": None, "name": "voucher_questions", "value": None},
    ]


async def test_action_not_eligible_lists_failed_rules_first() -> None:
    slots = {**ELIGIBLE_SLOTS, "employees": 300, "provider_country": "FI", "nace_code": None}
    result = await _run(slots)
    reasons = [r for r in result["responses"] if r["response"].startswith("utter_voucher_rule_")]
    assert [(r["response"], r["rule_id"]) for r in reasons] == [
        ("utter_voucher_rule_failed", "V1"),
        ("utter_voucher_rule_failed", "V9"),
        ("utter_voucher_rule_unknown", "V5"),
    ]
    assert "300 is 250 or more" in reasons[0]["reason"]
    assert "utter_voucher_not_eligible" in _responses(result)


async def test_action_needs_info_sets_missing_facts() -> None:
    slots = {k: v for k, v in ELIGIBLE_SLOTS.items() if k not in ("nace_code", "tax_arrears")}
    result = await _run(slots)
    assert result["events"][0]["name"] == "missing_facts"
    assert result["events"][0]["value"] == ["tax_arrears", "nace_code"]
    needs = next(r for r in result["responses"] if r["response"] == "utter_voucher_needs_info")
    assert "tax arrears" in needs["missing_facts"] and "NACE" in needs["missing_facts"]


async def test_action_with_no_slots_caps_reasons_and_has_no_national_scheme() -> None:
    result = await _run({"language": "en"})
    names = _responses(result)
    assert names.count("utter_voucher_rule_unknown") == 5
    assert "utter_voucher_more_reasons" in names
    assert "utter_voucher_no_national_scheme" in names
    assert result["events"][0]["name"] == "missing_facts" and len(result["events"][0]["value"]) > 5


async def test_action_takes_country_names_and_odd_slot_values() -> None:
    slots = {
        **ELIGIBLE_SLOTS,
        "country": "Finland",
        "provider_country": "estonia",
        "employees": "twelve",
        "eligible_cost_eur": float("nan"),
        "in_difficulty": "no",
    }
    result = await _run(slots)
    assert result["events"][0]["value"] == [
        "employees",
        "in_difficulty",
        "eligible_cost_eur",
    ]


async def test_action_reads_the_profile_forms_ownership_slots() -> None:
    slots = {
        **ELIGIBLE_SLOTS,
        "employees": 240.0,
        "ownership_links": "partner",
        "linked_share_pct": 30.0,
        "linked_employees": 40.0,
    }
    result = await _run(slots)
    failed = [r for r in result["responses"] if r["response"] == "utter_voucher_rule_failed"]
    assert [r["rule_id"] for r in failed] == ["V1"]
    assert "240 + 30 % of 40 (partner) = 252" in failed[0]["reason"]


async def test_action_missing_holding_figures_name_their_slots() -> None:
    slots = {
        **ELIGIBLE_SLOTS,
        "ownership_links": "linked",
        "linked_share_pct": 60.0,
        "nace_code": None,
        "nace_section": "J",
    }
    result = await _run(slots)
    assert result["events"][0]["value"] == [
        "linked_employees",
        "linked_turnover_eur",
        "linked_balance_sheet_eur",
    ]
