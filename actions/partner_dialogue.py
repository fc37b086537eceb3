"""Small actions around introductions: asking consent by name, and a polite no."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.matching.action import ActionRequestIntroduction


class ActionAskIntroConsent(ActionRequestIntroduction):
    """Asks the introduction form's consent question, naming the chosen partner."""

    def name(self) -> str:
        """How the introduction form asks for `intro_consent`."""
        return "action_ask_intro_consent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Without consent yet, the introduction action asks for it (or for the partner)."""
        return super().run(dispatcher, tracker, domain)


class ActionDeclineIntroduction(Action):
    """Confirms that nothing is passed on, and forgets the choice."""

    def name(self) -> str:
        """The SME said no to an introduction."""
        return "action_decline_introduction"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say so and reset the introduction slots."""
        dispatcher.utter_message(response="utter_introduction_declined")
        return [SlotSet("intro_consent", None), SlotSet("selected_partner", None)]


class ActionDeclineListing(Action):
    """Confirms that the company is not listed, and forgets the answer."""

    def name(self) -> str:
        """The SME said no to being listed."""
        return "action_decline_listing"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say so and reset the consent slot."""
        dispatcher.utter_message(response="utter_listing_declined")
        return [SlotSet("listing_consent", None)]
