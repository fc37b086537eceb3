"""The tracker: a conversation's Rasa event log, and the state derived from it.

The log is the truth; slots, the active loop and the latest message are views computed from it,
the same way Rasa computes them (restart and session start clear, rewind and undo revert).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.dialogue.domain import Domain

ACTION_LISTEN = "action_listen"


def now() -> float:
    """Rasa's event timestamp: seconds since the epoch."""
    return time.time()


def user_event(
    text: str,
    parse_data: dict[str, Any],
    *,
    channel: str,
    message_id: str | None,
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """A Rasa `user` event."""
    return {
        "event": "user",
        "timestamp": now(),
        "text": text,
        "parse_data": parse_data,
        "input_channel": channel,
        "message_id": message_id,
        "metadata": metadata,
    }


def action_event(name: str, policy: str | None = None, confidence: float = 1.0) -> dict[str, Any]:
    """A Rasa `action` event (an action was executed)."""
    return {
        "event": "action",
        "timestamp": now(),
        "name": name,
        "policy": policy,
        "confidence": confidence,
    }


def slot_event(name: str, value: Any) -> dict[str, Any]:
    """A Rasa `slot` event."""
    return {"event": "slot", "timestamp": now(), "name": name, "value": value}


def loop_event(name: str | None) -> dict[str, Any]:
    """A Rasa `active_loop` event; `None` deactivates the loop."""
    return {"event": "active_loop", "timestamp": now(), "name": name}


def bot_event(message: dict[str, Any], utter_action: str | None) -> dict[str, Any]:
    """A Rasa `bot` event from a rendered message."""
    data = {k: message.get(k) for k in ("buttons", "image", "custom", "elements", "attachment")}
    return {
        "event": "bot",
        "timestamp": now(),
        "text": message.get("text"),
        "data": data,
        "metadata": {"utter_action": utter_action} if utter_action else {},
    }


def simple_event(kind: str, **fields: Any) -> dict[str, Any]:
    """Any other Rasa event (`restart`, `session_started`, `rewind`, `followup`...)."""
    return {"event": kind, "timestamp": now(), **fields}


@dataclass(frozen=True)
class Turn:
    """One step of the conversation as rules see it: a user intent or an executed action.

    `slots` and `active_loop` are the state right after the step and the events that follow it.
    """

    kind: str
    name: str
    slots: dict[str, Any]
    active_loop: str | None
    entities: tuple[str, ...] = ()


@dataclass
class DialogueTracker:
    """The conversation's events and the state derived from them."""

    sender_id: str
    domain: Domain
    events: list[dict[str, Any]] = field(default_factory=list)

    def append(self, event: dict[str, Any]) -> None:
        """Add one event to the log."""
        self.events.append(event)

    def events_after_restart(self) -> list[dict[str, Any]]:
        """Events since the last restart, as Rasa sends them to action servers."""
        for index in range(len(self.events) - 1, -1, -1):
            if self.events[index]["event"] == "restart":
                return self.events[index + 1 :]
        return list(self.events)

    def applied_events(self) -> list[dict[str, Any]]:
        """Events that still count, after restarts, session starts, rewinds and undos."""
        applied: list[dict[str, Any]] = []
        for event in self.events:
            kind = event["event"]
            if kind in ("restart", "session_started"):
                applied = []
            elif kind == "rewind":
                _undo_until(applied, "user")
            elif kind == "undo":
                _undo_until(applied, "action")
            else:
                applied.append(event)
        return applied

    @property
    def slots(self) -> dict[str, Any]:
        """Current slot values."""
        values = {name: slot.initial_value for name, slot in self.domain.slots.items()}
        for event in self.applied_events():
            if event["event"] == "slot":
                values[event["name"]] = event.get("value")
            elif event["event"] == "reset_slots":
                values = {name: slot.initial_value for name, slot in self.domain.slots.items()}
        return values

    def get_slot(self, name: str) -> Any:
        """One slot's current value."""
        return self.slots.get(name)

    @property
    def active_loop(self) -> str | None:
        """The name of the active form, if any."""
        loop = None
        for event in self.applied_events():
            if event["event"] == "active_loop":
                loop = event.get("name")
        return loop

    @property
    def latest_message(self) -> dict[str, Any] | None:
        """The latest user event, in Rasa's `latest_message` shape."""
        for event in reversed(self.applied_events()):
            if event["event"] == "user":
                parse = event.get("parse_data") or {}
                return {
                    **parse,
                    "text": event.get("text"),
                    "message_id": event.get("message_id"),
                    "metadata": event.get("metadata") or {},
                }
        return None

    @property
    def latest_action_name(self) -> str | None:
        """The name of the last executed action."""
        for event in reversed(self.applied_events()):
            if event["event"] == "action":
                return str(event["name"])
        return None

    @property
    def followup_action(self) -> str | None:
        """An action scheduled by a `followup` event and not run yet."""
        for event in reversed(self.applied_events()):
            if event["event"] == "followup":
                return str(event["name"])
            if event["event"] in ("action", "user"):
                return None
        return None

    def latest_event_kind(self, ignore: tuple[str, ...] = ("slot", "active_loop")) -> str | None:
        """The kind of the last event that is not a state change."""
        for event in reversed(self.applied_events()):
            if event["event"] not in ignore:
                return str(event["event"])
        return None

    def state_before_turns(self) -> tuple[dict[str, Any], str | None]:
        """Slots and active loop before the first turn of the applied events.

        After a session start the slots carried over are set before any turn, so a rule whose
        condition needs them ("the profile is paused") can still match the session's first
        message.
        """
        slots = {name: slot.initial_value for name, slot in self.domain.slots.items()}
        loop: str | None = None
        for event in self.applied_events():
            kind = event["event"]
            if kind == "user" or (kind == "action" and event["name"] != ACTION_LISTEN):
                break
            if kind == "slot":
                slots[event["name"]] = event.get("value")
            elif kind == "active_loop":
                loop = event.get("name")
        return slots, loop

    def turns(self) -> list[Turn]:
        """The applied events as a sequence of intents and actions, with state after each."""
        turns: list[Turn] = []
        slots = {name: slot.initial_value for name, slot in self.domain.slots.items()}
        loop: str | None = None
        pending: tuple[str, str, tuple[str, ...]] | None = None
        for event in self.applied_events():
            kind = event["event"]
            if kind == "action" and event["name"] == ACTION_LISTEN:
                continue
            if kind in ("user", "action"):
                if pending:
                    turns.append(Turn(pending[0], pending[1], dict(slots), loop, pending[2]))
                if kind == "user":
                    parse = event.get("parse_data") or {}
                    intent = (parse.get("intent") or {}).get("name") or ""
                    ents = tuple(e.get("entity", "") for e in parse.get("entities") or [])
                    pending = ("intent", intent, ents)
                else:
                    pending = ("action", str(event["name"]), ())
            elif kind == "slot":
                slots[event["name"]] = event.get("value")
            elif kind == "active_loop":
                loop = event.get("name")
        if pending:
            turns.append(Turn(pending[0], pending[1], dict(slots), loop, pending[2]))
        return turns

    def current_state(self, include_events: str = "AFTER_RESTART") -> dict[str, Any]:
        """The tracker in Rasa's `TrackerState` shape (what action servers receive).

        Args:
            include_events: Rasa's event verbosity: `ALL`, `APPLIED`, `AFTER_RESTART` or `NONE`.
        """
        loop = self.active_loop
        latest_action = self.latest_action_name
        events = {
            "ALL": lambda: list(self.events),
            "APPLIED": self.applied_events,
            "AFTER_RESTART": self.events_after_restart,
            "NONE": list,
        }[include_events]()
        return {
            "sender_id": self.sender_id,
            "slots": self.slots,
            "latest_message": self.latest_message or {},
            "latest_event_time": events[-1]["timestamp"] if events else None,
            "followup_action": self.followup_action,
            "paused": False,
            "events": events,
            "latest_input_channel": _latest_channel(events),
            "active_loop": {"name": loop, "validate": True, "rejected": False} if loop else {},
            "latest_action": {"action_name": latest_action} if latest_action else {},
            "latest_action_name": latest_action,
        }


def _undo_until(applied: list[dict[str, Any]], kind: str) -> None:
    while applied:
        if applied.pop()["event"] == kind:
            return


def _latest_channel(events: list[dict[str, Any]]) -> str | None:
    for event in reversed(events):
        if event["event"] == "user":
            return event.get("input_channel")
    return None
