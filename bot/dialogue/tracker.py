"""The tracker: a conversation's Rasa event log, and the state derived from it.

The log is the truth; slots, the active loop and the latest message are views of it, computed
the way Rasa computes them (restart and session start clear, rewind and undo revert). They are
kept up to date as each event is appended, so a turn costs the same at event 10 as at event
10,000.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, replace
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
    """A Rasa `user` event; its parse data carries the message id and metadata too, as
    Rasa's does."""
    return {
        "event": "user",
        "timestamp": now(),
        "text": text,
        "parse_data": {**parse_data, "message_id": message_id, "metadata": metadata},
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
        "metadata": {},
    }


def slot_event(name: str, value: Any) -> dict[str, Any]:
    """A Rasa `slot` event."""
    return {"event": "slot", "timestamp": now(), "name": name, "value": value, "metadata": {}}


def loop_event(name: str | None) -> dict[str, Any]:
    """A Rasa `active_loop` event; `None` deactivates the loop."""
    return {"event": "active_loop", "timestamp": now(), "name": name, "metadata": {}}


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
    return {"event": kind, "timestamp": now(), "metadata": {}, **fields}


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


# Events after which nothing before counts: all derived state starts over.
SESSION_MARKERS = ("restart", "session_started")
#: Rasa's `ConversationPaused` and `ConversationResumed`: a person took over the chat, then
#: handed it back. Not reverted by a rewind or an undo, as in Rasa.
PAUSE, RESUME = "pause", "resume"
StartState = tuple[dict[str, Any], str | None]
# A step not yet followed by another: (kind, name, entities).
Pending = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Saved:
    """What one applied event changed, so that a rewind or an undo can put it back."""

    loop: str | None
    latest_user: dict[str, Any] | None
    latest_action: str | None
    pending: Pending | None
    turn_count: int
    start: StartState | None
    slot: tuple[str, Any, bool] | None = None  # name, value before, whether it was there
    all_slots: dict[str, Any] | None = None  # every slot before a `reset_slots`


