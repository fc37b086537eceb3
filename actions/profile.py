"""The company profile: validating what the SME tells us, summarising it, starting over."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.countries import find_country

PROFILE_SLOTS = ("company_name", "country", "employees")
MAX_EMPLOYEES = 1_000_000
_NUMBER = re.compile(r"-?\d[\d\s,.]*")


class ValidateProfileForm(FormValidationAction):
    """Checks each profile answer and explains what is wrong, so the form asks again."""

    def name(self) -> str:
        """The validation action of `profile_form`."""
        return "validate_profile_form"

    def validate_company_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A name of 2 to 100 characters with at least one letter or digit."""
        name = " ".join(str(value).split()) if isinstance(value, str) else ""
        if 2 <= len(name) <= 100 and any(ch.isalnum() for ch in name):
            return {"company_name": name}
        dispatcher.utter_message(response="utter_invalid_company_name")
        return {"company_name": None}

    def validate_country(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A country of the Baltic Sea Region, stored as its ISO code."""
        text = value[0] if isinstance(value, list) and value else value
        country = find_country(text) if isinstance(text, str) else None
        if country is None:
            dispatcher.utter_message(response="utter_invalid_country")
            return {"country": None}
        if not country.in_bsr:
            language = tracker.get_slot("language") or "en"
            dispatcher.utter_message(
                response="utter_country_outside_bsr", country_name=country.name(language)
            )
            return {"country": None}
        return {"country": country.code}

    def validate_employees(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A whole number of people between 1 and 1,000,000."""
        count = parse_headcount(value)
        if count is None:
            dispatcher.utter_message(response="utter_invalid_employees")
            return {"employees": None}
        return {"employees": count}


def parse_headcount(value: Any) -> int | None:
    """A staff count from a number or the first number in a text; None if out of range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        match = _NUMBER.search(value)
        if not match:
            return None
        digits = re.sub(r"[\s,]", "", match.group(0)).rstrip(".")
        try:
            number = float(digits)
        except ValueError:
            return None
    else:
        return None
    if not number.is_integer() or not 1 <= number <= MAX_EMPLOYEES:
        return None
    return int(number)


class ActionProfileSummary(Action):
    """Shows the collected profile so the SME can confirm or correct it."""

    def name(self) -> str:
        """Summarise the profile."""
        return "action_profile_summary"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Render the summary with readable country and headcount."""
        language = tracker.get_slot("language") or "en"
        code = tracker.get_slot("country")
        country = find_country(code) if isinstance(code, str) else None
        dispatcher.utter_message(
            response="utter_profile_summary",
            country_name=country.name(language) if country else code,
        )
        return []


class ActionResetProfile(Action):
    """Clears the profile answers so the form asks them again."""

    def name(self) -> str:
        """Start the profile over."""
        return "action_reset_profile"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Empty every profile slot."""
        return [SlotSet(slot, None) for slot in PROFILE_SLOTS]
