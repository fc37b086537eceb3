"""The in-process runner sends rasa-sdk the real payload and turns failures into ActionFailed."""

from __future__ import annotations

import pytest

from bot.config import get_settings
from bot.dialogue.action_runner import InProcessActionRunner, action_payload
from bot.dialogue.errors import ActionFailed
from bot.dialogue.tracker import DialogueTracker
from bot.main import load_bot_data

DOMAIN = load_bot_data(get_settings().DATA_DIR).domain


def _payload(name: str) -> dict:  # type: ignore[type-arg]
    state = DialogueTracker("u1", DOMAIN, []).current_state()
    return action_payload(name, state, DOMAIN.as_action_server_dict())


def test_action_payload_has_the_action_server_keys() -> None:
    payload = _payload("action_profile_summary")
    assert set(payload) == {"next_action", "sender_id", "tracker", "domain", "version"}
    assert payload["tracker"]["sender_id"] == "u1"
    assert "profile_form" in payload["domain"]["forms"]


async def test_run_real_action_returns_events_and_responses() -> None:
    runner = InProcessActionRunner("actions", timeout_seconds=5)
    result = await runner.run(_payload("action_reset_profile"))
    names = [e["name"] for e in result["events"]]
    assert names[:3] == ["company_name", "country", "region"]
    assert all(e["event"] == "slot" and e["value"] is None for e in result["events"])


async def test_run_raising_action_is_action_failed() -> None:
    runner = InProcessActionRunner("tests.bot.dialogue.broken_actions", timeout_seconds=5)
    with pytest.raises(ActionFailed, match="RuntimeError: boom"):
        await runner.run(_payload("action_that_raises"))


async def test_run_hanging_action_times_out() -> None:
    runner = InProcessActionRunner("tests.bot.dialogue.broken_actions", timeout_seconds=0.2)
    with pytest.raises(ActionFailed, match="timed out"):
        await runner.run(_payload("action_that_hangs"))
