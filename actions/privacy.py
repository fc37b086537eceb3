"""Privacy actions: what is stored about the sender, and erasing it after a confirmation.

The erasure itself belongs to the agent, not to this action: the agent holds the turn's events
in memory and would store them again after anything deleted here. So `action_erase_sender_data`
only describes what will be erased and returns the `ERASE_EVENT` marker; the agent, seeing it
when the turn ends, erases everything instead of storing the turn (bot/dialogue/agent.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from bot.storage import crud, session
from nlu.yaml_reader import read_yaml

#: The event that asks the agent to erase the sender's data at the end of the turn. The agent
#: has the same name (`bot.dialogue.agent.ERASE_EVENT`); a test keeps the two equal.
ERASE_EVENT = "erase_sender_data"
SUSPENDED_FORM_SLOT = "suspended_form"
#: The kinds of stored data the receipt names, in its order (see `crud.count_sender_data`).
RECEIPT_KINDS = ("conversation", "profile", "introductions", "listings")


class ActionAskErasureConfirmation(Action):
    """Asks Yes/No before erasing; an active form is suspended so it cannot take the answer."""

    def name(self) -> str:
        """Ask to confirm the erasure."""
        return "action_ask_erasure_confirmation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Suspend the active form (remembered for a "No"), then ask."""
        dispatcher.utter_message(response="utter_ask_erasure_confirmation")
        form = tracker.active_loop_name
        if not form:
            return []
        return [SlotSet(SUSPENDED_FORM_SLOT, form), ActiveLoop(None)]


class ActionCancelErasure(Action):
    """Keeps everything, says so, and resumes the form the question interrupted."""

    def name(self) -> str:
        """Cancel the erasure."""
        return "action_cancel_erasure"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say nothing was erased; reactivate the suspended form, which then asks again."""
        dispatcher.utter_message(response="utter_erasure_cancelled")
        form = tracker.get_slot(SUSPENDED_FORM_SLOT)
        if not form or form not in (domain.get("forms") or {}):
            return []
        return [SlotSet(SUSPENDED_FORM_SLOT, None), ActiveLoop(form)]


class ActionEraseSenderData(Action):
    """Sends the receipt of what is erased and asks the agent to erase it."""

    def name(self) -> str:
        """Erase the sender's data."""
        return "action_erase_sender_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List what is stored, then return the marker the agent erases on."""
        with session(store.engine()) as db:
            counts = crud.count_sender_data(session=db, sender_id=tracker.sender_id)
        counts["conversation"] = 1  # at least this turn, which is not stored yet
        dispatcher.utter_message(
            response="utter_data_erased",
            erased_items=receipt_items(counts, _language(tracker)),
        )
        return [{"event": ERASE_EVENT}]


class ActionTellStoredData(Action):
    """Says what is stored, why, how long and how to erase it, plus the saved profile's fields."""

    def name(self) -> str:
        """Tell what is stored."""
        return "action_tell_stored_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The general answer; the names (never the values) of a saved profile's fields."""
        dispatcher.utter_message(response="utter_stored_data")
        with session(store.engine()) as db:
            profile = crud.get_profile(session=db, sender_id=tracker.sender_id)
            fields = list(profile.data) if profile is not None else []
        if fields:
            dispatcher.utter_message(
                response="utter_stored_profile_fields",
                field_names=field_names(fields, _language(tracker)),
            )
        return []


def receipt_items(counts: dict[str, int], language: str) -> str:
    """One line per kind of data that is stored, in the receipt's words."""
    words = labels(language)
    lines = [
        words["item"].format(item=words["erased"][kind].format(count=counts[kind]))
        for kind in RECEIPT_KINDS
        if counts.get(kind)
    ]
    return "\n".join(lines)


def field_names(fields: list[str], language: str) -> str:
    """Readable names of profile fields, in profile order; unknown fields by their key."""
    words = labels(language)
    known: dict[str, str] = words["fields"]
    ordered = [f for f in known if f in fields] + [f for f in fields if f not in known]
    return str(words["separator"]).join(known.get(f, f) for f in ordered)


@lru_cache(maxsize=8)
def labels(language: str) -> dict[str, Any]:
    """The privacy words of a language (English when the language has none)."""
    path = store.data_dir() / "privacy" / "labels.yml"
    words = read_yaml(path)
    return dict(words.get(language) or words["en"])


def _language(tracker: Tracker) -> str:
    return str(tracker.get_slot("language") or "en")
