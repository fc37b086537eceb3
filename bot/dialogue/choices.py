"""Typed answers to the buttons the assistant just offered, on any channel.

Many clients show no buttons, and most people type anyway. The NLU knows intents, not the
choices of the question on screen, so "A research institute" typed to a question whose button
says exactly that was not understood. This step runs before the NLU's intent is trusted: when
the bot's latest messages offered buttons, the text is compared with those choices (titles,
synonyms from `data/dialogue/choices_<language>.yml`, yes and no, numbers) and a clear match is
taken as the button's payload. Anything else, and any text that says more than the choice (a
question, several facts, another request), goes to the NLU as before.

Matching is by words: every word typed must belong to one button's title or to one of its
synonyms (filler such as "I think" aside), small typos allowed; a title may be typed in part
("feasibility study" for "A feasibility or technical study"), a synonym must be typed whole.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.dialogue.choice_words import (
    EMPTY,
    NO,
    YES,
    Phrase,
    Vocabulary,
    load_choices,
    normalise,
    same,
    scan,
    tokens,
)
from bot.dialogue.domain import Domain
from bot.dialogue.messages import Button
from bot.dialogue.payload import parse_payload
from bot.dialogue.tracker import DialogueTracker

__all__ = ["EMPTY", "ChoiceReader", "Vocabulary", "load_choices", "match_choice", "offered_buttons"]

logger = logging.getLogger(__name__)

#: The entity a payload uses for "item n of the list above" (/request_introduction{"number": 1}).
LIST_ITEM_ENTITY = "number"
POLARITY_INTENTS = {"affirm": YES, "deny": NO}
_QUESTION = re.compile(r"[?？¿]")


# --- which buttons are on screen ------------------------------------------------------------


def offered_buttons(events: Sequence[dict[str, Any]]) -> list[Button]:
    """The buttons of the bot's messages since the user last spoke, in order.

    Args:
        events: the applied events of the conversation (reverted messages left out).

    Returns:
        Every button of those `bot` events (responses and custom actions alike).
    """
    latest: list[dict[str, Any]] = []
    for event in reversed(events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            latest.append(event)
    return [
        Button(title=str(b.get("title") or ""), payload=str(b["payload"]))
        for event in reversed(latest)
        for b in (event.get("data") or {}).get("buttons") or []
        if isinstance(b, dict) and b.get("payload")
    ]


# --- matching -------------------------------------------------------------------------------


def match_choice(
    text: str,
    buttons: Sequence[Button],
    vocabulary: Vocabulary,
    *,
    domain: Domain,
    numbers_answer: bool = False,
) -> str | None:
    """The payload of the one button the typed text clearly chooses, or None.

    Args:
        text: what the user typed.
        buttons: the buttons on screen (`offered_buttons`).
        vocabulary: the conversation language's words (`EMPTY` matches titles and numbers).
        domain: to read the buttons' payloads as the engine does.
        numbers_answer: the question asks for a quantity, so a number is an answer, not a pick.

    Returns:
        A payload, or None when nothing, or more than one button, fits the whole text.
    """
    if not buttons or _QUESTION.search(text):
        return None
    number = _number(scan(tokens(text), vocabulary.ignored), vocabulary)
    if number is not None:
        if numbers_answer:
            return None
        picked = _pick(number, buttons, domain)
        if picked:
            return picked
    words = normalise(text, vocabulary)
    if not words:
        return None
    fits: dict[str, bool] = {}  # payload -> whether one of its phrases was typed whole
    for button in buttons:
        fit = _fit(words, _button_phrases(button, vocabulary, domain))
        if fit is not None:
            fits[button.payload] = fits.get(button.payload, False) or fit
    if len(fits) == 1:
        return next(iter(fits))
    whole_fits = [payload for payload, whole in fits.items() if whole]
    return whole_fits[0] if len(whole_fits) == 1 else None


def _number(words: Phrase, vocabulary: Vocabulary) -> int | None:
    """The one number of "2", "#2", "nr 2", "the second one", or None."""
    values = [(i, _number_value(w, vocabulary)) for i, w in enumerate(words)]
    numbers = [(i, v) for i, v in values if v is not None]
    if len(numbers) > 1:  # "the second one": "one" is an affix here
        numbers = [(i, v) for i, v in numbers if scan((words[i],), vocabulary.number_affixes)]
    if len(numbers) != 1:
        return None
    index, value = numbers[0]
    rest = words[:index] + words[index + 1 :]
    return value if not scan(rest, vocabulary.number_affixes) else None


def _number_value(token: str, vocabulary: Vocabulary) -> int | None:
    if token.isdigit():
        return int(token)
    for suffix in vocabulary.ordinal_suffixes:
        if token.endswith(suffix) and token[: -len(suffix)].isdigit():
            return int(token[: -len(suffix)])
    return vocabulary.number_words.get(token)


def _pick(number: int, buttons: Sequence[Button], domain: Domain) -> str | None:
    """The list item the message asked about (a button with a number), else the nth button."""
    if number < 1:
        return None
    for button in buttons:
        payload = _payload(button.payload, domain)
        if payload is not None and LIST_ITEM_ENTITY in payload[1]:
            intent, values = payload
            old = values[LIST_ITEM_ENTITY]
            values = {**values, LIST_ITEM_ENTITY: str(number) if isinstance(old, str) else number}
            return f"/{intent}{json.dumps(values, ensure_ascii=False)}"
    if number <= len(buttons) and _payload(buttons[number - 1].payload, domain):
        return buttons[number - 1].payload
    return None


def _payload(payload: str, domain: Domain) -> tuple[str, dict[str, Any]] | None:
    """The intent and entity values of a payload the engine accepts, or None."""
    parsed = parse_payload(payload, domain)
    if parsed is None:
        return None
    intent = str(parsed["intent"]["name"])
    raw = payload.strip()[1 + len(intent) :]
    return intent, (json.loads(raw) if raw else {})


def _button_phrases(button: Button, vocabulary: Vocabulary, domain: Domain) -> list[Phrase]:
    """What may be typed for a button: its title first, then its synonyms and its yes or no."""
    payload = _payload(button.payload, domain)
    if payload is None:  # the engine would not take it as a payload: never chosen
        return []
    intent, values = payload
    title = normalise(button.title, vocabulary)
    phrases = [title, *(vocabulary.intents.get(intent, ()) if not values else ())]
    for entity, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            phrases.extend(vocabulary.values.get((entity, str(item)), ()))
    if not values and intent in POLARITY_INTENTS:
        phrases.append((POLARITY_INTENTS[intent],))
    return phrases


def _fit(words: Phrase, phrases: list[Phrase]) -> bool | None:
    """How the typed words fit one button: None if they don't, True if one of its phrases was
    typed whole, False if part of its title was.

    Every typed word must be a word of the button ("no, we are independent": a title "No" and
    a synonym), so anything else typed means the text says more than this choice.
    """
    known = {token for phrase in phrases for token in phrase}
    if not all(any(same(w, k) for k in known) for w in words):
        return None
    if any(phrase and all(any(same(w, p) for w in words) for p in phrase) for phrase in phrases):
        return True
    title = phrases[0]
    return False if all(any(same(w, t) for t in title) for w in words) else None


# --- the engine's hook ----------------------------------------------------------------------


class ChoiceReader:
    """Owns the vocabularies of all languages and reads typed text as the choice on screen."""

    def __init__(self, vocabularies: Mapping[str, Vocabulary] | None = None) -> None:
        self._vocabularies = dict(vocabularies or {})

    @classmethod
    def load(cls, data_dir: Path) -> ChoiceReader:
        """A reader with every language's vocabulary from the data folder."""
        return cls(load_choices(data_dir))

    def parse(
        self, text: str, tracker: DialogueTracker, default_language: str
    ) -> dict[str, Any] | None:
        """The parse of the chosen button's payload, or None to let the NLU read the text.

        Args:
            text: the cleaned message text.
            tracker: the conversation before this message.
            default_language: used when the conversation has no `language` slot.
        """
        buttons = offered_buttons(tracker.applied_events())
        if not buttons:
            return None
        language = str(tracker.get_slot("language") or default_language)
        payload = match_choice(
            text,
            buttons,
            self._vocabularies.get(language, EMPTY),
            domain=tracker.domain,
            numbers_answer=_asks_for_number(tracker),
        )
        if payload is None:
            return None
        logger.debug("conversation %s: typed text taken as a button", tracker.sender_id)
        return parse_payload(payload, tracker.domain)


def _asks_for_number(tracker: DialogueTracker) -> bool:
    """Whether the active form asks for a quantity, so "1" is an amount, not the first button."""
    if tracker.active_loop is None:
        return False
    slot = tracker.domain.slots.get(str(tracker.get_slot("requested_slot")))
    return slot is not None and slot.type == "float"
