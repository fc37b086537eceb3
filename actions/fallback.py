"""Two-stage fallback: when the NLU is unsure, offer its two best guesses; twice, a person."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from nlu.yaml_reader import read_yaml

FALLBACK = "nlu_fallback"
GUESSES = 2
SOMETHING_ELSE = ("something_else", "/show_menu")


@lru_cache(maxsize=2)
def _labels(data_dir: Path) -> dict[str, dict[str, str]]:
    return dict(read_yaml(data_dir / "dialogue" / "intent_labels.yml"))


def best_guesses(ranking: list[dict[str, Any]], labels: dict[str, str]) -> list[str]:
    """The most likely intents that are worth offering, best first."""
    offered = [r["name"] for r in ranking if r.get("name") in labels]
    return [name for name in offered if name != SOMETHING_ELSE[0]][:GUESSES]


def missed_twice(events: list[dict[str, Any]]) -> bool:
    """Whether the user message before the latest one was also not understood."""
    intents = [
        ((e.get("parse_data") or {}).get("intent") or {}).get("name")
        for e in events
        if e.get("event") == "user"
    ]
    return len(intents) >= 2 and intents[-1] == FALLBACK and intents[-2] == FALLBACK


class ActionTwoStageFallback(Action):
    """Owns what happens when the assistant did not understand a message."""

    def name(self) -> str:
        """The fallback for messages the NLU is unsure about."""
        return "action_two_stage_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Offer the two best guesses as buttons, or after a second miss, a person."""
        if missed_twice(tracker.events):
            dispatcher.utter_message(response="utter_fallback_offer_person")
            return [UserUtteranceReverted()]
        language = str(tracker.get_slot("language") or "en")
        labels = _labels(store.data_dir())
        labels_here = labels.get(language) or labels["en"]
        ranking = tracker.latest_message.get("intent_ranking") or []
        buttons = [
            {"title": labels_here[name], "payload": f"/{name}"}
            for name in best_guesses(ranking, labels_here)
        ]
        buttons.append({"title": labels_here[SOMETHING_ELSE[0]], "payload": SOMETHING_ELSE[1]})
        dispatcher.utter_message(response="utter_fallback_guesses", buttons=buttons)
        return []
