"""The partner actions through rasa-sdk's ActionExecutor, with a hand-built tracker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import __version__ as rasa_sdk_version
from rasa_sdk.executor import ActionExecutor
from sqlalchemy.engine import Engine

from actions.matching import action as partner_actions
from actions.matching import seed_demo_directory
from actions.partner_dialogue import ActionExplainIntroductionData, ValidateIntroductionForm
from bot.storage import make_engine, session, upgrade_schema
from bot.storage.crud_partners import (
    count_organisations,
    get_organisation_by_ref,
    list_introduction_requests,
)

NAMES = (
    "action_suggest_partners",
    "action_show_more_partners",
    "action_request_introduction",
    "action_list_my_company",
)
NEED_SLOTS: dict[str, Any] = {
    "language": "en",
    "company_name": "Baltic Algae Oy",
    "country": "Finland",
    "region": "FI1B",
    "sector": "bioeconomy",
    "need_description": "We need photobioreactor technology to grow microalgae for omega-3.",
    "need_type": "TR",
    "partner_type": None,
    "target_countries": ["Estonia", "Sweden"],
    "offer_description": "Microalgae biomass for feed producers",
    "contact_name": "Aino Virtanen",
    "contact_email": "aino@balticalgae.fi",
}


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated SQLite database holding the demo directory."""
    path: Path = tmp_path_factory.mktemp("partners") / "s3bot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    seed_demo_directory(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _use_directory(directory: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partner_actions, "directory", lambda: directory)


