"""The company profile form: what to ask next, reading several facts from one sentence, and
checking each answer with a reason the SME can act on."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import nlu
from actions import profile_fields as fields
from actions.answers import (
    is_no_answer,
    means_none,
    name_answer,
    names_home,
    owner_kind,
    rejected_places,
    renames_company,
    replaces_earlier,
    says_independent,
    sought_partner_type,
    stated_goal,
    switches_goal,
)
from actions.countries import find_country
from actions.founding import founding_date
from actions.profile_actions import PROFILE_SLOTS
from actions.profile_holding import (
    CONDITION_SLOTS,
    FIGURE_SLOTS,
    keeps_company_autonomous,
    owner_kinds,
    unneeded_questions,
)
from actions.profile_labels import partner_type_key
from actions.voucher_answers import voucher_facts

MAX_EMPLOYEES = 1_000_000
MAX_INHABITANTS = 100_000_000
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
    "linked_kind",
    "linked_invested_eur",
    "linked_budget_eur",
    "linked_inhabitants",
    "linked_employees",
    "linked_turnover_eur",
    "linked_balance_sheet_eur",
)
FREE_TEXT_ANSWERS = ("company_name", "offer_description", "need_description")
ABOUT_PARTNERS = ("need_description", "partner_type", "target_countries")
ABOUT_OTHER_ENTERPRISE = ("ownership_links", *LINKED_DETAILS)
# The SME's own facts: a message about another organisation never changes them.
OWN_FACTS = (
    "company_name",
    "country",
    "region",
    "sector",
    "employees",
    "annual_turnover_eur",
    "balance_sheet_eur",
    "year_founded",
)
# Facts about the company and its partners (not the form's bookkeeping such as skipped_fields).
FACT_SLOTS = frozenset(PROFILE_SLOTS) - {"skipped_fields"}
GOAL_OF_INTENT = {"check_voucher": "voucher", "find_partners": "partners"}
NOTHING = ("none", "nothing", "no", "n/a", "na", "-", "nope", "not really")
OTHER_NUMBERS = ("headcount", "year", "duration")


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
        """Ask ownership details only for partner or linked firms; never ask skipped fields.

        When the SME's latest message was about its owner, subsidiary or investor, the
        questions about that enterprise come next, while the SME is on that topic. A question
        still unanswered (after "why do you ask?") is asked again before any other.
        """
        skipped = set(tracker.get_slot("skipped_fields") or [])
        skipped |= unneeded_questions(tracker.slots)  # who the owner is decides what matters
        linked = tracker.get_slot("ownership_links") in ("partner", "linked")
        slots = [
            slot
            for slot in domain_slots
            if slot not in skipped and (linked or slot not in LINKED_DETAILS)
        ]
        entities = (tracker.latest_message or {}).get("entities") or []
        requested = tracker.get_slot("requested_slot")
        language = _language(tracker)
        corrects_owner = replaces_earlier(tracker.latest_message, language) and owner_kind(
            tracker.latest_message, language
        )
        if corrects_owner or any(e.get("role") in fields.OTHER_ORGANISATIONS for e in entities):
            slots.sort(key=lambda slot: slot not in LINKED_DETAILS)
        elif requested in slots and tracker.get_slot(requested) is None:
            slots.sort(key=lambda slot: slot != requested)  # after a question: the same again
        return slots

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Read what the SME's message answers, then the usual extract-validate.

        Before validation: a "skip"; the figures of an owner, subsidiary or investor (entity
        roles) go to the `linked_*` slots; a typed name is only the part of the sentence
        that names. After extraction, candidates that the message does not really give are
        dropped, so no validation error is said about them (see `_drop_non_answers`).
        """
        if tracker.latest_action_name != "action_listen":  # activation or a resumed form
            return await self._validate(dispatcher, tracker, domain, dict(tracker.slots))
        before = _slots_before_message(tracker)
        skip = self._skip(dispatcher, tracker)
        if skip:
            tracker.add_slots(skip)
            if skip[0]["name"] != "skipped_fields" and skip[0]["value"] is None:  # asked again
                next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
                return skip + ([next_slot] if next_slot else [])
            return skip + await self._validate(dispatcher, tracker, domain, before)
        requested = tracker.get_slot("requested_slot")
        about_it = requested in ABOUT_OTHER_ENTERPRISE and requested not in CONDITION_SLOTS
        facts = fields.other_organisation_facts(tracker.latest_message, answering_about_it=about_it)
        if says_independent(tracker.latest_message, _language(tracker)):
            stale = [name for name in LINKED_DETAILS if tracker.get_slot(name) is not None]
            facts = {"ownership_links": "none", **dict.fromkeys(stale)}  # no owner after all
        facts.update(_owner_corrected(tracker))
        # After a verdict, facts about the voucher service that are not known yet are kept
        # too, and the check runs again (data/rules.yml).
        if tracker.get_slot("profile_saved"):
            for name, value in voucher_facts(tracker.latest_message, _language(tracker)).items():
                if tracker.get_slot(name) is None:
                    facts[name] = value
        facts.update(self._typed_answer(tracker))
        pre = [SlotSet(name, value) for name, value in facts.items()]
        tracker.add_slots(pre)
        text = (tracker.latest_message.get("text") or "").strip()
        no_name = requested == "company_name" and "company_name" not in facts
        if no_name and tracker.get_slot("company_name") == text:  # the whole text is no name
            _drop_candidates(tracker, ("company_name",))
        validated = await self._validate(dispatcher, tracker, domain, before)
        kept = [e for e in pre if tracker.slots.get(e["name"]) == e["value"]]  # not dropped
        return kept + validated + _autonomous_owner(tracker, kept + validated)

    async def _validate(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        before: dict[str, Any],
    ) -> list[EventType]:
        extraction = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extraction)
        if tracker.latest_action_name == "action_listen":
            _drop_non_answers(tracker, before)
        events = await self._extract_validation_events(dispatcher, tracker, domain)
        return events + _bookkeeping(tracker, before, events)

    def _typed_answer(self, tracker: Tracker) -> dict[str, str]:
        """A typed name or description answers its question, whatever intent the NLU saw.

        Descriptions often sound like requests ("we look for food companies"): the whole text
        is the answer. A name is only the part of the sentence that names (`name_answer`).
        """
        requested = tracker.get_slot("requested_slot")
        text = (tracker.latest_message.get("text") or "").strip()
        if requested not in FREE_TEXT_ANSWERS or not text or text.startswith("/"):
            return {}
        if requested == "company_name":
            name = name_answer(tracker.latest_message, _language(tracker))
            return {"company_name": name} if name else {}
        return {requested: text}

    def _skip(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent != "skip" or not requested or tracker.latest_action_name != "action_listen":
            return []
        text = str(tracker.latest_message.get("text") or "")
        if requested.endswith("_eur") and means_none(text, _language(tracker)):
            return [SlotSet(requested, 0.0)]  # "none that I know of" to an amount is 0
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
        """The home country, from a country or a region named without a role (entities with
        the roles `target` or `partner` say where partners are sought).

        Once the country is known, only a country named outright as home changes it ("we are
        in Latvia", "actually Latvia"): other places are often where partners should be, and
        a region of another country is a wrong region, not a move.
        """
        message = tracker.latest_message
        requested = tracker.get_slot("requested_slot")
        if requested in ABOUT_PARTNERS:
            return {}  # countries in these answers are where partners should be
        # Known: only a country named as home ("we are based in Latvia") changes it.
        named_home = fields.named_countries(message) and names_home(message, _language(tracker))
        if tracker.get_slot("country") and requested != "country" and not named_home:
            return {}
        own = next(iter(fields.place_countries(message)), None)
        return {"country": own} if own else {}

    def extract_region(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The home region, when one is named without a role."""
        if tracker.get_slot("requested_slot") in ABOUT_PARTNERS:
            return {}  # places in these answers are where partners should be
        region = fields.own_region(tracker.latest_message)
        return {"region": region} if region else {}

    def extract_target_countries(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Countries where partners are sought, other than the home country: places with the
        roles `target`, `partner` or `provider`; and places without a role in an answer about
        partners, or once the home country is known and the message does not name it as home.

        Countries named later are added to the ones known, unless the message replaces them
        ("make that Poland instead", "on second thought ...").
        """
        message = tracker.latest_message
        language = _language(tracker)
        home = tracker.get_slot("country")
        roles: tuple[str | None, ...] = fields.SOUGHT
        about_other = tracker.get_slot("requested_slot") in ABOUT_OTHER_ENTERPRISE or any(
            e.get("role") in fields.OTHER_ORGANISATIONS for e in message.get("entities") or []
        )  # "a norwegian group owns 40 % of us": the owner's place, not a target
        if tracker.get_slot("requested_slot") in ABOUT_PARTNERS or (
            home and not about_other and not names_home(message, language)
        ):
            roles = (None, *fields.SOUGHT)
        ruled_out = rejected_places(message, language)
        targets = [
            code
            for code in fields.place_countries(message, roles)
            if code != home and code not in ruled_out
        ]
        if not targets:
            return {}
        known = list(tracker.get_slot("target_countries") or [])
        if known and not replaces_earlier(message, language):
            targets = known + [code for code in targets if code not in known]
        return {"target_countries": targets}

    def extract_partner_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The kind of partner sought (`sought_partner_type`): a partner type with the role
        `partner`, `target` or `provider`, or without a role in an answer about partners."""
        if _names_owner(tracker):
            return {}  # "the municipality holds 40 %" is no partner sought
        about = tracker.get_slot("requested_slot") in ABOUT_PARTNERS
        kind = sought_partner_type(tracker.latest_message, _language(tracker), about_partners=about)
        return {"partner_type": kind} if kind else {}

    def extract_need_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """What the SME seeks, from the words after "looking for"."""
        if tracker.get_slot("requested_slot") == "need_description" or _names_owner(tracker):
            return {}  # the whole answer is taken by the from_text mapping, or is no need
        need = fields.need_text(tracker.latest_message) or self._sought_in_message(tracker)
        return {"need_description": need} if need else {}

    def _sought_in_message(self, tracker: Tracker) -> str | None:
        """A message naming the kind of partner sought ("a research institute in Finland to
        test a low-salt recipe") describes the need, when the need is not known yet."""
        if tracker.get_slot("need_description") or tracker.get_slot("requested_slot") in (
            FREE_TEXT_ANSWERS
        ):
            return None
        if not sought_partner_type(tracker.latest_message, _language(tracker)):
            return None
        text = " ".join(str(tracker.latest_message.get("text") or "").split())
        return text[:500] if len(text) >= 8 else None

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

    def extract_linked_invested_eur(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount next to "invested" or "put in" ("a business angel who put in 300k"), said
        of a business angel or in answer to the question."""
        if self._owner_is(tracker, "business_angel", "linked_invested_eur"):
            return self._money("linked_invested_eur", tracker)
        return {}

    def extract_linked_budget_eur(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount next to "budget", said of a municipality or in answer to the question."""
        if self._owner_is(tracker, "local_authority", "linked_budget_eur"):
            return self._money("linked_budget_eur", tracker)
        return {}

    def _owner_is(self, tracker: Tracker, kind: str, slot: str) -> bool:
        """Whether the owner is of `kind` (known, or named in the message), or `slot` is asked."""
        if tracker.get_slot("requested_slot") == slot or tracker.get_slot("linked_kind") == kind:
            return True
        return owner_kind(tracker.latest_message, _language(tracker)) == kind

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
        name = " ".join(value.split()).strip(" ,;:-") if isinstance(value, str) else ""
        if name.endswith(".") and "." not in name[:-1]:  # a sentence's full stop, not "o.o."
            name = name[:-1]
        name = name.lstrip(".")
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
        figures = _has_entity(tracker, ("money", "headcount", "year", "duration"))
        words = sum(ch.isalpha() for ch in label) >= 3 and not is_no_answer(label)
        if 2 <= len(label) <= 100 and words and not figures:
            return {"sector": label}
        dispatcher.utter_message(response="utter_invalid_sector")
        return {"sector": None}

    def validate_employees(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A whole number of people between 1 and 1,000,000; a total the SME states wins over
        the parts it adds up ("40 devs + 5 admin so 45")."""
        text = str(tracker.latest_message.get("text") or "")
        totals = [r for r in nlu.find_numbers(text) if r.total and r.value.is_integer()]
        count = int(totals[-1].value) if totals else parse_count(value)
        if count is None or not 1 <= count <= MAX_EMPLOYEES:
            dispatcher.utter_message(response="utter_invalid_employees")
            return {"employees": None}
        return {"employees": count}

    def _validate_amount(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if isinstance(value, str) and _has_entity(tracker, OTHER_NUMBERS):
            return {slot: None}  # "we are 40 people" is a headcount, not an amount
        if isinstance(value, str) and means_none(value, _language(tracker)):
            if slot in ("balance_sheet_eur", "linked_balance_sheet_eur"):  # not known: skip
                skipped = list(tracker.get_slot("skipped_fields") or []) + [slot]
                return {slot: None, "skipped_fields": skipped}
            return {slot: 0.0}  # "we had none"
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

    def validate_linked_kind(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An owner kind of the SME definition, or the words of one ("the city of Tartu")."""
        if value not in owner_kinds() and isinstance(value, str):
            value = owner_kind({"text": value}, _language(tracker))
        if value in owner_kinds():
            return {"linked_kind": value}
        dispatcher.utter_message(response="utter_invalid_linked_kind")
        return {"linked_kind": None}

    def validate_linked_invested_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount in euros, 0 or more."""
        return self._validate_amount("linked_invested_eur", value, dispatcher, tracker)

    def validate_linked_budget_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An amount in euros, 0 or more."""
        return self._validate_amount("linked_budget_eur", value, dispatcher, tracker)

    def validate_linked_inhabitants(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A whole number of inhabitants, 0 or more."""
        count = parse_count(value)
        if count is None or not 0 <= count <= MAX_INHABITANTS:
            dispatcher.utter_message(response="utter_invalid_inhabitants")
            return {"linked_inhabitants": None}
        return {"linked_inhabitants": count}

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
        """A year from 1800 to this year, and the month when given ("March 2025", "2025-03");
        also gives the closed financial years. Months of operation are not kept: the check
        counts them from the founding date itself (`operating_months`)."""
        found = founding_date(value, tracker.latest_message)
        year, month = found if found else (parse_count(value), None)
        today = date.today()
        if (
            year is None
            or not 1800 <= year <= today.year
            or (year, month or 1) > (today.year, today.month)
        ):
            dispatcher.utter_message(response="utter_invalid_year", this_year=today.year)
            return {"year_founded": None}
        return {
            "year_founded": year,
            "month_founded": month,
            "closed_financial_years": fields.closed_years(year, today),
        }

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
        if isinstance(value, str) and means_none(value, _language(tracker), "no_preference"):
            skipped = list(tracker.get_slot("skipped_fields") or []) + ["target_countries"]
            return {"target_countries": None, "skipped_fields": skipped}  # no preference
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
    """A whole number from a slot value: a number, or a typed answer read by the NLU's
    rules (`nlu.parse_count`: "1.200" and "1 200" are 1200, "12-15" is 15, a stated total
    wins in "40 devs + 5 admin so 45"), so the form and the entities agree; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else None
    return nlu.parse_count(value) if isinstance(value, str) else None


def _autonomous_owner(tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """An owner that keeps the company autonomous (Annex Art. 3(2)) is no ownership link:
    `ownership_links` becomes none and its figures, which never count, are not kept. Who it
    is and its share stay, so the verdict can say why."""
    slots = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    if not keeps_company_autonomous(slots):
        return []
    figures = [SlotSet(name, None) for name in FIGURE_SLOTS if slots.get(name) is not None]
    return [SlotSet("ownership_links", "none"), *figures]


def _owner_corrected(tracker: Tracker) -> dict[str, Any]:
    """A corrected owner kind said later ("sorry, it's a business angel, not a fund")."""
    language = _language(tracker)
    links, known = tracker.get_slot("ownership_links"), tracker.get_slot("linked_kind")
    if known is None or not replaces_earlier(tracker.latest_message, language):
        return {}
    kind = owner_kind(tracker.latest_message, language)
    if not kind or kind == known:
        return {}
    # An investor read as keeping the company autonomous is a partner holding again until
    # the new kind's conditions say otherwise (`_autonomous_owner`).
    return {"linked_kind": kind, "ownership_links": "partner" if links == "none" else links}


def _names_owner(tracker: Tracker) -> bool:
    """Whether the message answers a question about the owner and says who it is."""
    if tracker.get_slot("requested_slot") not in ABOUT_OTHER_ENTERPRISE:
        return False
    return owner_kind(tracker.latest_message, _language(tracker)) is not None


def _has_entity(tracker: Tracker, kinds: tuple[str, ...]) -> bool:
    return any(
        e.get("entity") in kinds for e in (tracker.latest_message or {}).get("entities") or []
    )


def _candidates_start(events: list[dict[str, Any]]) -> int:
    """Where the trailing `slot` events (this message's slot candidates) begin."""
    start = len(events)
    while start > 0 and events[start - 1].get("event") == "slot":
        start -= 1
    return start


def _slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for event in events:
        if event.get("event") == "slot":
            values[event["name"]] = event.get("value")
    return values


def _slots_before_message(tracker: Tracker) -> dict[str, Any]:
    """The slots as they were before this message's candidates."""
    return _slot_values(tracker.events[: _candidates_start(tracker.events)])


def _drop_candidates(tracker: Tracker, names: tuple[str, ...] | set[str]) -> None:
    """Withdraw slot candidates, so they are neither validated nor set."""
    start = _candidates_start(tracker.events)
    dropped = {e["name"] for e in tracker.events[start:]} & set(names)
    if not dropped:
        return
    tracker.events[start:] = [e for e in tracker.events[start:] if e["name"] not in dropped]
    before = _slot_values(tracker.events[:start])
    for name in dropped:
        tracker.slots[name] = before.get(name)


def _drop_non_answers(tracker: Tracker, before: dict[str, Any]) -> None:
    """Drop the candidates a message does not really give.

    - Asked about an owner, a subsidiary or an investor, the SME describes that enterprise:
      its own facts stay as they are.
    - The whole text as the answer to a question that wants a country, an amount or a number
      is no answer when the message gave other facts ("turnover is 2 M" asked for the
      country): those are kept and the question is asked again, with no error message.
    - Words in a free-text answer (a description) do not overwrite facts already known.
    - A known company name changes only when the message gives it as the company's name.
    """
    requested = str(before.get("requested_slot"))
    if requested in ABOUT_OTHER_ENTERPRISE:
        _drop_candidates(tracker, OWN_FACTS)
    # A name found in passing (a person, a partner) does not rename the company.
    renamed = renames_company(tracker.latest_message, _language(tracker))
    if before.get("company_name") and requested != "company_name" and not renamed:
        _drop_candidates(tracker, ("company_name",))
    start = _candidates_start(tracker.events)
    candidates = _slot_values(tracker.events[start:])
    others = {
        name
        for name, value in candidates.items()
        if name != requested and value is not None and value != before.get(name)
    }
    text = (tracker.latest_message.get("text") or "").strip()
    if requested not in FREE_TEXT_ANSWERS and candidates.get(requested) == text and others:
        _drop_candidates(tracker, (requested,))
    if requested in FREE_TEXT_ANSWERS:
        known = {n for n in others if n in FACT_SLOTS and before.get(n) is not None}
        _drop_candidates(tracker, known)


def _bookkeeping(
    tracker: Tracker, before: dict[str, Any], events: list[EventType]
) -> list[EventType]:
    """A running form is not paused; a changed profile needs confirming again; a goal
    asked for in the middle of the form in plain words ("let's check the voucher first") or
    with words that change it ("forget the voucher, we need a partner in Poland") becomes the
    goal, while words that only describe a partner ("a test facility") do not."""
    out: list[EventType] = []
    if tracker.get_slot("profile_paused"):
        out.append(SlotSet("profile_paused", False))
    changed = any(
        e.get("event") == "slot"
        and e.get("name") in PROFILE_SLOTS
        and e.get("value") is not None
        and e.get("value") != before.get(e["name"])
        for e in events
    )
    if changed and tracker.get_slot("profile_saved"):
        out.append(SlotSet("profile_saved", False))
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    goal = GOAL_OF_INTENT.get(str(intent))
    plain_request = not tracker.latest_message.get("entities") and not changed
    switch = plain_request or switches_goal(tracker.latest_message, _language(tracker))
    if goal and switch and goal != tracker.get_slot("journey_goal"):
        out.append(SlotSet("journey_goal", goal))
    elif not tracker.get_slot("journey_goal"):
        named = stated_goal(tracker.latest_message, _language(tracker))
        if named:
            out.append(SlotSet("journey_goal", named))
    return out


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
