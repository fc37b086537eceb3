"""Two-stage fallback: the two best guesses as buttons, and a person after a second miss."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import ActionExecutor

from bot.config import get_settings
from bot.dialogue.action_runner import action_payload
from bot.dialogue.bot_data import load_bot_data
from bot.dialogue.tracker import DialogueTracker, user_event

DOMAIN = load_bot_data(get_settings().DATA_DIR).domain


def _unsure(text: str, ranking: list[tuple[str, float]]) -> dict[str, Any]:
    parse = {
        "text": text,
        "intent": {"name": "nlu_fallback", "confidence": 0.3},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}]
        + [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [],
    }
    return user_event(text, parse, channel="test", message_id=None, metadata={})


async def _run(events: list[dict[str, Any]]) -> dict[str, Any]:
    executor = ActionExecutor()
    executor.register_package("actions")
    state = DialogueTracker("u1", DOMAIN, events).current_state()
    result = await executor.run(
        action_payload("action_two_stage_fallback", state, DOMAIN.as_action_server_dict())
    )
    assert result is not None
    return result.model_dump()


async def test_first_miss_offers_two_best_guesses_and_something_else() -> None:
    ranking = [
        ("out_of_scope", 0.25),
        ("check_voucher", 0.2),
        ("affirm", 0.1),
        ("find_partners", 0.1),
        ("greet", 0.05),
    ]
    result = await _run([_unsure("vouchr thing??", ranking)])
    (message,) = result["responses"]
    assert message["response"] == "utter_fallback_guesses"
    assert [b["payload"] for b in message["buttons"]] == [
        "/check_voucher",
        "/find_partners",
        "/show_menu",
    ]
    assert result["events"] == []


async def test_second_miss_in_a_row_offers_a_person() -> None:
    events = [_unsure("blorp", [("greet", 0.2)]), _unsure("zzz", [("greet", 0.2)])]
    result = await _run(events)
    assert [m["response"] for m in result["responses"]] == ["utter_fallback_offer_person"]
    assert result["events"][0]["event"] == "rewind"
