"""The learning actions through rasa-sdk's ActionExecutor, with hand-built trackers."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import __version__ as rasa_sdk_version
from rasa_sdk.executor import ActionExecutor

from actions.content import progress
from actions.content.actions import (
    ActionAnswerQuestion,
    ActionCheckAnswer,
    ActionResumeLearning,
    ActionShowLearningMenu,
    ActionShowModuleStep,
)
from bot.config import get_settings
from bot.main import load_bot_data

DOMAIN = load_bot_data(get_settings().DATA_DIR).domain.as_action_server_dict()
ACTIONS = {
    a().name(): a
    for a in (
        ActionShowLearningMenu,
        ActionShowModuleStep,
        ActionResumeLearning,
        ActionCheckAnswer,
        ActionAnswerQuestion,
    )
}


async def _run(
    action: str,
    *,
    intent: str = "start_module",
    text: str | None = None,
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run one action on a tracker whose latest message has the given intent and entities."""
    entity_list = [{"entity": k, "value": v} for k, v in (entities or {}).items()]
    tracker = {
        "sender_id": "sme-1",
        "slots": {"language": "en", **(slots or {})},
        "latest_message": {
            "intent": {"name": intent},
            "entities": entity_list,
            "text": text if text is not None else f"/{intent}",
        },
        "events": [*(events or []), {"event": "user", "text": text or f"/{intent}"}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
        "latest_input_channel": "rest",
    }
    executor = ActionExecutor()
    executor.register_action(ACTIONS[action])
    payload = {
        "next_action": action,
        "sender_id": "sme-1",
        "tracker": tracker,
        "domain": DOMAIN,
        "version": rasa_sdk_version,
    }
    result = await executor.run(payload)
    assert result is not None
    return result.model_dump()


def _progress(result: dict[str, Any]) -> dict[str, Any]:
    slots = [e for e in result["events"] if e.get("name") == "learning_progress"]
    assert slots, result["events"]
    return dict(slots[-1]["value"])


def _named(result: dict[str, Any]) -> list[str]:
    return [r.get("response") or "text" for r in result["responses"]]


async def test_menu_lists_modules_with_own_country_first_and_done_marked() -> None:
    done = progress.finish(progress.empty(), "what_is_s3", True)
    result = await _run(
        "action_show_learning_menu",
        intent="show_learning_menu",
        slots={"country": "LT", "learning_progress": done},
    )
    [message] = result["responses"]
    assert message["text"].startswith("Here are short learning modules")
    assert "(1 of 16 done)" in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[0] == '/start_module{"module_id": "s3_lithuania"}'
    titles = [b["title"] for b in message["buttons"]]
    assert "✓ What smart specialisation is" in titles


async def test_start_module_shows_step_one_and_saves_progress() -> None:
    result = await _run(
        "action_show_module_step", entities={"module_id": "entrepreneurial_discovery"}
    )
    [message] = result["responses"]
    assert message["response"] == "utter_module_step"
    assert (message["number"], message["total"]) == (1, 5)
    assert progress.current(_progress(result)) == ("entrepreneurial_discovery", 0)


async def test_start_unknown_module_shows_the_menu() -> None:
    result = await _run("action_show_module_step", entities={"module_id": "nope"})
    assert _named(result) == ["utter_module_not_found", "text"]


async def test_start_country_module_puts_the_smes_region_second() -> None:
    result = await _run(
        "action_show_module_step",
        entities={"module_id": "s3_sweden", "module_step": "1"},
        slots={"country": "SE", "region": "SE311"},
    )
    assert result["responses"][0]["step_text"].startswith("Värmland")


async def test_next_after_the_last_step_asks_the_check_question() -> None:
    at_last = progress.go_to(progress.empty(), "s3_latvia", 1, 2)
    result = await _run(
        "action_resume_learning",
        intent="continue_learning",
        slots={"learning_progress": at_last},
        events=[{"event": "action", "name": "action_show_module_step"}],
    )
    [message] = result["responses"]
    assert message["text"].startswith("Quick check on “S3 priorities in Latvia”")
    assert [b["payload"] for b in message["buttons"]] == [
        f"/answer_check{json.dumps({'check_choice': c})}" for c in "abc"
    ]


async def test_back_and_skip_move_within_and_out_of_a_module() -> None:
    state = progress.go_to(progress.empty(), "what_is_s3", 0, 7)
    back = await _run(
        "action_show_module_step", intent="go_back", slots={"learning_progress": state}
    )
    assert back["responses"][0]["number"] == 1
    skipped = await _run(
        "action_show_module_step", intent="skip_module", slots={"learning_progress": state}
    )
    assert _named(skipped) == ["utter_module_skipped", "text"]
    assert "entrepreneurial discovery" in skipped["responses"][1]["text"]
    assert _progress(skipped)["modules"]["what_is_s3"]["state"] == progress.SKIPPED


async def test_check_answer_right_and_wrong() -> None:
    at_check = progress.go_to(progress.empty(), "s3_poland", 3, 3)
    right = await _run(
        "action_check_answer",
        intent="answer_check",
        entities={"check_choice": "c"},
        slots={"learning_progress": at_check},
    )
    assert _named(right) == ["utter_check_right", "text"]
    assert _progress(right)["modules"]["s3_poland"] == {
        "position": 3,
        "state": "done",
        "correct": True,
    }
    wrong = await _run(
        "action_check_answer",
        intent="answer_check",
        entities={"check_choice": "a"},
        slots={"learning_progress": at_check},
    )
    assert wrong["responses"][0]["response"] == "utter_check_wrong"
    assert wrong["responses"][0]["answer"] == "c"
    assert _progress(wrong)["modules"]["s3_poland"]["correct"] is False


async def test_check_answer_without_a_waiting_question_shows_the_menu() -> None:
    result = await _run(
        "action_check_answer", intent="answer_check", entities={"check_choice": "a"}
    )
    assert _named(result) == ["utter_no_check_waiting", "text"]


async def test_resume_in_a_later_session_reminds_and_goes_on() -> None:
    state = progress.go_to(progress.empty(), "s3_finland", 1, 3)
    result = await _run(
        "action_resume_learning",
        intent="continue_learning",
        text="continue where I left off",
        slots={"learning_progress": state},
        events=[
            {"event": "action", "name": "action_show_module_step"},
            {"event": "action", "name": "action_session_start"},
            {"event": "session_started"},
        ],
    )
    assert _named(result) == ["utter_resume_learning", "utter_module_step"]
    assert result["responses"][1]["number"] == 3


async def test_resume_with_nothing_in_progress_shows_the_menu() -> None:
    result = await _run("action_resume_learning", intent="continue_learning")
    assert _named(result) == ["utter_nothing_to_resume", "text"]


async def test_answer_question_names_the_module_and_opens_it_at_that_step() -> None:
    state = progress.go_to(progress.empty(), "innovation_vouchers", 2, 7)
    result = await _run(
        "action_answer_question",
        intent="ask_question",
        text="what is the entrepreneurial discovery process?",
        slots={"learning_progress": state},
    )
    [message] = result["responses"]
    assert message["text"].startswith("From “The entrepreneurial discovery process”, step 1")
    assert message["buttons"][0]["payload"] == (
        '/start_module{"module_id": "entrepreneurial_discovery", "module_step": "0"}'
    )
    assert message["buttons"][1]["payload"] == "/continue_learning"


async def test_answer_question_off_topic_offers_a_person() -> None:
    result = await _run("action_answer_question", intent="ask_question", text="bake bread?")
    assert _named(result) == ["utter_content_no_answer"]
    assert [b["payload"] for b in DOMAIN["responses"]["utter_content_no_answer"][0]["buttons"]][
        0
    ] == "/talk_to_human"


async def test_answer_question_button_asks_for_the_question() -> None:
    result = await _run("action_answer_question", intent="ask_question")
    assert _named(result) == ["utter_ask_your_question"]


async def test_check_answer_typed_without_entity_reads_the_letter() -> None:
    at_check = progress.go_to(progress.empty(), "s3_poland", 3, 3)
    result = await _run(
        "action_check_answer",
        intent="answer_check",
        text="I think it's c",
        slots={"learning_progress": at_check},
    )
    assert _named(result) == ["utter_check_right", "text"]
