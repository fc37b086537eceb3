"""The voucher form: asks exactly the facts the voucher check found missing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import profile_fields as fields
from actions.answers import phrase_at
from actions.countries import find_country
from actions.eligibility import load_scheme, vouchers_dir
from actions.founding import month_answer
from actions.previous_year import previous_year_figures
from actions.profile import parse_count
from actions.voucher_answers import voucher_facts
from nlu.entities.text import fold


class ValidateVoucherForm(FormValidationAction):
    """Owns which voucher facts to ask (the missing ones) and their checks."""

    def name(self) -> str:
        """The validation action of `voucher_form`."""
        return "validate_voucher_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Take every voucher fact the message states, then the usual extract-validate.

        Only facts the check still asks for are taken; each is validated like a typed answer.
        """
        events: list[EventType] = []
        if tracker.latest_action_name == "action_listen":
            wanted = set(tracker.get_slot("voucher_questions") or [])
            language = str(tracker.get_slot("language") or "en")
            facts = voucher_facts(tracker.latest_message, language)
            events = [SlotSet(name, value) for name, value in facts.items() if name in wanted]
            tracker.add_slots(events)
        return events + await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Only the facts the last check wants asked, in the form's order."""
        missing = set(tracker.get_slot("voucher_questions") or [])
        return [slot for slot in domain_slots if slot in missing]

    def validate_eligible_cost_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount in euros above zero."""
        amount = fields.amount_eur(value)
        if amount is None or not 0 < amount <= 1e9:
            dispatcher.utter_message(response="utter_invalid_cost")
            return {"eligible_cost_eur": None}
        return {"eligible_cost_eur": round(amount, 2)}

    def validate_provider_country(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A known country, as its ISO code (the check says whether it is allowed)."""
        country = find_country(value) if isinstance(value, str) else None
        if country is None:
            dispatcher.utter_message(response="utter_invalid_provider_country")
            return {"provider_country": None}
        return {"provider_country": country.code}

    def validate_provider_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A German federal state: a region the assistant knows ("Hamburg" -> DE600) or a Land
        that does not take part ("Bavaria"); other words are asked again."""
        if isinstance(value, dict):  # the NLU's region entity: {"code": "DE600", ...}
            value = value.get("code")
        text = " ".join(value.split()) if isinstance(value, str) else ""
        region = german_land(text, load_scheme(vouchers_dir()).rule("V9").params)
        if region is None:
            dispatcher.utter_message(response="utter_invalid_provider_region")
            return {"provider_region": None}
        return {"provider_region": region}

    def validate_month_founded(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A month (1-12), not after this month; a year given with it ("March 2024")
        corrects the founding year and so the closed financial years."""
        answer = month_answer(value)
        year = (answer[0] if answer else None) or parse_count(tracker.get_slot("year_founded"))
        today = date.today()
        if answer is None or year is None or (year, answer[1]) > (today.year, today.month):
            dispatcher.utter_message(response="utter_invalid_month_founded")
            return {"month_founded": None}
        month = answer[1]
        return {
            "month_founded": month,
            "year_founded": year,
            "closed_financial_years": fields.closed_years(year, today),
        }

    def validate_previous_year(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Last year's headcount, turnover and balance sheet, as many as the answer states;
        an answer to other questions only is no answer to this one (asked again, silently)."""
        language = str(tracker.get_slot("language") or "en")
        other = bool(voucher_facts(tracker.latest_message, language))
        figures = previous_year_figures(
            tracker.latest_message, other, this_year=tracker.slots, language=language
        )
        if not figures and not other:
            dispatcher.utter_message(response="utter_invalid_previous_year")
        return {"previous_year": True, **figures} if figures else {"previous_year": None}

    def validate_vouchers_last_12_months(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A whole number from 0 to 100, of this scheme's vouchers: the sentence's own reading
        wins, so "1 national voucher" is 0 of this scheme."""
        stated = voucher_facts(tracker.latest_message, str(tracker.get_slot("language") or "en"))
        if "vouchers_last_12_months" in stated:
            value = stated["vouchers_last_12_months"]
        count = parse_count(value)
        if count is None or not 0 <= count <= 100:
            dispatcher.utter_message(response="utter_invalid_voucher_count")
            return {"vouchers_last_12_months": None}
        return {"vouchers_last_12_months": count}


def german_land(text: str, params: dict[str, Any]) -> str | None:
    """The Land an answer names: a region code when the assistant knows it, a non-taking-part
    Land as typed; None for other words ("number two please")."""
    if not text or len(text) > 60:
        return None
    code = fields.find_region(text) or fields.find_region(text.strip(" .!?").split(",")[0])
    if code is not None:
        return code
    wanted = fold(text.strip(" .!?"))
    for regions in params.get("regions", {}).values():  # "probably Hamburg, ..."
        for iso, spec in regions.items():
            if any(phrase_at(wanted, fold(str(name))) is not None for name in spec["names"]):
                return str(iso)
    for names in params.get("other_regions", {}).values():
        for name in names:
            if phrase_at(wanted, fold(str(name))) is not None:
                return str(name).title()
    return None


def _accepting(slot: str, accept: Callable[[Any], bool], doc: str):  # type: ignore[no-untyped-def]
    """A `validate_<slot>` method keeping values that `accept` allows, else None (ask again)."""

    def validate(
        self: ValidateVoucherForm,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {slot: value if accept(value) else None}

    validate.__doc__ = doc
    return validate


for _slot in ("has_business_plan", "in_difficulty", "tax_arrears", "related_to_provider"):
    setattr(
        ValidateVoucherForm,
        f"validate_{_slot}",
        _accepting(_slot, lambda v: isinstance(v, bool), f"A yes or no for {_slot}."),
    )

for _slot in ("service_type", "provider_type"):  # keys sent by the form's buttons
    setattr(
        ValidateVoucherForm,
        f"validate_{_slot}",
        _accepting(
            _slot,
            lambda v: isinstance(v, str) and v.isidentifier(),
            f"A key from the buttons for {_slot}.",
        ),
    )