class DialogueTracker:
    """The conversation's events and the state derived from them, updated on every append.

    Each applied event keeps what it changed (`_Saved`), so a rewind or an undo reverts in the
    time of the events it removes, never by replaying the log. `events` may begin at the
    current session's first event (`first_seq` is then its position in the stored log): all
    derived state starts over at a session start or a restart, so nothing before is needed.
    """

    def __init__(
        self,
        sender_id: str,
        domain: Domain,
        events: list[dict[str, Any]] | None = None,
        *,
        first_seq: int = 0,
    ) -> None:
        self.sender_id = sender_id
        self.domain = domain
        self.first_seq = first_seq
        self._events: list[dict[str, Any]] = []
        self._session_from = 0  # index in `_events` where the current session's events begin
        self._restart_from = 0  # index in `_events` after the last restart
        self._user_seen = first_seq > 0  # a stored log that starts later began with a message
        self._paused = False
        self._start_over()
        for event in events or ():
            self.append(event)

    def _start_over(self) -> None:
        self._paused = False
        self._applied: list[dict[str, Any]] = []
        self._saved: list[_Saved] = []
        self._slots = self._initial_slots()
        self._loop: str | None = None
        self._latest_user: dict[str, Any] | None = None
        self._latest_action: str | None = None
        self._turns: list[Turn] = []
        self._pending: Pending | None = None
        self._start: StartState | None = None

    def _initial_slots(self) -> dict[str, Any]:
        return {name: slot.initial_value for name, slot in self.domain.slots.items()}

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events held, oldest first (read only: append through `append`)."""
        return self._events

    @property
    def next_seq(self) -> int:
        """The position in the stored log that the next appended event will take."""
        return self.first_seq + len(self._events)

    def events_from(self, seq: int) -> list[dict[str, Any]]:
        """The events at position `seq` of the stored log and after."""
        return self._events[max(0, seq - self.first_seq) :]

    @property
    def has_user_message(self) -> bool:
        """Whether the user ever wrote in this conversation (a new one has not)."""
        return self._user_seen

    def append(self, event: dict[str, Any]) -> None:
        """Add one event to the log and update the state derived from it. Every event gets a
        `metadata` object, as Rasa's have (an action's events and older logs may lack it)."""
        event.setdefault("metadata", {})
        self._events.append(event)
        kind = event["event"]
        if kind in SESSION_MARKERS:
            self._start_over()
            self._session_from = len(self._events) - (kind == "session_started")
            if kind == "restart":
                self._restart_from = len(self._events)
        elif kind == "rewind":
            self._revert_until("user")
        elif kind == "undo":
            self._revert_until("action")
        else:
            if kind in (PAUSE, RESUME):
                self._paused = kind == PAUSE
            self._apply(event, kind)

    def _apply(self, event: dict[str, Any], kind: str) -> None:
        saved = _Saved(
            self._loop,
            self._latest_user,
            self._latest_action,
            self._pending,
            len(self._turns),
            self._start,
        )
        if kind == "slot":
            name = event["name"]
            saved = replace(saved, slot=(name, self._slots.get(name), name in self._slots))
            self._slots[name] = event.get("value")
        elif kind == "reset_slots":
            saved = replace(saved, all_slots=self._slots)
            self._slots = self._initial_slots()
        elif kind == "active_loop":
            self._loop = event.get("name")
        elif kind == "user":
            self._user_seen = True
            self._latest_user = event
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name") or ""
            entities = tuple(e.get("entity", "") for e in parse.get("entities") or [])
            self._begin_turn(("intent", intent, entities))
        elif kind == "action":
            self._latest_action = str(event["name"])
            if event["name"] != ACTION_LISTEN:
                self._begin_turn(("action", str(event["name"]), ()))
        self._applied.append(event)
        self._saved.append(saved)

    def _begin_turn(self, step: Pending) -> None:
        if self._pending is not None:
            self._turns.append(self._turn(self._pending))
        else:
            self._start = (dict(self._slots), self._loop)
        self._pending = step

    def _turn(self, step: Pending) -> Turn:
        return Turn(step[0], step[1], dict(self._slots), self._loop, step[2])

    def _revert_until(self, kind: str) -> None:
        """Take back applied events, the latest first, up to and including one of `kind`."""
        while self._applied:
            event, saved = self._applied.pop(), self._saved.pop()
            self._loop = saved.loop
            self._latest_user = saved.latest_user
            self._latest_action = saved.latest_action
            self._pending = saved.pending
            del self._turns[saved.turn_count :]
            self._start = saved.start
            if saved.slot is not None:
                name, value, existed = saved.slot
                if existed:
                    self._slots[name] = value
                else:
                    self._slots.pop(name, None)
            if saved.all_slots is not None:
                self._slots = saved.all_slots
            if event["event"] == kind:
                return

    def fork(self, extra: list[dict[str, Any]]) -> DialogueTracker:
        """A copy with `extra` events appended, leaving this tracker as it is (a form's probe).

        Args:
            extra: events to append to the copy only.

        Returns:
            The copy; it shares the event dicts, its lists and slots are its own.
        """
        other = copy.copy(self)
        other._events = list(self._events)
        other._applied = list(self._applied)
        other._saved = list(self._saved)
        other._turns = list(self._turns)
        other._slots = dict(self._slots)
        for event in extra:
            other.append(event)
        return other

    def session_events(self) -> list[dict[str, Any]]:
        """The events of the current session, from its `session_started` (or after a restart).

        This is what actions get: like Rasa after a session start, earlier sessions are left out.
        """
        return self._events[self._session_from :]

    def events_after_restart(self) -> list[dict[str, Any]]:
        """Events since the last restart, as Rasa sends them to action servers."""
        return self._events[self._restart_from :]

    def applied_events(self) -> list[dict[str, Any]]:
        """Events that still count, after restarts, session starts, rewinds and undos."""
        return list(self._applied)

    @property
    def slots(self) -> dict[str, Any]:
        """Current slot values (a copy)."""
        return dict(self._slots)

    def get_slot(self, name: str) -> Any:
        """One slot's current value."""
        return self._slots.get(name)

    @property
    def paused(self) -> bool:
        """Whether a person took over the conversation (`pause`) and has not handed it back
        (`resume`); a restart ends it too, as in Rasa."""
        return self._paused

    @property
    def active_loop(self) -> str | None:
        """The name of the active form, if any."""
        return self._loop

    @property
    def latest_message(self) -> dict[str, Any] | None:
        """The latest user event, in Rasa's `latest_message` shape."""
        event = self._latest_user
        if event is None:
            return None
        parse = event.get("parse_data") or {}
        return {
            **parse,
            "text": event.get("text"),
            "message_id": event.get("message_id"),
            "metadata": event.get("metadata") or {},
        }

    @property
    def latest_action_name(self) -> str | None:
        """The name of the last executed action."""
        return self._latest_action

    @property
    def followup_action(self) -> str | None:
        """An action scheduled by a `followup` event and not run yet."""
        for event in reversed(self._applied):
            if event["event"] == "followup":
                return str(event["name"])
            if event["event"] in ("action", "user"):
                return None
        return None

    def latest_event_kind(self, ignore: tuple[str, ...] = ("slot", "active_loop")) -> str | None:
        """The kind of the last event that is not a state change."""
        for event in reversed(self._applied):
            if event["event"] not in ignore:
                return str(event["event"])
        return None

    def state_before_turns(self) -> StartState:
        """Slots and active loop before the first turn of the applied events.

        After a session start the slots carried over are set before any turn, so a rule whose
        condition needs them ("the profile is paused") can still match the session's first
        message.
        """
        if self._start is not None:
            return dict(self._start[0]), self._start[1]
        return dict(self._slots), self._loop

    def turns(self) -> list[Turn]:
        """The applied events as a sequence of intents and actions, with state after each."""
        return self.recent_turns(len(self._turns) + 1)[0]

    def recent_turns(self, limit: int) -> tuple[list[Turn], int]:
        """The end of `turns()`, without building the rest: what rules look at.

        Args:
            limit: how many turns to return at most.

        Returns:
            The last `limit` turns, and how many turns came before them.
        """
        pending = [self._turn(self._pending)] if self._pending is not None else []
        kept = max(0, limit - len(pending))
        done = self._turns[max(0, len(self._turns) - kept) :] if kept else []
        return done + pending, len(self._turns) - len(done)

    def current_state(self, include_events: str = "AFTER_RESTART") -> dict[str, Any]:
        """The tracker in Rasa's `TrackerState` shape (what action servers receive).

        Args:
            include_events: Rasa's event verbosity: `ALL`, `APPLIED`, `AFTER_RESTART` or `NONE`,
                or `SESSION`: the events of the current session, which actions get.
        """
        loop = self._loop
        latest_action = self._latest_action
        events = {
            "ALL": lambda: list(self._events),
            "APPLIED": self.applied_events,
            "AFTER_RESTART": self.events_after_restart,
            "SESSION": self.session_events,
            "NONE": lambda: None,
        }[include_events]()
        return {
            "sender_id": self.sender_id,
            "slots": self.slots,
            "latest_message": self.latest_message or {},
            "latest_event_time": self._events[-1]["timestamp"] if self._events else None,
            "followup_action": self.followup_action,
            "paused": self._paused,
            "events": events,
            "latest_input_channel": _latest_channel(self._events),
            "active_loop": {"name": loop, "validate": True, "rejected": False} if loop else {},
            "latest_action": {"action_name": latest_action} if latest_action else {},
            "latest_action_name": latest_action,
        }


def _latest_channel(events: list[dict[str, Any]]) -> str | None:
    for event in reversed(events):
        if event["event"] == "user":
            return event.get("input_channel")
    return None
