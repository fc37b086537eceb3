"""Plays a typed conversation through the real agent and checks it like a careful advisor.

The YAML format is described in tests/conversations/README.md. Checks are collected, not
raised one by one, so that a failing conversation shows every difference together with the
whole transcript: what the user typed, what the bot said (response names and text) and which
slots changed, turn by turn.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import select

from bot.dialogue.agent import Agent
from bot.dialogue.messages import BotMessage, UserMessage
from bot.storage import crud, make_engine, session
from bot.storage.models_partners import IntroductionRequest

TURN_KEYS = {
    "user",
    "if_asked",
    "after_break",
    "bot_says",
    "bot_says_any",
    "bot_never",
    "bot_says_count",
    "text_contains",
    "slots",
    "profile_cleared",
    "note",
}
CONVERSATION_KEYS = {
    "name",
    "journey",
    "description",
    "turns",
    "slots",
    "said_at_most",
    "said_at_least",
    "stored_profile",
    "introductions",
}
MONEY_TOLERANCE = 0.01  # amounts converted from other currencies follow the reference rates


@dataclass
class Conversation:
    """One scripted conversation as read from a data file."""

    name: str
    source: str
    turns: list[dict[str, Any]]
    journey: str | None = None
    description: str = ""
    slots: dict[str, Any] = field(default_factory=dict)
    said_at_most: dict[str, int] = field(default_factory=dict)
    said_at_least: dict[str, int] = field(default_factory=dict)
    stored_profile: bool | None = None
    introductions: int | None = None


@dataclass
class PlayedTurn:
    """What happened in one turn: the bot's responses, texts and slot changes."""

    number: int
    user: str
    played: bool
    responses: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)
    skipped_because: str = ""


@dataclass
class PlayedConversation:
    """The outcome of a conversation: its turns, final slots and every failed check."""

    conversation: Conversation
    turns: list[PlayedTurn] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def said(self, response: str) -> int:
        """How often the bot uttered `response` in the whole conversation."""
        return sum(t.responses.count(response) for t in self.turns)

    def user_turns_until(self, response: str) -> float:
        """User turns played up to the first turn where the bot said `response`; inf if never."""
        played = 0
        for turn in self.turns:
            if turn.played:
                played += 1
                if response in turn.responses:
                    return played
        return math.inf

    def transcript(self) -> str:
        """The whole conversation, readable, for a failure message."""
        lines = [f"conversation {self.conversation.name} ({self.conversation.source})"]
        lines += ["", "FAILED CHECKS:"] + [f"  - {f}" for f in self.failures] + ["", "TRANSCRIPT:"]
        for turn in self.turns:
            if not turn.played:
                lines.append(f"[{turn.number}] (not played: {turn.skipped_because}) {turn.user!r}")
                continue
            lines.append(f"[{turn.number}] USER: {turn.user}")
            for name, text in zip(turn.responses, turn.texts, strict=True):
                short = " ".join(text.split())
                lines.append(f"      BOT {name}: {short[:220]}{'…' if len(short) > 220 else ''}")
            if turn.changes:
                changed = ", ".join(f"{k}={v!r}" for k, v in turn.changes.items())
                lines.append(f"      slots: {changed}")
        lines += ["", "FINAL SLOTS (non-empty):"]
        lines += [f"  {k} = {v!r}" for k, v in sorted(self.slots.items()) if v is not None]
        return "\n".join(lines)


def load_conversations(data_dir: Path) -> list[Conversation]:
    """Every conversation of every data file, in file order."""
    out: list[Conversation] = []
    for path in sorted(data_dir.glob("*.yml")):
        raw = yaml.safe_load(path.read_text("utf-8"))
        for item in raw["conversations"]:
            unknown = set(item) - CONVERSATION_KEYS
            if unknown:
                raise ValueError(f"{path.name}: {item.get('name')}: unknown keys {unknown}")
            for turn in item["turns"]:
                if set(turn) - TURN_KEYS or "user" not in turn:
                    raise ValueError(f"{path.name}: {item['name']}: bad turn {turn}")
            out.append(
                Conversation(
                    name=item["name"],
                    source=f"tests/conversations/data/{path.name}",
                    turns=item["turns"],
                    journey=item.get("journey"),
                    description=item.get("description", ""),
                    slots=item.get("slots") or {},
                    said_at_most=item.get("said_at_most") or {},
                    said_at_least=item.get("said_at_least") or {},
                    stored_profile=item.get("stored_profile"),
                    introductions=item.get("introductions"),
                )
            )
    return out