def _payload(name: str, slots: dict[str, Any], sender: str = "sme-1") -> dict[str, Any]:
    tracker = {
        "sender_id": sender,
        "slots": slots,
        "latest_message": {"intent": {"name": "find_partners"}, "entities": [], "text": "hi"},
        "events": [{"event": "action", "name": "action_listen"}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
        "latest_input_channel": "rest",
    }
    domain = {
        "slots": {key: {"type": "any", "mappings": []} for key in slots},
        "responses": {},
        "actions": list(NAMES),
        "forms": {},
    }
    return {
        "next_action": name,
        "sender_id": sender,
        "tracker": tracker,
        "domain": domain,
        "version": rasa_sdk_version,
    }


async def _run(name: str, slots: dict[str, Any], sender: str = "sme-1") -> dict[str, Any]:
    executor = ActionExecutor()
    for cls in (
        partner_actions.ActionSuggestPartners,
        partner_actions.ActionShowMorePartners,
        partner_actions.ActionRequestIntroduction,
        partner_actions.ActionListMyCompany,
    ):
        executor.register_action(cls)
    result = await executor.run(_payload(name, slots, sender))
    assert result is not None
    return dict(result)


def _slots(result: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}


def _responses(result: dict[str, Any]) -> list[str]:
    return [r["response"] for r in result["responses"]]


async def test_suggest_partners_sends_the_fitting_ones_first_with_reasons() -> None:
    result = await _run("action_suggest_partners", NEED_SLOTS)
    suggestions = [r for r in result["responses"] if r["response"] == "utter_partner_suggestion"]
    assert [s["rank"] for s in suggestions] == [1, 2, 3]
    for s in suggestions:
        assert s["country_name"] not in ("Finland",)
        assert s["demo_mark"] == ""  # the name already says it
        assert s["partner_name"].endswith("(demo)")
    for s in suggestions[:2]:  # the demo directory's two algae offers, in Germany, come first
        assert s["country_name"] == "Germany"
        assert "Shared keywords: photobioreactor, microalgae, omega-3" in s["reasons"]
    assert "Shared keywords" not in suggestions[2]["reasons"]
    responses = _responses(result)
    [none_there] = [
        r for r in result["responses"] if r["response"] == "utter_partner_none_in_targets"
    ]
    assert none_there["target_names"] == "Estonia, Sweden"
    assert responses[0] == "utter_partner_none_in_targets"
    assert responses[-2:] == ["utter_partner_demo_note", "utter_partner_next_step"]
    slots = _slots(result)
    assert slots["partner_page"] == 1 and len(slots["partner_suggestions"]) == 3


async def test_suggest_partners_keeps_to_target_countries_with_a_fit() -> None:
    result = await _run("action_suggest_partners", {**NEED_SLOTS, "target_countries": ["Germany"]})
    suggestions = [r for r in result["responses"] if r["response"] == "utter_partner_suggestion"]
    assert suggestions and {s["country_name"] for s in suggestions} == {"Germany"}
    assert "utter_partner_none_in_targets" not in _responses(result)


async def test_suggest_partners_says_when_nothing_fits() -> None:
    slots = {
        **NEED_SLOTS,
        "need_description": "a bookkeeping and payroll service",
        "need_type": "BR",
    }
    result = await _run("action_suggest_partners", slots)
    assert "utter_partner_no_close_match" in _responses(result)
    assert "utter_partner_suggestion" in _responses(result)  # the nearest, after saying so


async def test_show_more_partners_continues_the_list() -> None:
    broad = {
        **NEED_SLOTS,
        "need_description": "Sensors to predict machine failures, and cameras to spot defects.",
        "target_countries": None,
    }
    first = _slots(await _run("action_suggest_partners", broad))
    more = await _run("action_show_more_partners", {**broad, **first})
    ranks = [r["rank"] for r in more["responses"] if r["response"] == "utter_partner_suggestion"]
    assert ranks == [4, 5, 6]
    slots = _slots(more)
    assert slots["partner_page"] == 2
    assert slots["partner_suggestions"][:3] == first["partner_suggestions"]
    assert len(set(slots["partner_suggestions"])) == 6


async def test_suggest_partners_without_country_asks_for_it() -> None:
    result = await _run("action_suggest_partners", {**NEED_SLOTS, "country": None})
    assert _responses(result) == ["utter_partner_need_country"]


async def test_request_introduction_needs_consent(directory: Engine) -> None:
    shown = _slots(await _run("action_suggest_partners", NEED_SLOTS))
    slots = {**NEED_SLOTS, **shown, "selected_partner": "2"}
    asked = await _run("action_request_introduction", {**slots, "intro_consent": None}, "u-intro")
    assert _responses(asked) == ["utter_ask_intro_consent"]
    second = shown["partner_suggestions"][1]
    assert _slots(asked) == {"intro_consent_ref": second}  # the partner the question names
    [question] = asked["responses"]
    assert question["partner_name"].endswith("(demo)")
    assert question["partner_ref"] == second
    assert (question["company_name"], question["country_name"]) == ("Baltic Algae Oy", "Finland")
    assert question["offer_text"] == "Microalgae biomass for feed producers"
    assert question["need_text"].startswith("We need photobioreactor technology")
    assert (question["contact_name"], question["contact_email"]) == (
        "Aino Virtanen",
        "aino@balticalgae.fi",
    )
    refused = await _run(
        "action_request_introduction", {**slots, "intro_consent": False}, "u-intro"
    )
    assert _responses(refused) == ["utter_ask_intro_consent"]
    with session(directory) as db:
        assert list_introduction_requests(session=db, sender_id="u-intro") == []
    first = shown["partner_suggestions"][0]
    other = {**slots, "intro_consent": True, "intro_consent_ref": first}
    mismatch = await _run("action_request_introduction", other, "u-intro")
    assert _responses(mismatch) == ["utter_introduction_consent_mismatch"]  # a yes to another
    with session(directory) as db:
        assert list_introduction_requests(session=db, sender_id="u-intro") == []
    consented = {**slots, "intro_consent": True, "intro_consent_ref": second}
    done = await _run("action_request_introduction", consented, "u-intro")
    assert _responses(done) == ["utter_introduction_requested", "utter_introduction_demo_note"]
    assert _slots(done) == {
        "intro_consent": None,
        "intro_consent_ref": None,
        "selected_partner": None,
    }
    with session(directory) as db:
        [stored] = list_introduction_requests(session=db, sender_id="u-intro")
        chosen = get_organisation_by_ref(session=db, ref=shown["partner_suggestions"][1])
        assert chosen is not None and stored.organisation_id == chosen.id
        assert stored.consent and stored.status == "pending"
        assert stored.consented_ref == second
        assert (stored.contact_name, stored.contact_email) == (
            "Aino Virtanen",
            "aino@balticalgae.fi",
        )
        assert stored.shared == {
            "company_name": "Baltic Algae Oy",
            "country": "FI",
            "offer_description": "Microalgae biomass for feed producers",
            "need_description": NEED_SLOTS["need_description"],
        }  # exactly what the consent question listed, nothing else
    assert done["responses"][0]["contact_email"] == "aino@balticalgae.fi"


async def test_request_introduction_without_a_suggestion_says_so() -> None:
    result = await _run("action_request_introduction", {**NEED_SLOTS, "intro_consent": True})
    assert _responses(result) == ["utter_partner_none_shown"]


async def test_request_introduction_to_a_partner_never_shown_is_refused(directory: Engine) -> None:
    slots = {**NEED_SLOTS, "partner_suggestions": ["DEMO-0001", "DEMO-0002", "DEMO-0003"]}
    for chosen in ("4", "DEMO-0042", "0"):
        result = await _run(
            "action_request_introduction",
            {**slots, "selected_partner": chosen, "intro_consent": True,
             "intro_consent_ref": chosen},
            "u-never",
        )  # fmt: skip
        [answer] = result["responses"]
        assert (answer["response"], answer["count"]) == ("utter_partner_not_shown", 3)
    with session(directory) as db:
        assert list_introduction_requests(session=db, sender_id="u-never") == []


async def test_list_my_company_only_with_consent(directory: Engine) -> None:
    asked = await _run("action_list_my_company", {**NEED_SLOTS, "listing_consent": None}, "u-list")
    assert _responses(asked) == ["utter_ask_listing_consent"]
    with session(directory) as db:
        assert count_organisations(session=db, is_demo=False) == 0
    listed = await _run("action_list_my_company", {**NEED_SLOTS, "listing_consent": True}, "u-list")
    [message] = listed["responses"]
    assert message["response"] == "utter_company_listed"
    with session(directory) as db:
        org = get_organisation_by_ref(session=db, ref=message["listing_ref"])
        assert org is not None
        assert (org.name, org.country, org.profile_type, org.is_demo) == (
            "Baltic Algae Oy",
            "FI",
            "TR",
            False,
        )
        assert org.listed_by_sender_id == "u-list"
        assert count_organisations(session=db, is_demo=False) == 1


async def _validate(slots: dict[str, Any], requested: str, text: str) -> dict[str, Any]:
    """Run validate_introduction_form on a typed answer to `requested`."""
    payload = _payload(
        "validate_introduction_form", {**slots, requested: text, "requested_slot": requested}
    )
    payload["tracker"]["active_loop"] = {"name": "introduction_form"}
    payload["tracker"]["latest_message"]["text"] = text
    payload["tracker"]["events"].append({"event": "slot", "name": requested, "value": text})
    payload["domain"]["forms"] = {
        "introduction_form": {
            "required_slots": ["selected_partner", "contact_name", "contact_email", "intro_consent"]
        }
    }
    executor = ActionExecutor()
    executor.register_action(ValidateIntroductionForm)
    result = await executor.run(payload)
    assert result is not None
    return dict(result)


@pytest.mark.parametrize(
    ("requested", "typed", "kept"),
    [("contact_email", "  Aino.Virtanen@BalticAlgae.fi ", "Aino.Virtanen@balticalgae.fi"),
     ("contact_email", "aino at balticalgae dot fi", None),
     ("contact_email", "aino@", None),
     ("contact_name", "Aino   Virtanen", "Aino Virtanen"),
     ("contact_name", "aino@balticalgae.fi", None),
     ("contact_name", "42", None)],
)  # fmt: skip
async def test_introduction_form_checks_the_contact(
    requested: str, typed: str, kept: str | None
) -> None:
    shown = {"selected_partner": "1", "partner_suggestions": ["DEMO-0001"]}
    result = await _validate(shown, requested, typed)
    assert _slots(result)[requested] == kept
    invalid = [r["response"] for r in result["responses"]]
    assert invalid == ([] if kept else [f"utter_invalid_{requested}"])


async def test_what_is_shared_is_answered_with_the_users_own_facts() -> None:
    executor = ActionExecutor()
    executor.register_action(ActionExplainIntroductionData)
    result = await executor.run(
        _payload("action_explain_introduction_data", {**NEED_SLOTS, "offer_description": None})
    )
    assert result is not None
    [answer] = dict(result)["responses"]
    assert answer["response"] == "utter_introduction_shared_data"
    assert answer["company_name"] == "Baltic Algae Oy" and answer["offer_text"] == "–"
    assert answer["contact_email"] == "aino@balticalgae.fi"


async def test_list_my_company_names_missing_facts_in_words() -> None:
    slots = {**NEED_SLOTS, "company_name": None, "need_description": " ", "listing_consent": True}
    result = await _run("action_list_my_company", slots, "u-incomplete")
    assert _responses(result) == [
        "utter_listing_incomplete",
        "utter_listing_missing_company_name",
        "utter_listing_missing_need_description",
    ]
