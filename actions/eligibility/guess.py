"""Which facts the assistant only guessed, and whether a guess decides a failed verdict.

A NACE code derived from "aquaculture equipment", or a region found in a long sentence, is the
NLU's reading of free words. Before a verdict fails on such a value, the user is asked to
confirm it; the scheme file declares which facts and rules this concerns (`guesses`). Pure
Python over Rasa's event dicts, so it is tested without rasa-sdk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from actions.eligibility.engine import EligibilityResult
from actions.eligibility.nace import NaceError, code_in_answer
from actions.eligibility.scheme import GuessSpec, Scheme
from nlu.yaml_reader import read_yaml

#: Events after which a slot's value no longer comes from what the user just typed.
SESSION_EVENTS = ("session_started", "restart")


@dataclass(frozen=True)
class Guess:
    """A guessed fact that decides a failure: its declaration, slot and value."""

    spec: GuessSpec
    slot: str
    value: Any


def confirmation(slot: str, value: Any) -> str:
    """How a confirmed value is remembered (a changed value is not confirmed)."""
    return f"{slot}={value}"


def typed_itself(value: Any, text: str) -> bool:
    """Whether the user typed the value itself (a code such as "C28", or "28" for it), not
    words for it."""
    pattern = rf"(?<![\w.]){re.escape(str(value))}(?![\w])"
    if re.search(pattern, text, flags=re.IGNORECASE) is not None:
        return True
    try:
        code = code_in_answer(text)
    except NaceError:
        return False
    return code is not None and code.code == str(value)


def is_guess(events: Sequence[Mapping[str, Any]], slot: str, value: Any) -> bool:
    """Whether the slot's current value was read from typed free words.

    A value set after a button (a ``/intent`` payload), typed as such, or carried from a
    stored profile (no user message since the session started) is not a guess.
    """
    index = next(
        (
            i
            for i in range(len(events) - 1, -1, -1)
            if events[i].get("event") == "slot" and events[i].get("name") == slot
        ),
        None,
    )
    if index is None:
        return False
    for event in reversed(events[:index]):
        kind = event.get("event")
        if kind in SESSION_EVENTS:
            return False
        if kind == "user":
            text = str(event.get("text") or "")
            return not text.startswith("/") and not typed_itself(value, text)
    return False


def deciding_guess(
    result: EligibilityResult,
    scheme: Scheme,
    values: Mapping[str, Any],
    guessed: Iterable[str],
) -> Guess | None:
    """The guess to confirm before concluding, or None.

    Only when every failed rule could be undone by a guess: if one failure stands whatever
    the guesses are, the verdict is settled and asking would only cost the user a turn.

    Args:
        result: the verdict on the profile as it stands.
        scheme: declares which facts are guess-sensitive for which rules.
        values: the current slot values.
        guessed: the slots whose current value is an unconfirmed guess.
    """
    guessed = set(guessed)
    first: Guess | None = None
    for rule in result.failed:
        found = [
            Guess(spec, slot, values[slot])
            for spec in scheme.guesses
            if rule.id in spec.rules
            for slot in _filled(spec, values)
            if slot in guessed
        ]
        if not found:
            return None
        first = first or found[0]
    return first


def _filled(spec: GuessSpec, values: Mapping[str, Any]) -> list[str]:
    """The first of the spec's slots that holds a value (the one the rules read)."""
    return [slot for slot in spec.slots if values.get(slot) not in (None, "")][:1]


@lru_cache(maxsize=4)
def _sectors(path: Path) -> dict[str, Any]:
    data = read_yaml(path)
    return data if isinstance(data, dict) else {}


def sector_table(data_dir: Path, language: str) -> dict[str, dict[str, Any]]:
    """The sectors of data/sectors/<language>.yml (English when the language has none)."""
    path = data_dir / "sectors" / f"{language}.yml"
    raw = _sectors(path if path.is_file() else data_dir / "sectors" / "en.yml")
    return dict(raw.get("sectors") or {})


def sector_slots(choice: Any, data_dir: Path, language: str) -> dict[str, Any] | None:
    """The profile's sector slots from an answer to the sector pick-list.

    `choice` is a sector key (a button), the NLU's sector entity (a dict), a NACE code in
    any notation ("62.01", "J62"), or the user's own words; words that name no known sector
    keep the words and leave the NACE code unknown.

    Raises:
        NaceError: the answer is a NACE code that does not exist.
    """
    table = sector_table(data_dir, language)
    code = code_in_answer(choice) if isinstance(choice, str) else None
    if code is not None:
        return {
            "sector": code.code,
            "nace_code": code.code,
            "nace_section": code.section,
            "s3_field": None,
        }
    if isinstance(choice, Mapping):
        nace = choice.get("nace")
        key = choice.get("sector")
        label = choice.get("label") or key
    else:
        text = " ".join(str(choice or "").split())
        if not text:
            return None
        wanted = text.casefold()
        key = next(
            (k for k, spec in table.items() if wanted in (k, str(spec["label"]).casefold())), None
        )
        spec = table.get(key) if key else None
        nace, label = (spec.get("nace"), spec["label"]) if spec else (None, text)
    return {
        "sector": str(label),
        "nace_code": str(nace) if nace else None,
        "nace_section": str(nace)[0] if nace else None,
        "s3_field": (table.get(str(key)) or {}).get("s3_field"),
    }