class Player:
    """Plays conversations on one agent and checks them.

    `names` maps `$alias` words used in the data files to response names, so that names of
    responses still being built are spelled in one place only.
    """

    def __init__(
        self,
        agent: Agent,
        database_url: str,
        *,
        names: dict[str, str],
        profile_slots: tuple[str, ...],
        default_at_most: dict[str, int],
    ) -> None:
        self._agent = agent
        self._database_url = database_url
        self._names = names
        self._profile_slots = profile_slots
        self._default_at_most = default_at_most

    def name(self, word: str) -> str:
        """A response name from the data: `$alias` through the table, others as written."""
        return self._names[word[1:]] if word.startswith("$") else word

    async def play(self, conversation: Conversation) -> PlayedConversation:
        """Play every turn, then run the end checks; nothing is raised."""
        result = PlayedConversation(conversation)
        sender = conversation.name
        slots: dict[str, Any] = {}
        previous: list[str] = []
        for number, spec in enumerate(conversation.turns, start=1):
            asked = spec.get("if_asked")
            if asked and self.name(asked) not in previous:
                result.turns.append(
                    PlayedTurn(number, spec["user"], False, skipped_because=f"{asked} not asked")
                )
                continue
            turn = await self._play_turn(number, sender, spec, slots)
            result.turns.append(turn)
            slots = {**slots, **turn.changes}
            previous = turn.responses
            result.failures += self._check_turn(turn, spec, slots)
        result.slots = slots
        result.failures += self._check_end(result, sender)
        return result

    async def _play_turn(
        self, number: int, sender: str, spec: dict[str, Any], slots: dict[str, Any]
    ) -> PlayedTurn:
        domain = self._agent.processor.domain
        if spec.get("after_break"):  # the user comes back after the session has expired
            domain.session_expiration_minutes = 0.0001
            await asyncio.sleep(0.05)
        try:
            reply = await self._agent.handle(UserMessage(sender_id=sender, text=spec["user"]))
        finally:
            domain.session_expiration_minutes = 60
        state = await self._agent.tracker_state(sender, "ALL")
        now = dict(state["slots"]) if state else {}
        names = self._response_names(reply, state)
        changes = {k: v for k, v in now.items() if slots.get(k) != v}
        changes.update({k: None for k, v in slots.items() if v is not None and k not in now})
        return PlayedTurn(number, spec["user"], True, names, [m.text or "" for m in reply], changes)

    def _response_names(self, reply: list[BotMessage], state: dict[str, Any] | None) -> list[str]:
        """Names from the stored bot events' `utter_action`; by template if not stored."""
        events = [e for e in (state or {}).get("events", []) if e.get("event") == "bot"]
        last = events[len(events) - len(reply) :] if reply else []
        if len(last) == len(reply) and all(
            (e.get("text") or "") == (m.text or "") for e, m in zip(last, reply, strict=True)
        ):
            return [str((e.get("metadata") or {}).get("utter_action") or "?") for e in last]
        return [self._match_template(m.text or "") for m in reply]

    def _match_template(self, text: str) -> str:
        for response, variations in self._agent.processor.domain.responses.items():
            for variation in variations:
                template = str(variation.get("text") or "")
                pattern = re.sub(r"\\\{[^}]*\\\}", ".*", re.escape(template))
                if template and re.fullmatch(pattern, text, flags=re.DOTALL):
                    return response
        return "?"

    def _check_turn(
        self, turn: PlayedTurn, spec: dict[str, Any], slots: dict[str, Any]
    ) -> list[str]:
        said = turn.responses
        where = f"turn {turn.number} ({turn.user!r})"
        failures = [
            f"{where}: bot did not say {self.name(n)}; it said {said}"
            for n in spec.get("bot_says", [])
            if self.name(n) not in said
        ]
        wanted_any = [self.name(n) for n in spec.get("bot_says_any", [])]
        if wanted_any and not set(wanted_any) & set(said):
            failures.append(f"{where}: bot said none of {wanted_any}; it said {said}")
        failures += [
            f"{where}: bot must not say {self.name(n)}; it said {said}"
            for n in spec.get("bot_never", [])
            if self.name(n) in said
        ]
        for n, count in (spec.get("bot_says_count") or {}).items():
            if said.count(self.name(n)) != count:
                failures.append(
                    f"{where}: bot said {self.name(n)} {said.count(self.name(n))} times, "
                    f"expected {count}"
                )
        joined = "\n".join(turn.texts).casefold()
        failures += [
            f"{where}: bot text does not contain {piece!r}"
            for piece in spec.get("text_contains", [])
            if str(piece).casefold() not in joined
        ]
        failures += [f"{where}: {f}" for f in compare_slots(spec.get("slots") or {}, slots)]
        if spec.get("profile_cleared"):
            left = {k: slots.get(k) for k in self._profile_slots if slots.get(k) is not None}
            if left:
                failures.append(f"{where}: profile slots still set after erasure: {left}")
        return failures

    def _check_end(self, result: PlayedConversation, sender: str) -> list[str]:
        conversation = result.conversation
        failures = [f"end: {f}" for f in compare_slots(conversation.slots, result.slots)]
        limits = {**self._default_at_most, **conversation.said_at_most}
        for word, most in limits.items():
            count = result.said(self.name(word))
            if count > most:
                failures.append(f"end: {self.name(word)} said {count} times, at most {most}")
        for word, least in conversation.said_at_least.items():
            count = result.said(self.name(word))
            if count < least:
                failures.append(f"end: {self.name(word)} said {count} times, at least {least}")
        if conversation.stored_profile is not None or conversation.introductions is not None:
            engine = make_engine(self._database_url)
            try:
                with session(engine) as db:
                    stored = crud.get_profile(session=db, sender_id=sender) is not None
                    requests = db.exec(
                        select(IntroductionRequest).where(IntroductionRequest.sender_id == sender)
                    ).all()
            finally:
                engine.dispose()
            if conversation.stored_profile is not None and stored != conversation.stored_profile:
                failures.append(
                    f"end: a stored profile {'exists' if stored else 'is missing'}, "
                    f"expected {'one' if conversation.stored_profile else 'none'}"
                )
            wanted = conversation.introductions
            if wanted is not None and len(requests) != wanted:
                failures.append(f"end: {len(requests)} introduction requests, expected {wanted}")
        return failures


def compare_slots(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Differences between expected and actual slot values (see README for the matchers)."""
    return [
        f"slot {name} = {actual.get(name)!r}, expected {want!r}"
        for name, want in expected.items()
        if not _matches(name, want, actual.get(name))
    ]


def _matches(name: str, want: Any, got: Any) -> bool:
    if isinstance(want, dict):
        if "contains" in want:
            return isinstance(got, str) and str(want["contains"]).casefold() in got.casefold()
        if "one_of" in want:
            return any(_matches(name, option, got) for option in want["one_of"])
        if "not_null" in want:
            return got is not None
        raise ValueError(f"unknown matcher {want}")
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, list):
        return isinstance(got, list) and Counter(map(str, want)) == Counter(map(str, got))
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, int | float) and isinstance(got, int | float):
        if name.endswith("_eur"):
            return math.isclose(float(got), float(want), rel_tol=MONEY_TOLERANCE, abs_tol=0.5)
        return float(got) == float(want)
    return bool(want == got)
