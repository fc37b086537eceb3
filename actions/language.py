"""Choosing the conversation's language: "can we speak Swedish?", `/language`, a button.

The language is the `language` slot. The agent also switches it when a message is confidently
in another spoken language; this action is for asking. The languages on offer are those the
domain speaks: the default language (the slot's initial value) and each language that
`utter_language_switched` has a variation for. The engine's own test is stricter (NLU data and
every response translated, bot/dialogue/bot_data.py); a language whose confirmation is written
before the rest would be offered too early. Names come from data/languages.yml.

The confirmation is a followup response, so the engine renders it after the slot is set, in
the new language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from nlu.entities.lexicon import within_one_edit
from nlu.entities.text import fold
from nlu.yaml_reader import read_yaml

SLOT = "language"
CONFIRMATION = "utter_language_switched"
MIN_FUZZY = 5  # shorter names must be typed exactly ("sv", "suomi")


@lru_cache(maxsize=4)
def _languages(path: Path) -> dict[str, dict[str, Any]]:
    content = read_yaml(path) or {}
    return {str(code): dict(entry) for code, entry in content.items()}


def language_table() -> dict[str, dict[str, Any]]:
    """data/languages.yml: each language's names, greeting and countries, by code."""
    return _languages(store.data_dir() / "languages.yml")


def spoken_languages(domain: DomainDict) -> list[str]:
    """The default language first, then every language the confirmation speaks."""
    default = str(((domain.get("slots") or {}).get(SLOT) or {}).get("initial_value") or "en")
    spoken = [default]
    for variation in (domain.get("responses") or {}).get(CONFIRMATION) or []:
        for condition in variation.get("condition") or []:
            value = str(condition.get("value"))
            if condition.get("name") == SLOT and value not in spoken:
                spoken.append(value)
    return spoken


def language_named(name: str) -> str | None:
    """The code of the language a name stands for: its code, English or native name, or a
    form from `asked_as` ("ruotsiksi", "på svenska"), folded, with one typo allowed in longer
    names ("sweddish")."""
    wanted = fold(name).strip(" ?!.,;:")
    near = None
    for code, entry in language_table().items():
        names = [code, entry.get("name"), entry.get("native_name"), *(entry.get("asked_as") or [])]
        for candidate in (fold(str(n)) for n in names if n):
            if wanted == candidate:
                return code
            if near is None and len(wanted) >= MIN_FUZZY and within_one_edit(wanted, candidate):
                near = code
    return near


def asked_language(tracker: Tracker) -> str | None:
    """The language the latest message asks for: its `language` entity, else a name of a
    language among its words (the entity is learnt from few examples), else the language of a
    country it names ("Swedish" is often read as Sweden)."""
    for value in tracker.get_latest_entity_values("language"):
        code = language_named(str(value))
        if code:
            return code
    words = fold(str(tracker.latest_message.get("text") or "")).split()
    for size in (2, 1):  # "anglų kalba" before "anglų"
        for start in range(len(words) - size + 1):
            code = language_named(" ".join(words[start : start + size]))
            if code:
                return code
    for country in tracker.get_latest_entity_values("country"):
        for code, entry in language_table().items():
            if str(country).upper() in [str(c).upper() for c in entry.get("countries") or []]:
                return code
    return None


class ActionSwitchLanguage(Action):
    """Switches to the language asked for, or offers the spoken ones as buttons."""

    def name(self) -> str:
        """Switch the conversation's language."""
        return "action_switch_language"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Set the slot and confirm in the new language; otherwise name the choices."""
        spoken = spoken_languages(domain)
        wanted = asked_language(tracker)
        if wanted in spoken:
            return [SlotSet(SLOT, wanted), FollowupAction(CONFIRMATION)]
        table = language_table()
        buttons = [
            {
                "title": str(table.get(code, {}).get("native_name") or code),
                "payload": f'/switch_language{{"language": "{code}"}}',
            }
            for code in spoken
        ]
        if wanted in table:
            info = table[wanted]
            dispatcher.utter_message(
                response="utter_language_not_offered",
                language_name=str(info.get("native_name") or wanted),
                buttons=buttons,
            )
            return []
        dispatcher.utter_message(response="utter_language_choice", buttons=buttons)
        return []
