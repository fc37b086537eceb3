"""The company profile form: what to ask next, reading several facts from one sentence, and
checking each answer with a reason the SME can act on."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import profile_fields as fields
from actions.countries import find_country
from actions.profile_labels import partner_type_key

MAX_EMPLOYEES = 1_000_000
MAX_AMOUNT_EUR = 1e12
OPTIONAL = (
    "region",
    "balance_sheet_eur",
    "linked_balance_sheet_eur",
    "offer_description",
    "target_countries",
    "de_minimis_received_eur",
)
LINKED_DETAILS = (
    "linked_share_pct",
    "linked_employees",
    "linked_turnover_eur",
    "linked_balance_sheet_eur",
)
FREE_TEXT_ANSWERS = ("company_name", "offer_description", "need_description")
ANSWER_ONLY = ("company_name", "offer_description")  # words in these are not other facts
ABOUT_PARTNERS = ("need_description", "partner_type", "target_countries")
CONTROL_INTENTS = (
    "stop",
    "skip",
    "ask_why",
    "ask_help",
    "talk_to_human",
    "bot_challenge",
    "show_menu",
    "edit_profile",
)
NOTHING = ("none", "nothing", "no", "n/a", "na", "-", "nope", "not really")
OTHER_NUMBERS = ("headcount", "year", "duration")
_NUMBER = re.compile(r"-?\d[\d\s,.]*")


class ValidateProfileForm(FormValidationAction):
    """Owns the profile questions: their order, what one message can fill, and the checks."""

    def name(self) -> str:
        """The validation action of `profile_form`."""
        return "validate_profile_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Ask ownership details only for partner or linked firms; never ask skipped fields."""
        skipped = set(tracker.get_slot("skipped_fields") or [])
        linked = tracker.get_slot("ownership_links") in ("partner", "linked")
        return [
            slot
            for slot in domain_slots
            if slot not in skipped and (linked or slot not in LINKED_DETAILS)
        ]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """A typed answer or a "skip" first; otherwise the usual extract-validate."""
        typed = self._typed_answer(tracker)
        if typed.keys() & set(ANSWER_ONLY):
            return await self._answer_only(typed, dispatcher, tracker, domain)
        skip_events = self._skip(dispatcher, tracker) or [SlotSet(k, v) for k, v in typed.items()]
        tracker.add_slots(skip_events)
        return skip_events + await super().run(dispatcher, tracker, domain)

    async def _answer_only(
        self,
        typed: dict[str, str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        """Validate a typed name or description alone: words in it ("Nordic Fermentation")
        are not facts about anything else."""
        ((slot, text),) = typed.items()
        validated = getattr(self, f"validate_{slot}")(text, dispatcher, tracker, domain)
        if validated.get(slot) is None and _fills_other_slots(tracker):
            return await super().run(dispatcher, tracker, domain)  # a sentence of facts
        events: list[EventType] = [SlotSet(name, value) for name, value in validated.items()]
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])

    def _typed_answer(self, tracker: Tracker) -> dict[str, str]:
        """A typed name or description answers its question, whatever intent the NLU saw.

        Descriptions often sound like requests ("we look for food companies"); unless the
        SME used a control word (stop, skip, why, help), the text is the answer.
        """
        requested = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = (tracker.latest_message.get("text") or "").strip()
        if (
            requested in FREE_TEXT_ANSWERS
            and intent not in CONTROL_INTENTS
            and text
            and tracker.latest_action_name == "action_listen"
            and not text.startswith("/")
        ):
            return {requested: text}
        return {}

    def _skip(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent != "skip" or not requested or tracker.latest_action_name != "action_listen":
            return []
        if requested in OPTIONAL:
            return [
                SlotSet(
                    "skipped_fields", list(tracker.get_slot("skipped_fields") or []) + [requested]
                )
            ]
        dispatcher.utter_message(response="utter_cannot_skip")
        return [SlotSet(requested, None)]

    # --- extraction from free sentences (`custom` mappings) ---

    def extract_country(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The home country, from a country or a region named before any "looking for".

        Once the country is known, only a country named outright changes it (a region of
        another country is a wrong region, not a move).
        """
        message = tracker.latest_message
        if tracker.get_slot("requested_slot") in ABOUT_PARTNERS:
            return {}  # countries in these answers are where partners should be
        if tracker.get_slot("country") and not fields.named_countries(message):
            return {}
        own, _ = fields.own_and_target_countries(message)
        return {"country": own} if own else {}

    def extract_region(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The home region, when one is named before any "looking for"."""
        region = fields.own_region(tracker.latest_message)
        return {"region": region} if region else {}

    def extract_target_countries(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Countries named after "looking for", other than the home country."""
        message = tracker.latest_message
        if tracker.get_slot("requested_slot") in ABOUT_PARTNERS:
            mentioned = fields.named_countries(message)
            found = [find_country(fields.code_of(e.get("value")) or "") for e in mentioned]
            targets = [country.code for country in found if country]
        else:
            _, targets = fields.own_and_target_countries(message)
        home = tracker.get_slot("country")
        targets = [code for code in targets if code != home]
        return {"target_countries": targets} if targets else {}

    def extract_need_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """What the SME seeks, from the words after "looking for"."""
        if tracker.get_slot("requested_slot") == "need_description":
            return {}  # the whole answer is taken by the from_text mapping
        need = fields.need_text(tracker.latest_message)
        return {"need_description": need} if need else {}

    def _money(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        amount = fields.money_for(tracker.latest_message, slot, tracker.get_slot("requested_slot"))
        return {slot: amount} if amount is not None else {}

    def extract_annual_turnover_eur(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount next to "turnover", "revenue" or "sales", or given when asked."""
        return self._money("annual_turnover_eur", tracker)

    def extract_balance_sheet_eur(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount next to "balance sheet" or "total assets", or given when asked."""
        return self._money("balance_sheet_eur", tracker)

    def extract_de_minimis_received_eur(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount next to "de minimis" or "state aid", or given when asked."""
        return self._money("de_minimis_received_eur", tracker)

    def extract_linked_turnover_eur(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The other enterprise's turnover, when asked."""
        return self._money("linked_turnover_eur", tracker)

    def extract_linked_balance_sheet_eur(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The other enterprise's balance sheet, when asked."""
        return self._money("linked_balance_sheet_eur", tracker)

    # --- validation ---

    def validate_company_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A name of 2 to 100 characters with at least one letter or digit."""
        name = " ".join(value.split()) if isinstance(value, str) else ""
        if 2 <= len(name) <= 100 and any(ch.isalnum() for ch in name):
            return {"company_name": name}
        if not _fills_other_slots(tracker):  # a sentence of facts is not a wrong name
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
            dispatcher.utter_message(
                response="utter_country_outside_bsr", country_name=country.name(_language(tracker))
            )
            return {"country": None}
        return {"country": country.code}

    def validate_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A known region (NUTS code) in the SME's own country."""
        code = fields.find_region(value) if isinstance(value, str) else None
        if code is None:
            dispatcher.utter_message(response="utter_invalid_region")
            return {"region": None}
        home = tracker.get_slot("country")
        in_country = fields.region_country(code)
        if home and in_country != home:
            dispatcher.utter_message(
                response="utter_region_in_other_country",
                region_name=fields.region_name(code, _language(tracker)),
            )
            return {"region": None}
        return {"region": code, **({} if home else {"country": in_country})}

    def validate_sector(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A sector in plain words; known sectors also give their NACE section and S3 field."""
        if isinstance(value, dict):
            label = str(value.get("label") or value.get("key") or value.get("name") or "")
            return {
                "sector": label or None,
                "nace_code": _text(value.get("nace")),
                "nace_section": _text(value.get("nace_section")),
                "s3_field": _text(value.get("s3_field")),
            }
        label = " ".join(value.split()) if isinstance(value, str) else ""
        if 2 <= len(label) <= 100:
            return {"sector": label}
        dispatcher.utter_message(response="utter_invalid_sector")
        return {"sector": None}

    def validate_employees(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A whole number of people between 1 and 1,000,000."""
        count = parse_count(value)
        if count is None or not 1 <= count <= MAX_EMPLOYEES:
            dispatcher.utter_message(response="utter_invalid_employees")
            return {"employees": None}
        return {"employees": count}

    def _validate_amount(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if isinstance(value, str) and _has_entity(tracker, OTHER_NUMBERS):
            return {slot: None}  # "we are 40 people" is a headcount, not an amount
        amount = fields.amount_eur(value)
        if amount is None or not 0 <= amount <= MAX_AMOUNT_EUR:
            dispatcher.utter_message(response="utter_invalid_amount")
            return {slot: None}
        return {slot: round(amount, 2)}

    def validate_annual_turnover_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount in euros, 0 or more."""
        return self._validate_amount("annual_turnover_eur", value, dispatcher, tracker)

    def validate_balance_sheet_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount in euros, 0 or more."""
        return self._validate_amount("balance_sheet_eur", value, dispatcher, tracker)

    def validate_de_minimis_received_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount in euros, 0 or more."""
        return self._validate_amount("de_minimis_received_eur", value, dispatcher, tracker)

    def validate_linked_turnover_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount in euros, 0 or more."""
        return self._validate_amount("linked_turnover_eur", value, dispatcher, tracker)

    def validate_linked_balance_sheet_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount in euros, 0 or more."""
        return self._validate_amount("linked_balance_sheet_eur", value, dispatcher, tracker)

    def validate_linked_employees(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The other enterprise's staff: a whole number, 0 or more."""
        count = parse_count(value)
        if count is None or not 0 <= count <= MAX_EMPLOYEES:
            dispatcher.utter_message(response="utter_invalid_employees")
            return {"linked_employees": None}
        return {"linked_employees": count}

    def validate_ownership_links(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """One of none, partner (25-50 %) or linked (over 50 %)."""
        if value in ("none", "partner", "linked"):
            return {"ownership_links": value}
        dispatcher.utter_message(response="utter_ask_ownership_links")
        return {"ownership_links": None}

    def validate_linked_share_pct(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """25 to 50 % for a partner enterprise, over 50 % for a linked one."""
        share = fields.amount_eur(value)
        kind = tracker.get_slot("ownership_links")
        low, high = (25.0, 50.0) if kind == "partner" else (50.0, 100.0)
        if share is None or not low <= share <= high or (kind == "linked" and share == 50):
            dispatcher.utter_message(response="utter_invalid_share", low=int(low), high=int(high))
            return {"linked_share_pct": None}
        return {"linked_share_pct": share}

    def validate_year_founded(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A year from 1800 to this year; also gives months operating and closed years."""
        year = parse_count(value)
        if year is None or not 1800 <= year <= date.today().year:
            dispatcher.utter_message(response="utter_invalid_year", this_year=date.today().year)
            return {"year_founded": None}
        months, closed = fields.years_operating(year)
        return {"year_founded": year, "months_operating": months, "closed_financial_years": closed}

    def _validate_description(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        text = " ".join(value.split()) if isinstance(value, str) else ""
        if slot in OPTIONAL and text.casefold().strip(" .!") in NOTHING:
            skipped = list(tracker.get_slot("skipped_fields") or []) + [slot]
            return {slot: None, "skipped_fields": skipped}
        if 3 <= len(text) <= 500:
            return {slot: text}
        dispatcher.utter_message(response="utter_invalid_description")
        return {slot: None}

    def validate_offer_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A short description, 3 to 500 characters."""
        return self._validate_description("offer_description", value, dispatcher, tracker)

    def validate_need_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A short description, 3 to 500 characters."""
        return self._validate_description("need_description", value, dispatcher, tracker)

    def validate_partner_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """One of the partner types the directory knows."""
        key = partner_type_key(value)
        if key is None:
            dispatcher.utter_message(response="utter_invalid_partner_type")
            return {"partner_type": None}
        return {"partner_type": key}

    def validate_target_countries(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Baltic Sea Region countries other than the SME's own."""
        texts = value if isinstance(value, list) else [value]
        codes: list[str] = []
        for text in texts:
            if isinstance(text, str):
                codes += [c for c in fields.find_countries(text) if c not in codes]
        home = tracker.get_slot("country")
        valid = [c for c in codes if c != home and _in_bsr(c)]
        if not valid:
            dispatcher.utter_message(response="utter_invalid_target_countries")
            return {"target_countries": None}
        return {"target_countries": valid}


def parse_count(value: Any) -> int | None:
    """A whole number from a number or the first number in a text, else None."""
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
    return int(number) if number.is_integer() else None


def _has_entity(tracker: Tracker, kinds: tuple[str, ...]) -> bool:
    return any(
        e.get("entity") in kinds for e in (tracker.latest_message or {}).get("entities") or []
    )


def _fills_other_slots(tracker: Tracker) -> bool:
    entities = (tracker.latest_message or {}).get("entities") or []
    return len({e.get("entity") for e in entities}) >= 2


def _in_bsr(code: str) -> bool:
    country = find_country(code)
    return bool(country and country.in_bsr)


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _language(tracker: Tracker) -> str:
    return str(tracker.get_slot("language") or "en")
