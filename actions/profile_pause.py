"""Pausing the profile when the SME stops or leaves in the middle of its form."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionPauseProfile(Action):
    """Pauses the profile after "stop" or "goodbye" inside its form, so facts typed later are
    kept for when the SME goes on instead of reopening the form (data/rules.yml). An action
    rather than a slot mapping conditioned on the form: Rasa accepts such a mapping only for a
    slot the form asks."""

    def name(self) -> str:
        """Pause the profile."""
        return "action_pause_profile"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Set `profile_paused`; validate_profile_form clears it when the form runs again."""
        return [SlotSet("profile_paused", True)]
