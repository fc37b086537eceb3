"""The voucher form's own questions about guesses: "I understood ... Is that right?" and the
sector pick-list that follows a no."""

from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.eligibility import load_scheme, pick, vouchers_dir
from actions.eligibility.action import GUESS_FACT
from actions.eligibility.guess import sector_table
from actions.eligibility.naming import Names


class ActionAskGuessConfirmed(Action):
    """Asks the user to confirm the guessed fact that alone decides a failed verdict."""

    def name(self) -> str:
        """How voucher_form asks for `guess_confirmed`."""
        return "action_ask_guess_confirmed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Name the fact and the value as understood, by name and code, with Yes and No."""
        language = str(tracker.get_slot("language") or "en")
        scheme = load_scheme(vouchers_dir())
        fact = tracker.get_slot(GUESS_FACT)
        spec = next((g for g in scheme.guesses if g.fact == fact), None)
        slot = next((s for s in spec.slots if tracker.get_slot(s)), None) if spec else None
        if spec is None or slot is None:  # nothing left to confirm: a plain yes/no question
            dispatcher.utter_message(response="utter_ask_guess_confirmed_lost")
            return []
        dispatcher.utter_message(
            response="utter_ask_guess_confirmed",
            guess_label=pick(spec.label, language),
            guess_value=Names(scheme.data_dir).fact_value(slot, tracker.get_slot(slot), language),
        )
        return []


class ActionAskSectorChoice(Action):
    """Asks for the company's main activity again, with the known sectors as buttons."""

    def name(self) -> str:
        """How voucher_form asks for `sector_choice`."""
        return "action_ask_sector_choice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """One button per sector of data/sectors/<language>.yml; typing also works."""
        language = str(tracker.get_slot("language") or "en")
        sectors = sector_table(vouchers_dir().parent, language)
        buttons = [
            {
                "title": str(spec["label"]),
                "payload": "/inform" + json.dumps({"sector": key}, ensure_ascii=False),
            }
            for key, spec in sectors.items()
        ]
        dispatcher.utter_message(response="utter_ask_sector_choice", buttons=buttons)
        return []
