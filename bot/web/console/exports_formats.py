"""A conversation as a Rasa test story and as JSON, and list rows as CSV cells.

The story is what `s3bot test stories` reads (`bot.dialogue.stories`): user steps with their
intent (the one staff corrected it to, if any), then the actions, slots and loops the
assistant produced; steps the domain does not know are left out, so the file loads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from bot.dialogue.domain import DEFAULT_ACTIONS, DEFAULT_INTENTS, Domain

STORY_VERSION = "3.1"
_SKIPPED_ACTIONS = frozenset({"action_listen", "action_session_start"})
#: A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def story_steps(
    events: Sequence[dict[str, Any]], domain: Domain, corrected: dict[int, str]
) -> list[dict[str, Any]]:
    """The steps of a test story replaying a conversation's log."""
    actions = set(domain.actions) | set(DEFAULT_ACTIONS) | set(domain.forms)
    intents = set(domain.intents) | set(DEFAULT_INTENTS)
    steps: list[dict[str, Any]] = []
    for seq, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            step: dict[str, Any] = {"user": str(event.get("text") or "")}
            intent = corrected.get(seq) or (
                (event.get("parse_data") or {}).get("intent") or {}
            ).get("name")
            if intent in intents:
                step["intent"] = intent
            steps.append(step)
        elif not steps:
            continue  # a story starts with a user step
        elif kind == "action" and event.get("name") in actions - _SKIPPED_ACTIONS:
            steps.append({"action": event["name"]})
        elif kind == "slot" and event.get("name") in domain.slots:
            steps.append({"slot_was_set": [{event["name"]: event.get("value")}]})
        elif kind == "active_loop" and (event.get("name") is None or event["name"] in actions):
            steps.append({"active_loop": event.get("name")})
    return steps


def story_yaml(name: str, steps: list[dict[str, Any]]) -> str:
    """A stories file holding one test story."""
    document = {"version": STORY_VERSION, "stories": [{"story": name, "steps": steps}]}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
