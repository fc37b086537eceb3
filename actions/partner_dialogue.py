"""Actions around introductions: the contact person, consent naming exactly what is shared and
to whom, the answer to "what do you send them?", and a polite no.

A consent is bound to the partner its question named: when the form is about to ask it, the
validator records that partner's ref in `intro_consent_ref`, and a yes counts only while the
chosen partner is still that one. Only partners suggested in the conversation can be chosen.
"""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.matching.action import (
    INTRODUCTION_RESET,
    ActionRequestIntroduction,
    chosen_ref,
    introduction_values,
    say_not_shown,
    shown_refs,
)
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
        if not shown_refs(tracker):
            # Nobody was suggested here: nothing to ask about; the form ends.
            say_not_shown(dispatcher, tracker)
            return [SlotSet(slot, None) for slot in (*INTRODUCTION_RESET, "requested_slot")]
        events += await super().run(dispatcher, tracker, domain)
        tracker.add_slots(events)
        return events + self._consent_question_names(tracker)

    @staticmethod
    def _consent_question_names(tracker: Tracker) -> list[EventType]:
        """When the consent question comes next, the partner it will name: a later yes
        consents to that partner only."""
        asks_consent = tracker.get_slot("intro_consent") is None and all(
            tracker.get_slot(slot) for slot in ("selected_partner", "contact_name", "contact_email")
        )
        if not asks_consent:
            return []
        return [SlotSet("intro_consent_ref", chosen_ref(tracker))]

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
        """A position in the list shown (or the ref of a partner shown), checked at once so
        that no contact is asked for an introduction to nobody, or to a partner never
        suggested here."""
        text = str(value or "").strip().removesuffix(".0")
        if text and chosen_ref(tracker, text) is not None:
            return {"selected_partner": text}
        say_not_shown(dispatcher, tracker)
        return {"selected_partner": None}

    def validate_intro_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A yes counts only for the partner the question named; if the choice changed since
        ("yes, number 2" after a question about number 1), the question is asked again."""
        if value is True and tracker.get_slot("intro_consent_ref") != chosen_ref(tracker):
            return {"intro_consent": None}
        return {"intro_consent": value}

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
    """Asks the introduction form's consent question, naming the chosen partner (the one
    `validate_introduction_form` recorded in `intro_consent_ref` just before)."""

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
        return [SlotSet(slot, None) for slot in INTRODUCTION_RESET]


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
