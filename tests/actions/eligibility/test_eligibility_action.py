"""The voucher check action, run through rasa-sdk's ActionExecutor with an action-server payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk import __version__ as rasa_sdk_version
from rasa_sdk.executor import ActionExecutor

from actions.eligibility.action import ActionCheckVoucherEligibility
from actions.eligibility.questions import ActionAskGuessConfirmed, ActionAskSectorChoice

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


def _payload(
    slots: dict[str, Any],
    events: list[dict[str, Any]] | None = None,
    action: str = "action_check_voucher_eligibility",
    latest_text: str = "/check_voucher",
) -> dict[str, Any]:
    """The body Rasa sends to an action server, with a hand-built tracker."""
    tracker = {
        "sender_id": "sme-1",
        "slots": slots,
        "latest_message": {
            "intent": {"name": "check_voucher"},
            "entities": [],
            "text": latest_text,
        },
        "events": events or [{"event": "action", "name": "action_listen"}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
        "latest_input_channel": "rest",
    }
    domain = {
        "slots": {name: {"type": "any", "mappings": []} for name in [*slots, "missing_facts"]},
        "responses": {},
        "actions": [action],
        "forms": {},
    }
    return {
        "next_action": action,
        "sender_id": "sme-1",
        "tracker": tracker,
        "domain": domain,
        "version": rasa_sdk_version,
    }


async def _run(
    slots: dict[str, Any],
    events: list[dict[str, Any]] | None = None,
    action: str = "action_check_voucher_eligibility",
    latest_text: str = "/check_voucher",
) -> dict[str, Any]:
    executor = ActionExecutor()
    for cls in (ActionCheckVoucherEligibility, ActionAskGuessConfirmed, ActionAskSectorChoice):
        executor.register_action(cls)
    result = await executor.run(_payload(slots, events, action, latest_text))
    assert result is not None
    return result.model_dump()


def _responses(result: dict[str, Any]) -> list[str]:
    return [r["response"] for r in result["responses"]]


def _one(result: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [r for r in result["responses"] if r["response"] == name]
    return found


def _slots(result: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}


def _said(user_text: str, **slots: Any) -> list[dict[str, Any]]:
    """Events of a user message and the slots the form set from it."""
    return [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": user_text, "parse_data": {"intent": {"name": "inform"}}},
        *({"event": "slot", "name": k, "value": v} for k, v in slots.items()),
    ]


async def test_action_eligible_sends_verdict_amount_and_next_steps() -> None:
    result = await _run(ELIGIBLE_SLOTS)
    assert _responses(result) == [
        "utter_voucher_eligible",
        "utter_voucher_rules_passed",
        "utter_voucher_amount",
        "utter_voucher_demo_note",
        "utter_voucher_declarations",
        "utter_voucher_national_scheme",
        "utter_voucher_partner_search",
    ]
    verdict, passed, amount, note, _, national, _ = result["responses"]
    assert "demo" in verdict["scheme_name"].lower()
    assert "not an official scheme" in note["disclaimer"]
    assert verdict["size_class"] == "small enterprise"
    assert passed["rules"].startswith("V1 The applicant is an SME; V2 ")
    assert "V7" not in passed["rules"]  # declarations are not checked, so not "met"
    assert (amount["voucher_eur"], amount["eligible_cost_eur"], amount["own_share_eur"]) == (
        "4,800",
        "6,000",
        "1,200",
    )
    assert national["country_name"] == "Finland"
    assert national["national_scheme_url"].startswith("https://www.businessfinland.fi/")
    assert "small enterprise" in national["fit_reasons"]
    assert "about 3" in national["fit_reasons"]  # under five years old
    assert result["events"] == [
        {"event": "slot", "timestamp": None, "name": "missing_facts", "value": None},
        {"event": "slot", "timestamp": None, "name": "voucher_questions", "value": None},
    ]


async def test_action_not_eligible_lists_failed_rules_first() -> None:
    slots = {**ELIGIBLE_SLOTS, "employees": 300, "provider_country": "FI", "nace_code": None}
    result = await _run({**slots, "previous_employees": 280})
    reasons = [r for r in result["responses"] if r["response"].startswith("utter_voucher_rule_")]
    assert [(r["response"], r["rule_id"]) for r in reasons] == [
        ("utter_voucher_rule_failed", "V1"),
        ("utter_voucher_rule_failed", "V9"),
        ("utter_voucher_rule_unknown", "V5"),
    ]
    assert "300 is 250 or more" in reasons[0]["reason"]
    assert "Finland" in reasons[1]["reason"] and " FI" not in reasons[1]["reason"]
    assert _one(result, "utter_voucher_not_eligible")["size_class"] == "not an SME"
    assert "utter_voucher_amount" not in _responses(result)  # cost known, but not eligible
    # Business Finland's voucher is for small companies: not suggested to a non-SME.
    assert "utter_voucher_national_scheme" not in _responses(result)
    why = _one(result, "utter_voucher_no_fitting_national_scheme")["not_fitting"]
    assert "Business Finland innovation voucher: it is for small companies" in why
    assert "not an SME" in why


async def test_action_needs_info_sets_missing_facts() -> None:
    slots = {k: v for k, v in ELIGIBLE_SLOTS.items() if k not in ("nace_code", "tax_arrears")}
    result = await _run(slots)
    assert result["events"][0]["name"] == "missing_facts"
    assert result["events"][0]["value"] == ["tax_arrears", "nace_code"]
    needs = next(r for r in result["responses"] if r["response"] == "utter_voucher_needs_info")
    assert "tax arrears" in needs["missing_facts"] and "NACE" in needs["missing_facts"]
    assert needs["size_class"] == "small enterprise"
    assert "utter_voucher_amount" not in _responses(result)


async def test_action_with_no_slots_caps_reasons_and_has_no_national_scheme() -> None:
    result = await _run({"language": "en"})
    names = _responses(result)
    assert _one(result, "utter_voucher_needs_info")["size_class"] == "not known yet"
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
        "previous_employees": 245,
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


FISH_GUESS = {**ELIGIBLE_SLOTS, "sector": "Fisheries and aquaculture", "nace_code": "A03"}


async def test_action_asks_before_failing_on_a_sector_read_from_free_words() -> None:
    events = _said(
        "we build aquaculture equipmnet", sector="Fisheries and aquaculture", nace_code="A03"
    )
    result = await _run(FISH_GUESS, events)
    assert result["responses"] == []  # no verdict yet: voucher_form asks first
    assert _slots(result) == {"guess_fact": "nace_code", "voucher_questions": ["guess_confirmed"]}
    asked = await _run(
        {**FISH_GUESS, **_slots(result)}, events, action="action_ask_guess_confirmed"
    )
    [question] = asked["responses"]
    assert question["response"] == "utter_ask_guess_confirmed"
    assert question["guess_value"] == "fishing and aquaculture (NACE A03)"
    assert question["guess_label"] == "your company's main activity"


async def test_action_does_not_ask_about_a_picked_or_typed_code() -> None:
    for text in ('/inform{"sector": "fisheries_aquaculture"}', "our NACE code is a03"):
        result = await _run(FISH_GUESS, _said(text, nace_code="A03"))
        failed = _one(result, "utter_voucher_rule_failed")
        assert failed["rule_id"] == "V5"
        assert "fishing and aquaculture (NACE A03)" in failed["reason"]


async def test_action_does_not_ask_when_another_failure_decides() -> None:
    events = _said("aquaculture gear", nace_code="A03")
    result = await _run({**FISH_GUESS, "employees": 300, "previous_employees": 300}, events)
    assert [r["rule_id"] for r in result["responses"] if "rule_id" in r][:2] == ["V1", "V5"]
    assert "guess_fact" not in _slots(result)


async def test_action_confirmed_guess_gives_the_verdict() -> None:
    events = _said("aquaculture gear", nace_code="A03")
    slots = {**FISH_GUESS, "guess_fact": "nace_code", "guess_confirmed": True}
    result = await _run(slots, events)
    assert _responses(result)[0] == "utter_voucher_not_eligible"
    assert _slots(result)["confirmed_facts"] == ["nace_code=A03"]
    assert _slots(result)["guess_fact"] is None and _slots(result)["guess_confirmed"] is None
    again = await _run({**slots, **_slots(result)}, events)  # asked once: not again
    assert _responses(again)[0] == "utter_voucher_not_eligible"


async def test_action_rejected_guess_asks_the_sector_again_with_a_pick_list() -> None:
    events = _said("aquaculture gear", nace_code="A03")
    slots = {**FISH_GUESS, "guess_fact": "nace_code", "guess_confirmed": False}
    result = await _run(slots, events)
    assert result["responses"] == []
    changed = _slots(result)
    assert changed["voucher_questions"] == ["sector_choice"]
    assert changed["nace_code"] is None and changed["sector"] is None
    asked = await _run({**slots, **changed}, events, action="action_ask_sector_choice")
    [question] = asked["responses"]
    assert question["response"] == "utter_ask_sector_choice"
    titles = {b["title"]: b["payload"] for b in question["buttons"]}
    assert titles["Manufacturing and machinery"] == '/inform{"sector": "manufacturing"}'


async def test_action_picked_sector_is_taken_as_confirmed() -> None:
    payload = '/inform{"sector": "manufacturing"}'
    slots = {**ELIGIBLE_SLOTS, "nace_code": None, "sector_choice": "manufacturing"}
    result = await _run(slots, _said(payload), latest_text=payload)
    changed = _slots(result)
    assert (changed["nace_code"], changed["sector"]) == ("C28", "Manufacturing and machinery")
    assert changed["sector_choice"] is None and changed["confirmed_facts"] == ["nace_code=C28"]
    assert _responses(result)[0] == "utter_voucher_eligible"


async def test_action_suggests_no_under_five_scheme_to_an_older_firm() -> None:
    result = await _run({**ELIGIBLE_SLOTS, "months_operating": 154})  # founded in 2014
    assert "utter_voucher_national_scheme" not in _responses(result)
    why = _one(result, "utter_voucher_no_fitting_national_scheme")["not_fitting"]
    assert "under 5 years old (yours: about 12 years)" in why


async def test_action_suggests_only_the_fitting_schemes_of_a_country() -> None:
    slots = {**ELIGIBLE_SLOTS, "country": "SE", "region": "SE110", "provider_country": "FI"}
    result = await _run(slots)
    [national] = [
        r for r in result["responses"] if r["response"] == "utter_voucher_national_scheme"
    ]
    assert national["national_scheme_name"] == "Vinnova innovation cheques"  # not Västerbotten
    assert national["country_name"] == "Sweden"
    assert national["fit_reasons"] == "for SMEs (yours: small enterprise)"


async def test_action_asks_about_a_country_read_from_a_sentence_when_it_decides() -> None:
    events = _said("we are a small team based in talinn, estonia", country="EE")
    slots = {**ELIGIBLE_SLOTS, "country": "EE", "provider_country": "EE"}  # V9 fails on it
    result = await _run(slots, events)
    assert _slots(result)["guess_fact"] == "country"
    asked = await _run({**slots, **_slots(result)}, events, action="action_ask_guess_confirmed")
    assert asked["responses"][0]["guess_value"] == "Estonia"
    denied = await _run({**slots, "guess_fact": "country", "guess_confirmed": False}, events)
    assert _slots(denied)["country"] is None  # wrong: forgotten, and the verdict waits for it
    needs = _one(denied, "utter_voucher_needs_info")
    assert "the country where the company is registered" in needs["missing_facts"]


def _declared(result: dict[str, Any]) -> list[str]:
    """The lines of the declarations message, without their bullets; [] when none was sent."""
    found = [r for r in result["responses"] if r["response"] == "utter_voucher_declarations"]
    return [line.removeprefix("• ") for r in found for line in r["declarations"].splitlines()]


async def test_action_every_verdict_says_who_applies_in_the_demo_and_in_the_real_pilot() -> None:
    for slots in (ELIGIBLE_SLOTS, {**ELIGIBLE_SLOTS, "employees": 300}, {"language": "en"}):
        note = _one(await _run(slots), "utter_voucher_demo_note")
        assert "The SME applies, with the provider's quote" in note["who_applies"]
        real_pilot = "in the real BSR pilot only the research organisations could apply"
        assert real_pilot in note["who_applies"]


async def test_action_eligible_lists_the_declarations_that_matter_for_the_company() -> None:
    declared = _declared(await _run(ELIGIBLE_SLOTS))  # EUR 6,000 from Finland
    assert declared[0].startswith("the innovation need")  # V7
    assert declared[1].startswith("the smart specialisation priority")  # V8
    assert "that no national voucher pays the same costs" in declared  # FI has a scheme
    assert "two more, as the service costs over EUR 5,000" in declared[3]  # V19
    assert declared[-1].endswith("within 10 working days)")  # V20
    assert not any("home research organisation" in line for line in declared)  # V15: no help


async def test_action_declarations_depend_on_cost_and_national_schemes() -> None:
    cheap = _declared(await _run({**ELIGIBLE_SLOTS, "eligible_cost_eur": 5_000}))
    assert not any("two more" in line for line in cheap)  # not over EUR 5,000: one quote
    german = {**ELIGIBLE_SLOTS, "country": "DE", "region": "DEF0", "provider_country": "EE"}
    assert not any("national voucher" in line for line in _declared(await _run(german)))


async def test_action_not_eligible_lists_no_declarations_but_needs_info_does() -> None:
    failed = await _run({**ELIGIBLE_SLOTS, "in_difficulty": True})
    assert _responses(failed)[0] == "utter_voucher_not_eligible"
    assert _declared(failed) == []
    unknown = {k: v for k, v in ELIGIBLE_SLOTS.items() if k != "tax_arrears"}
    assert len(_declared(await _run(unknown))) == 5
