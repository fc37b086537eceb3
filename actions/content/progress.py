"""Learning progress of one conversation, as a JSON-able dict kept in the `learning_progress` slot.

Shape (version 1)::

    {"version": 1, "current": "s3_finland", "position": 2,
     "modules": {"s3_finland": {"position": 2, "state": "in_progress"},
                 "what_is_s3": {"position": 7, "state": "done", "correct": true}}}

`position` counts from 0; a position equal to the number of steps means the check question.
Every function returns a new dict and never changes its argument, so a slot value read from a
tracker is never mutated in place. Unknown or damaged values start afresh instead of failing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

VERSION = 1
IN_PROGRESS, AT_CHECK, DONE, SKIPPED = "in_progress", "check", "done", "skipped"
Progress = dict[str, Any]


def empty() -> Progress:
    """Progress of someone who has not started learning."""
    return {"version": VERSION, "current": None, "position": 0, "modules": {}}


def normalise(value: Any) -> Progress:
    """A clean copy of a slot value; anything unusable becomes empty progress."""
    if not isinstance(value, dict) or value.get("version") != VERSION:
        return empty()
    modules = value.get("modules")
    clean = empty()
    if isinstance(modules, dict):
        clean["modules"] = {
            str(k): dict(v) for k, v in modules.items() if isinstance(v, dict) and "state" in v
        }
    current = value.get("current")
    if isinstance(current, str) and current in clean["modules"]:
        clean["current"] = current
        clean["position"] = _position(value.get("position"))
    return clean


def _position(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def current(progress: Progress) -> tuple[str, int] | None:
    """The module being learnt and the position in it, or None."""
    if progress.get("current"):
        return str(progress["current"]), int(progress.get("position", 0))
    return None


def go_to(progress: Progress, module_id: str, position: int, total_steps: int) -> Progress:
    """Make `module_id` current at `position`, clamped to the steps and the check."""
    new = copy.deepcopy(progress)
    position = max(0, min(position, total_steps))
    entry = new["modules"].get(module_id, {})
    state = AT_CHECK if position == total_steps else IN_PROGRESS
    if entry.get("state") == DONE:
        state = DONE
    new["modules"][module_id] = {**entry, "position": position, "state": state}
    new["current"], new["position"] = module_id, position
    return new


def resume_position(progress: Progress, module_id: str) -> int:
    """Where to reopen a module: where the SME stopped, or the start if finished or new."""
    entry = progress["modules"].get(module_id) or {}
    if entry.get("state") in (IN_PROGRESS, AT_CHECK):
        return _position(entry.get("position"))
    return 0


def finish(progress: Progress, module_id: str, correct: bool) -> Progress:
    """Mark a module done with the check's outcome; nothing is current afterwards."""
    new = copy.deepcopy(progress)
    entry = new["modules"].get(module_id, {})
    new["modules"][module_id] = {**entry, "state": DONE, "correct": correct}
    new["current"], new["position"] = None, 0
    return new


def skip(progress: Progress, module_id: str) -> Progress:
    """Leave a module unfinished; it stays skipped until opened again."""
    new = copy.deepcopy(progress)
    entry = new["modules"].get(module_id, {})
    if entry.get("state") != DONE:
        new["modules"][module_id] = {**entry, "state": SKIPPED}
    if new.get("current") == module_id:
        new["current"], new["position"] = None, 0
    return new


def done_ids(progress: Progress) -> set[str]:
    """Modules whose check has been answered."""
    return {k for k, v in progress["modules"].items() if v.get("state") == DONE}


def next_module(progress: Progress, order: Iterable[str], after: str | None = None) -> str | None:
    """The first module in `order` (after `after`, then from the start) not done or skipped."""
    ids = list(order)
    if after in ids:
        start = ids.index(after) + 1
        ids = ids[start:] + ids[:start]
    states = progress["modules"]
    closed = {k for k, v in states.items() if v.get("state") in (DONE, SKIPPED)} | {after}
    return next((m for m in ids if m not in closed), None)
