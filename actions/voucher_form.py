"""The voucher form: asks exactly the facts the voucher check found missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import profile_fields as fields
from actions.countries import find_country
from actions.profile import parse_count
from actions.voucher_answers import voucher_facts


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

    def validate_vouchers_last_12_months(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A whole number from 0 to 100."""
        count = parse_count(value)
        if count is None or not 0 <= count <= 100:
            dispatcher.utter_message(response="utter_invalid_voucher_count")
            return {"vouchers_last_12_months": None}
        return {"vouchers_last_12_months": count}


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
