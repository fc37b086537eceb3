"""Actions around the profile form: summary, why a question is asked, saving, resuming."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import profile_fields as fields
from actions import store
from actions.countries import find_country
from actions.eligibility.naming import Names
from actions.formatting import format_number
from actions.profile_labels import partner_type_name
from bot.storage import crud, session
from bot.storage.identity import belongs_to
from nlu.yaml_reader import read_yaml

PROFILE_SLOTS = (
    "company_name",
    "country",
    "region",
    "sector",
    "nace_code",
    "nace_section",
    "s3_field",
    "employees",
    "annual_turnover_eur",
    "balance_sheet_eur",
    "ownership_links",
    "linked_relation",
    "linked_name",
    "linked_share_pct",
    "linked_kind",
    "linked_invested_eur",
    "linked_budget_eur",
    "linked_inhabitants",
    "linked_employees",
    "linked_turnover_eur",
    "linked_balance_sheet_eur",
    "year_founded",
    "month_founded",
    "months_operating",
    "closed_financial_years",
    "offer_description",
    "need_description",
    "partner_type",
    "target_countries",
    "de_minimis_received_eur",
    "skipped_fields",
)


class ActionProfileSummary(Action):
    """Shows the collected profile so the SME can confirm or correct it."""

    def name(self) -> str:
        """Summarise the profile."""
        return "action_profile_summary"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Render the summary with readable values; skipped fields say so."""
        dispatcher.utter_message(
            response="utter_profile_summary", **summary_values(tracker.slots, _language(tracker))
        )
        return []


def summary_values(slots: dict[str, Any], language: str) -> dict[str, str]:
    """Placeholder values for `utter_profile_summary`, one readable string per field."""
    words = summary_labels(language)
    not_given = words["not_given"]
    country = find_country(slots["country"]) if slots.get("country") else None
    targets = [find_country(c) for c in slots.get("target_countries") or []]
    share = slots.get("linked_share_pct")
    share_text = f"{share:g} %" if isinstance(share, int | float) else words["share_not_given"]
    links = slots.get("ownership_links")
    ownership = words[f"ownership_{links}"].format(share=share_text) if links else not_given
    return {
        "company_name": slots.get("company_name") or not_given,
        "country_name": country.name(language) if country else not_given,
        "region_name": fields.region_name(slots["region"], language)
        if slots.get("region")
        else not_given,
        "sector_name": Names(store.data_dir()).sector(
            slots.get("sector"), slots.get("nace_code") or slots.get("nace_section"), language
        )
        or not_given,
        "employees_text": _number(slots.get("employees"), not_given),
        "turnover_text": _euros(slots.get("annual_turnover_eur"), not_given, language),
        "balance_sheet_text": _euros(slots.get("balance_sheet_eur"), not_given, language),
        "ownership_text": ownership,
        "year_text": _number(slots.get("year_founded"), not_given),
        "offer_text": slots.get("offer_description") or not_given,
        "need_text": slots.get("need_description") or not_given,
        "partner_type_text": partner_type_name(slots.get("partner_type"), language) or not_given,
        "targets_text": ", ".join(c.name(language) for c in targets if c) or not_given,
        "de_minimis_text": _euros(slots.get("de_minimis_received_eur"), not_given, language),
    }


@lru_cache(maxsize=8)
def summary_labels(language: str) -> dict[str, str]:
    """The summary's words in a language (English when the language has none)."""
    path = store.data_dir() / "profile" / "summary_labels.yml"
    labels = read_yaml(path)
    return dict(labels.get(language) or labels["en"])


def _number(value: Any, not_given: str) -> str:
    return f"{int(value):d}" if isinstance(value, int | float) else not_given


def _euros(value: Any, not_given: str, language: str) -> str:
    if not isinstance(value, int | float):
        return not_given
    return f"EUR {format_number(round(value), language)}"


class ActionExplainField(Action):
    """Says why the question just asked matters, then the form asks it again."""

    def name(self) -> str:
        """Explain the requested field."""
        return "action_explain_field"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utter `utter_why_<slot>` for the requested slot, or a general reason."""
        requested = tracker.get_slot("requested_slot")
        response = f"utter_why_{requested}"
        if response not in (domain.get("responses") or {}):
            response = "utter_why_profile"
        dispatcher.utter_message(response=response)
        return []


class ActionSaveProfile(Action):
    """Stores the confirmed profile, so a later session of the same SME starts with it."""

    def name(self) -> str:
        """Save the confirmed profile."""
        return "action_save_profile"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write the profile slots to the profile table."""
        data = {
            slot: tracker.get_slot(slot)
            for slot in PROFILE_SLOTS
            if tracker.get_slot(slot) is not None
        }
        with session(store.engine()) as db:
            crud.save_profile(session=db, sender_id=tracker.sender_id, data=data)
        return [SlotSet("profile_saved", True)]


class ActionSessionStart(Action):
    """Rasa's session start, plus the SME's saved profile when its slots are empty."""

    def name(self) -> str:
        """Start a session."""
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Carry slots over, fill the profile from storage if needed, then listen."""
        declared = domain.get("slots") or {}
        carried = {
            name: value
            for name, value in tracker.slots.items()
            if value is not None
            and name != "requested_slot"
            and value != (declared.get(name) or {}).get("initial_value")
        }
        if not carried.get("profile_saved"):
            carried.update(_saved_profile(tracker.sender_id))
        slots = [
            SlotSet(name, value)
            for name, value in carried.items()
            if name in (domain.get("slots") or {})
        ]
        return [SessionStarted(), *slots, ActionExecuted("action_listen")]


def _saved_profile(sender_id: str) -> dict[str, Any]:
    """The sender's saved profile slots, only if its conversation is of the channel the id
    belongs to: a `telegram:` id used on another channel never gets a Telegram user's data."""
    with session(store.engine()) as db:
        profile = crud.get_profile(session=db, sender_id=sender_id)
        if profile is None:
            return {}
        conversation = crud.get_conversation(session=db, sender_id=sender_id)
        if conversation is None or not belongs_to(sender_id, conversation.channel):
            return {}
        return {**profile.data, "profile_saved": True}


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


def _language(tracker: Tracker) -> str:
    return str(tracker.get_slot("language") or "en")
