"""The tracker's state, kept up to date on append, equals a full replay of its log.

The replay below is the tracker as it was before it kept its state: every view recomputed from
all events. Conversations played through the real agent, and logs with rewinds, undos, session
starts and restarts, must give the same slots, loop, messages and turns after every event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.config import get_settings
from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage
from bot.dialogue.rules import Rule, RuleSet, RuleStep
from bot.dialogue.tracker import (
    ACTION_LISTEN,
    DialogueTracker,
    Turn,
    action_event,
    loop_event,
    simple_event,
    slot_event,
    user_event,
)
from bot.main import load_bot_data
from bot.storage import crud
from bot.storage.db import session

DOMAIN = load_bot_data(get_settings().DATA_DIR).domain


def _replayed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    applied: list[dict[str, Any]] = []
    for event in events:
        kind = event["event"]
        if kind in ("restart", "session_started"):
            applied = []
        elif kind in ("rewind", "undo"):
            until = "user" if kind == "rewind" else "action"
            while applied and applied.pop()["event"] != until:
                pass
        else:
            applied.append(event)
    return applied


def _replayed_turns(applied: list[dict[str, Any]]) -> list[Turn]:
    turns: list[Turn] = []
    slots = {name: slot.initial_value for name, slot in DOMAIN.slots.items()}
    loop = None
    pending: tuple[str, str, tuple[str, ...]] | None = None
    for event in applied:
        kind = event["event"]
        if kind in ("user", "action") and event.get("name") != ACTION_LISTEN:
            if pending:
                turns.append(Turn(pending[0], pending[1], dict(slots), loop, pending[2]))
            parse = event.get("parse_data") or {}
            ents = tuple(e.get("entity", "") for e in parse.get("entities") or [])
            intent = (parse.get("intent") or {}).get("name") or ""
            pending = ("intent", intent, ents) if kind == "user" else ("action", event["name"], ())
        elif kind == "slot":
            slots[event["name"]] = event.get("value")
        elif kind == "active_loop":
            loop = event.get("name")
    if pending:
        turns.append(Turn(pending[0], pending[1], dict(slots), loop, pending[2]))
    return turns


def _replayed_view(events: list[dict[str, Any]]) -> dict[str, Any]:
    applied = _replayed(events)
    slots = {name: slot.initial_value for name, slot in DOMAIN.slots.items()}
    loop = None
    for event in applied:
        if event["event"] == "slot":
            slots[event["name"]] = event.get("value")
        elif event["event"] == "active_loop":
            loop = event.get("name")
    users = [e for e in applied if e["event"] == "user"]
    actions = [e["name"] for e in applied if e["event"] == "action"]
    return {
        "applied": applied,
        "slots": slots,
        "loop": loop,
        "latest_user_text": users[-1]["text"] if users else None,
        "latest_action": actions[-1] if actions else None,
        "turns": _replayed_turns(applied),
    }


def _view(tracker: DialogueTracker) -> dict[str, Any]:
    latest = tracker.latest_message
    return {
        "applied": tracker.applied_events(),
        "slots": tracker.slots,
        "loop": tracker.active_loop,
        "latest_user_text": latest["text"] if latest else None,
        "latest_action": tracker.latest_action_name,
        "turns": tracker.turns(),
    }


def _assert_same_after_every_event(events: list[dict[str, Any]]) -> None:
    tracker = DialogueTracker("u1", DOMAIN)
    for index, event in enumerate(events):
        tracker.append(event)
        assert _view(tracker) == _replayed_view(events[: index + 1]), f"after event {index}"


def _user(intent: str, text: str = "") -> dict[str, Any]:
    parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
    return user_event(text or intent, parse, channel="rest", message_id=None, metadata={})


def test_append_with_rewind_undo_session_and_restart_equals_replay() -> None:
    events = [
        action_event("action_session_start"),
        simple_event("session_started"),
        slot_event("language", "en"),
        action_event(ACTION_LISTEN),
        _user("greet", "hello"),
        action_event("utter_greet"),
        action_event(ACTION_LISTEN),
        _user("check_voucher"),
        action_event("profile_form"),
        loop_event("profile_form"),
        slot_event("requested_slot", "company_name"),
        action_event(ACTION_LISTEN),
        _user("inform", "Acme"),
        slot_event("company_name", "Acme"),
        slot_event("unknown_slot", 1),
        action_event("profile_form"),
        simple_event("rewind"),
        _user("inform", "Acme Oy"),
        slot_event("company_name", "Acme Oy"),
        action_event("action_back"),
        simple_event("undo"),
        simple_event("rewind"),
        simple_event("followup", name="utter_greet"),
        action_event("action_deactivate_loop"),
        loop_event(None),
        action_event(ACTION_LISTEN),
        _user("restart"),
        action_event("action_restart"),
        simple_event("restart"),
        action_event("action_session_start"),
        simple_event("session_started"),
        action_event(ACTION_LISTEN),
        _user("greet"),
        simple_event("rewind"),
        simple_event("rewind"),
    ]
    _assert_same_after_every_event(events)


async def test_played_conversation_state_equals_replay(agent: Agent) -> None:
    for text in ["hello", "/check_voucher", "Acme Oy", "finland", "why do you ask?", "menu"]:
        await agent.handle(UserMessage(sender_id="u1", text=text, channel="rest"))
    state = await agent.tracker_state("u1", "ALL")
    assert state is not None
    _assert_same_after_every_event(state["events"])


async def test_session_tail_gives_the_state_of_the_whole_log(agent: Agent) -> None:
    for text in ["hello", "/check_voucher", "Acme Oy", "restart", "hello", "/check_voucher"]:
        await agent.handle(UserMessage(sender_id="u1", text=text, channel="rest"))
    with session(agent._engine) as db:
        conversation = crud.get_conversation(session=db, sender_id="u1")
        assert conversation is not None and conversation.id is not None
        events = crud.load_events(session=db, conversation_id=conversation.id)
        first = crud.session_start_seq(session=db, conversation_id=conversation.id)
    assert 0 < first < len(events) and events[first]["event"] == "session_started"
    whole = DialogueTracker("u1", DOMAIN, events)
    tail = DialogueTracker("u1", DOMAIN, events[first:], first_seq=first)
    assert _view(tail) == _view(whole)
    assert tail.state_before_turns() == whole.state_before_turns()
    assert tail.next_seq == whole.next_seq and tail.has_user_message
    assert tail.current_state("SESSION") == whole.current_state("SESSION")


async def test_kept_tracker_reads_what_another_agent_stored(
    agent: Agent, make_agent: Callable[..., Agent]
) -> None:
    other = make_agent()
    try:
        await agent.handle(UserMessage(sender_id="u1", text="hello", channel="rest"))
        await other.handle(UserMessage(sender_id="u1", text="/check_voucher", channel="rest"))
        await agent.handle(UserMessage(sender_id="u1", text="Acme Oy", channel="rest"))
    finally:
        await other.close()
    state = await agent.tracker_state("u1", "ALL")
    assert state is not None
    assert state["slots"]["company_name"] == "Acme Oy"
    assert [e["event"] for e in state["events"]].count("user") == 3


async def test_erased_conversation_starts_afresh(agent: Agent) -> None:
    await agent.handle(UserMessage(sender_id="u1", text="/check_voucher", channel="rest"))
    await agent.erase_sender_data("u1")
    await agent.handle(UserMessage(sender_id="u1", text="hello", channel="rest"))
    state = await agent.tracker_state("u1", "ALL")
    assert state is not None and state["active_loop"] == {}
    assert [e["text"] for e in state["events"] if e["event"] == "user"] == ["hello"]


def test_session_events_start_at_the_latest_session() -> None:
    events = [
        action_event("action_session_start"),
        simple_event("session_started"),
        _user("greet"),
        action_event("action_session_start"),
        simple_event("session_started"),
        slot_event("language", "en"),
    ]
    state = DialogueTracker("u1", DOMAIN, events).current_state("SESSION")
    assert [e["event"] for e in state["events"]] == ["session_started", "slot"]
    assert state["slots"]["language"] == "en"


@pytest.mark.parametrize("earlier", [0, 3])
def test_rules_on_a_tail_know_the_turns_before_it(earlier: int) -> None:
    first = Rule(
        "first greeting",
        (RuleStep("intent", "greet"), RuleStep("action", "utter_greet")),
        conversation_start=True,
    )
    turns = [Turn("intent", "greet", {}, None)]
    predicted = RuleSet([first]).predict(turns, earlier=earlier)
    assert predicted == (("utter_greet", "first greeting") if earlier == 0 else None)


def test_recent_turns_are_the_end_of_all_turns() -> None:
    tracker = DialogueTracker("u1", DOMAIN)
    for _ in range(5):
        for event in [_user("greet"), action_event("utter_greet"), action_event(ACTION_LISTEN)]:
            tracker.append(event)
    tail, earlier = tracker.recent_turns(3)
    assert tail == tracker.turns()[-3:] and earlier == len(tracker.turns()) - 3
