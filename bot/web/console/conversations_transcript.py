"""A conversation's event log as turns a person can read: what the user sent, what the NLU
understood, what the assistant ran, set and said, and how long it took.

Everything here is plain data for the template, which escapes it: user text is never
treated as HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: Actions every turn runs; shown nowhere, they say nothing about the turn.
QUIET_ACTIONS = frozenset({"action_listen"})
MAX_VALUE_CHARS = 200


@dataclass(frozen=True)
class EntitySeen:
    """An entity the NLU found in a user message."""

    entity: str
    value: str
    role: str | None
    group: str | None
    start: int | None
    end: int | None


@dataclass(frozen=True)
class BotLine:
    """A message of the assistant, with its buttons as (title, payload) text."""

    text: str
    buttons: list[tuple[str, str]]
    response: str | None
    #: The staff account (its id, as text) that wrote this message in the chat, if one did.
    staff: str | None = None


@dataclass
class Turn:
    """A user message and everything the assistant did until the next one."""

    seq: int | None = None
    at: datetime | None = None
    text: str | None = None
    clicked: bool = False
    intent: str | None = None
    confidence: float | None = None
    corrected_intent: str | None = None
    entities: list[EntitySeen] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    slots: list[tuple[str, str]] = field(default_factory=list)
    replies: list[BotLine] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    last_timestamp: float | None = None
    first_timestamp: float | None = None

    @property
    def took_ms(self) -> int | None:
        """Milliseconds from the user's message to the assistant's last event of the turn."""
        if self.seq is None or self.first_timestamp is None or self.last_timestamp is None:
            return None
        return max(0, round((self.last_timestamp - self.first_timestamp) * 1000))


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _entities(parse: dict[str, Any]) -> list[EntitySeen]:
    return [
        EntitySeen(
            entity=str(item.get("entity", "")),
            value=_shown(item.get("value", "")),
            role=item.get("role"),
            group=item.get("group"),
            start=item.get("start"),
            end=item.get("end"),
        )
        for item in parse.get("entities") or []
        if isinstance(item, dict)
    ]


def _buttons(event: dict[str, Any]) -> list[tuple[str, str]]:
    buttons = (event.get("data") or {}).get("buttons") or []
    return [
        (str(b.get("title", "")), str(b.get("payload", ""))) for b in buttons if isinstance(b, dict)
    ]


def build_turns(
    events: list[dict[str, Any]], corrected: dict[int, str] | None = None
) -> list[Turn]:
    """Group a whole event log into turns.

    Args:
        events: The conversation's events, from seq 0.
        corrected: Intents staff gave some user messages, by seq.

    Returns:
        The turns in order; events before the first user message form a turn without one.
    """
    corrected = corrected or {}
    turns: list[Turn] = [Turn()]
    for seq, event in enumerate(events):
        kind = event.get("event")
        stamp = event.get("timestamp")
        if kind == "user":
            turns.append(_user_turn(seq, event, corrected.get(seq)))
        turn = turns[-1]
        if isinstance(stamp, int | float):
            turn.last_timestamp = float(stamp)
        if kind == "bot":
            metadata = event.get("metadata") or {}
            staff = metadata.get("staff")
            turn.replies.append(
                BotLine(
                    str(event.get("text") or ""),
                    _buttons(event),
                    metadata.get("utter_action"),
                    str(staff) if staff is not None else None,
                )
            )
        elif kind == "action" and event.get("name") not in QUIET_ACTIONS:
            turn.actions.append(str(event.get("name")))
        elif kind == "slot":
            turn.slots.append((str(event.get("name")), _shown(event.get("value"))))
        elif kind == "active_loop":
            turn.markers.append(f"active_loop: {event.get('name') or '—'}")
        elif kind in ("session_started", "restart", "pause", "resume"):
            turn.markers.append(str(kind))
    return [turn for turn in turns if turn.seq is not None or turn.replies or turn.actions]


def _user_turn(seq: int, event: dict[str, Any], corrected: str | None) -> Turn:
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    text = str(event.get("text") or "")
    stamp = event.get("timestamp")
    timestamp = float(stamp) if isinstance(stamp, int | float) else None
    return Turn(
        seq=seq,
        at=datetime.fromtimestamp(timestamp, UTC) if timestamp is not None else None,
        text=text,
        clicked=text.startswith("/"),
        intent=intent.get("name"),
        confidence=float(intent["confidence"]) if intent.get("confidence") is not None else None,
        corrected_intent=corrected,
        entities=_entities(parse),
        first_timestamp=timestamp,
        last_timestamp=timestamp,
    )


def staff_ids(turns: list[Turn]) -> list[int]:
    """The staff accounts that wrote in these turns."""
    return sorted(
        {int(r.staff) for turn in turns for r in turn.replies if r.staff and r.staff.isdigit()}
    )
