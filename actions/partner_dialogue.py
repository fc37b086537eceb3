"""Actions around introductions: the contact person, consent naming exactly what is shared,
the answer to "what do you send them?", and a polite no."""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.matching.action import ActionRequestIntroduction, introduction_values
from nlu import parse_position

MAX_NAME_CHARS = 200  # the column's size
EMAIL = re.compile(r"[^\s,;:<>()]+@[^\s,;:<>()]+\.[^\s,;:<>()]+")
# Words around a name typed with its address: "it's Aino Virtanen, email aino@firm.fi".
NAME_NOISE = re.compile(
    r"\b(e-?mail|mail|address|is|at|and|contact|person|it's|its|name|me|please|pls)\b",
    re.IGNORECASE,
)


class ValidateIntroductionForm(FormValidationAction):
    """Owns the checks of the introduction questions: a plausible name, a valid e-mail."""

    def name(self) -> str:
        """The validation action of `introduction_form`."""
        return "validate_introduction_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """A contact typed in one go ("Aino Virtanen, aino@firm.fi") gives both the name and
        the e-mail address; otherwise the usual extract-validate."""
        events: list[EventType] = []
        text = str(tracker.latest_message.get("text") or "")
        requested = tracker.get_slot("requested_slot")
        found = EMAIL.search(text)
        if requested in ("contact_name", "contact_email") and found:
            name = text[: found.start()] + text[found.end() :]
            name = NAME_NOISE.sub(" ", name).strip(" ,;:-<>()")
            contact = {"contact_email": found.group(0)}
            if name and requested == "contact_name":
                contact["contact_name"] = name
            events = [SlotSet(slot, value) for slot, value in contact.items()]
            tracker.add_slots(events)
        return events + await super().run(dispatcher, tracker, domain)

    def extract_selected_partner(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The list item typed in words ("the 2nd one", "number two", "the last one")."""
        if tracker.get_slot("requested_slot") not in (None, "selected_partner"):
            return {}
        text = str(tracker.latest_message.get("text") or "")
        if text.startswith("/"):
            return {}  # a button: its number entity fills the slot
        position = parse_position(text)
        if position == -1:
            position = len(tracker.get_slot("partner_suggestions") or []) or None
        return {"selected_partner": str(position)} if position else {}

    def validate_selected_partner(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A position in the list just shown (or a reference from it), checked at once so that
        no contact is asked for an introduction to nobody."""
        shown = [str(ref) for ref in tracker.get_slot("partner_suggestions") or []]
        text = str(value or "").strip().removesuffix(".0")
        if (text.isdigit() and 1 <= int(text) <= len(shown)) or text in shown:
            return {"selected_partner": text}
        dispatcher.utter_message(response="utter_ask_selected_partner")
        return {"selected_partner": None}

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A person's name: some letters, not an e-mail address, not too long."""
        text = " ".join(value.split()) if isinstance(value, str) else ""
        if (
            not 2 <= len(text) <= MAX_NAME_CHARS
            or "@" in text
            or not any(c.isalpha() for c in text)
        ):
            dispatcher.utter_message(response="utter_invalid_contact_name")
            return {"contact_name": None}
        return {"contact_name": text}

    def validate_contact_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A syntactically valid address, normalised; no network look-up (deliverability off)."""
        try:
            checked = validate_email(str(value or "").strip(), check_deliverability=False)
        except EmailNotValidError:
            dispatcher.utter_message(response="utter_invalid_contact_email")
            return {"contact_email": None}
        return {"contact_email": checked.normalized}


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


class ActionExplainIntroductionData(Action):
    """Answers "what exactly do you send them?" with the very facts an introduction shares."""

    def name(self) -> str:
        """Say what an introduction shares."""
        return "action_explain_introduction_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The user's own answers, as the consent question lists them; an open form resumes."""
        dispatcher.utter_message(
            response="utter_introduction_shared_data", **introduction_values(tracker, "")
        )
        return []


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
