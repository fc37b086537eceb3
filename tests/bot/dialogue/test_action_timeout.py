"""Actions never block the event loop; a slow or failing one ends its turn politely, logged.

A synchronous action runs in a worker thread: other conversations go on while it works, and the
timeout applies to it as to an asynchronous one. A failure is logged with its traceback and the
conversation id, never the message text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk.executor import ActionExecutor

from bot.config import get_settings
from bot.dialogue.action_runner import InProcessActionRunner, action_payload
from bot.dialogue.agent import Agent
from bot.dialogue.errors import ActionFailed
from bot.dialogue.messages import UserMessage
from bot.dialogue.tracker import DialogueTracker
from bot.main import load_bot_data

DOMAIN = load_bot_data(get_settings().DATA_DIR).domain
# A rule runs this custom action after `/learn_s3`; the tests replace what it does.
ACTION = "action_show_learning_menu"
SECRET = "/learn_s3"  # the message text, which no log line may hold


def _payload(name: str) -> dict[str, Any]:
    state = DialogueTracker("u1", DOMAIN, []).current_state()
    return action_payload(name, state, DOMAIN.as_action_server_dict())


@pytest.fixture
def replace_action(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], None]:
    """Replace what the learning-menu action does; call it before building the agent."""
    executor = ActionExecutor()
    executor.register_package("actions")
    action_class = type(executor.actions[ACTION].__self__)  # type: ignore[attr-defined]

    def replace(run: Any) -> None:
        monkeypatch.setattr(action_class, "run", run)

    return replace


async def test_sync_action_runs_off_the_loop() -> None:
    runner = InProcessActionRunner("tests.bot.dialogue.slow_actions", timeout_seconds=0.5)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    with pytest.raises(ActionFailed, match="timed out") as failed:
        await runner.run(_payload("action_that_sleeps"))
    ticker.cancel()
    await runner.close()
    assert time.monotonic() - started < 1.5
    assert ticks >= 5  # the loop went on while the action slept
    notes = "".join(getattr(failed.value, "__notes__", []))
    assert "slow_actions.py" in notes and "time.sleep" in notes  # where it hung


async def test_slow_sync_action_fails_politely_while_others_go_on(
    make_agent: Callable[..., Agent], replace_action: Callable[[Any], None]
) -> None:
    def sleeps(self: Any, dispatcher: Any, tracker: Any, domain: Any) -> list[Any]:
        time.sleep(2.0)
        return []

    replace_action(sleeps)
    agent = make_agent(ACTION_TIMEOUT_SECONDS=0.5)
    try:
        await agent.handle(UserMessage(sender_id="slow", text="hello", channel="rest"))
        await agent.handle(UserMessage(sender_id="other", text="hello", channel="rest"))
        finished: dict[str, float] = {}

        async def turn(sender: str, text: str, delay: float) -> None:
            await asyncio.sleep(delay)
            await agent.handle(UserMessage(sender_id=sender, text=text, channel="rest"))
            finished[sender] = time.monotonic()

        started = time.monotonic()
        await asyncio.gather(turn("slow", SECRET, 0), turn("other", "hello", 0.1))
        assert finished["other"] < finished["slow"] < started + 1.5
        assert finished["other"] - started < 0.45  # not held up by the sleeping action
        state = await agent.tracker_state("slow")
        assert state is not None
        said = [e["metadata"].get("utter_action") for e in state["events"] if e["event"] == "bot"]
        assert said[-1] == "utter_action_failed"
        assert state["events"][-1]["name"] == "action_listen"
    finally:
        await agent.close()


async def test_failed_action_logs_traceback_and_conversation_not_text(
    make_agent: Callable[..., Agent],
    replace_action: Callable[[Any], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    def raises(self: Any, dispatcher: Any, tracker: Any, domain: Any) -> list[Any]:
        raise RuntimeError("menu store is down")

    replace_action(raises)
    failing = make_agent()
    try:
        with caplog.at_level(logging.ERROR):
            replies = await failing.handle(
                UserMessage(sender_id="conversation-42", text=SECRET, channel="rest")
            )
    finally:
        await failing.close()
    assert "something went wrong" in (replies[-1].text or "")
    failures = [r for r in caplog.records if "action_show_learning_menu" in r.getMessage()]
    assert failures and "conversation-42" in failures[0].getMessage()
    logged = caplog.text
    assert "Traceback" in logged and "in raises" in logged and "menu store is down" in logged
    assert SECRET not in logged
