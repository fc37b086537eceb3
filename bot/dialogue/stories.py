"""Test stories in Rasa's format, and checking a conversation against them.

A test story alternates user messages (text, with the intent expected from the NLU) and the
actions, slots and loops the assistant should produce. `check_story` plays the user's side
through the agent and reports every step where the conversation went another way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.dialogue.domain import DEFAULT_ACTIONS, DEFAULT_INTENTS, Domain
from bot.dialogue.errors import DataError
from bot.dialogue.messages import UserMessage
from bot.dialogue.yaml_files import read_yaml


@dataclass(frozen=True)
class StoryTurn:
    """A user message and what should follow it."""

    text: str
    intent: str | None
    actions: tuple[str, ...] = ()
    slots: tuple[tuple[str, Any], ...] = ()
    active_loops: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class TestStory:
    """One named test story from a file."""

    __test__ = False  # a data class, not a pytest test class

    name: str
    file: str
    turns: tuple[StoryTurn, ...]


@dataclass
class StoryResult:
    """The differences found when playing a story; empty means it passed."""

    story: TestStory
    failures: list[str] = field(default_factory=list)


class ConversationAgent(Protocol):
    """What a story needs of the agent."""

    async def handle(self, message: UserMessage) -> Any: ...  # noqa: D102

    async def tracker_state(  # noqa: D102
        self, sender_id: str, include_events: str = ...
    ) -> dict[str, Any] | None: ...


def load_stories(stories_dir: Path, domain: Domain) -> list[TestStory]:
    """Every test story under the directory, validated against the domain.

    Raises:
        DataError: naming the file and the problem.
    """
    stories = []
    for path in sorted(stories_dir.glob("*.yml")):
        content = read_yaml(path) or {}
        if not isinstance(content, dict) or set(content) - {"version", "stories"}:
            raise DataError(str(path), "a stories file must have only 'version' and 'stories'")
        for index, item in enumerate(content.get("stories") or [], start=1):
            stories.append(_parse_story(item, f"{path}: story {index}", str(path), domain))
    return stories


def _parse_story(item: Any, where: str, file: str, domain: Domain) -> TestStory:
    if not isinstance(item, dict) or "story" not in item or not isinstance(item.get("steps"), list):
        raise DataError(where, "a story needs 'story' (its name) and a 'steps' list")
    name = str(item["story"])
    turns: list[dict[str, Any]] = []
    for step in item["steps"]:
        if not isinstance(step, dict):
            raise DataError(where, f"invalid step {step!r}")
        if "user" in step:
            intent = step.get("intent")
            if intent is not None and intent not in domain.intents + list(DEFAULT_INTENTS):
                raise DataError(where, f"'{name}': unknown intent '{intent}'")
            turns.append(
                {
                    "text": str(step["user"]).strip(),
                    "intent": intent,
                    "actions": [],
                    "slots": [],
                    "loops": [],
                }
            )
        elif not turns:
            raise DataError(where, f"'{name}': a test story must start with a user step")
        elif "action" in step:
            action = str(step["action"])
            if action not in domain.actions and action not in DEFAULT_ACTIONS:
                raise DataError(where, f"'{name}': unknown action '{action}'")
            turns[-1]["actions"].append(action)
        elif "slot_was_set" in step:
            for entry in step["slot_was_set"] or []:
                slot, value = next(iter(entry.items())) if isinstance(entry, dict) else (entry, ...)
                if slot not in domain.slots:
                    raise DataError(where, f"'{name}': unknown slot '{slot}'")
                turns[-1]["slots"].append((slot, value))
        elif "active_loop" in step:
            turns[-1]["loops"].append(step["active_loop"])
        else:
            raise DataError(where, f"'{name}': unsupported step {step!r}")
    return TestStory(
        name=name,
        file=file,
        turns=tuple(
            StoryTurn(
                t["text"], t["intent"], tuple(t["actions"]), tuple(t["slots"]), tuple(t["loops"])
            )
            for t in turns
        ),
    )


async def check_story(agent: ConversationAgent, story: TestStory, sender_id: str) -> StoryResult:
    """Play a story's user messages through the agent and compare what happens."""
    result = StoryResult(story)
    seen = 0
    for number, turn in enumerate(story.turns, start=1):
        await agent.handle(
            UserMessage(
                sender_id=sender_id,
                text=turn.text,
                channel="story",
                message_id=f"{sender_id}-{number}",
            )
        )
        state = await agent.tracker_state(sender_id, "ALL") or {"events": []}
        events = state["events"][seen:]
        seen = len(state["events"])
        where = f"turn {number} ({turn.text!r})"
        result.failures.extend(f"{where}: {problem}" for problem in _compare(turn, events))
    return result


def _compare(turn: StoryTurn, events: list[dict[str, Any]]) -> list[str]:
    problems = []
    user = next((e for e in events if e["event"] == "user"), None)
    intent = ((user or {}).get("parse_data") or {}).get("intent", {}).get("name")
    if turn.intent is not None and intent != turn.intent:
        problems.append(f"intent {intent!r}, expected {turn.intent!r}")
    actions = tuple(
        e["name"]
        for e in events
        if e["event"] == "action" and e["name"] not in ("action_listen", "action_session_start")
    )
    if actions != turn.actions:
        problems.append(f"actions {list(actions)}, expected {list(turn.actions)}")
    slots = {e["name"]: e.get("value") for e in events if e["event"] == "slot"}
    for name, value in turn.slots:
        if name not in slots or (value is not ... and slots[name] != value):
            problems.append(
                f"slot {name} = {slots.get(name, '<not set>')!r}, expected "
                f"{'<any value>' if value is ... else repr(value)}"
            )
    loops = [e.get("name") for e in events if e["event"] == "active_loop"]
    for loop in turn.active_loops:
        if loop not in loops:
            problems.append(f"active_loop {loop!r} expected, saw {loops}")
    return problems
