"""The dialogue's voucher check: the profile from slots, the engine's verdict, next steps.

Before concluding it settles, in this order: answers to its own questions (a confirmed or
rejected guess, a sector picked again); a guess that alone decides a failure (asked first);
missing facts the voucher form can ask. Only then does it send the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.countries import find_country
from actions.eligibility import (
    CompanyProfile,
    EligibilityResult,
    Scheme,
    evaluate,
    load_scheme,
    normalise_country,
    pick,
    vouchers_dir,
)
from actions.eligibility.application import Situation, declarations, who_applies
from actions.eligibility.guess import (
    confirmation,
    deciding_guess,
    is_guess,
    sector_slots,
    typed_itself,
)
from actions.eligibility.nace import NaceError
from actions.eligibility.naming import Names
from actions.eligibility.national import NationalFit, national_fits
from actions.formatting import format_number

PROFILE_SLOTS = (
    "company_name",
    "country",
    "region",
    "employees",
    "annual_turnover_eur",
    "balance_sheet_eur",
    "months_operating",
    "year_founded",
    "month_founded",
    "closed_financial_years",
    "has_business_plan",
    "in_difficulty",
    "tax_arrears",
    "nace_code",
    "de_minimis_received_eur",
    "eligible_cost_eur",
    "provider_country",
    "provider_region",
    "provider_type",
    "service_type",
    "related_to_provider",
    "vouchers_last_12_months",
)
VOUCHER_FORM = "voucher_form"  # asks the missing facts it knows (data/domain/voucher.yml)
QUESTIONS = "voucher_questions"  # the missing facts voucher_form is to ask now
MAX_REASONS = 5  # failed first, then unknown; the rest is summed up in one line
# The profile form asks about one other enterprise: `ownership_links` says how it is tied
# (none, partner or linked) and these slots hold its share and figures.
HOLDING_SLOTS = {
    "share_pct": "linked_share_pct",
    "employees": "linked_employees",
    "annual_turnover_eur": "linked_turnover_eur",
    "balance_sheet_eur": "linked_balance_sheet_eur",
    "kind": "linked_kind",
    "invested_eur": "linked_invested_eur",
    "budget_eur": "linked_budget_eur",
    "inhabitants": "linked_inhabitants",
}
# Last year's own figures (Annex Art. 4(2)), asked only when the check reports them missing.
PREVIOUS_YEAR_SLOTS = {
    "employees": "previous_employees",
    "annual_turnover_eur": "previous_turnover_eur",
    "balance_sheet_eur": "previous_balance_sheet_eur",
}
PARTNER_SHARE_IF_UNKNOWN = 50  # the most a partner can weigh: a pass then holds at any share
GUESS_FACT = "guess_fact"  # the guessed fact voucher_form asks the user to confirm
GUESS_CONFIRMED = "guess_confirmed"  # the user's yes or no to that question
CONFIRMED = "confirmed_facts"  # "slot=value" of every guess the user confirmed
SECTOR_CHOICE = "sector_choice"  # the sector picked again after a rejected guess
READ_SLOTS = (
    *PROFILE_SLOTS,
    "sector",
    "nace_section",
    "s3_field",
    "ownership_links",
    *HOLDING_SLOTS.values(),
    *PREVIOUS_YEAR_SLOTS.values(),
)


def profile_from_values(slots: Mapping[str, Any]) -> CompanyProfile:
    """The company profile from whichever profile slots are set; the rest is unknown."""
    values: dict[str, Any] = {name: slots.get(name) for name in PROFILE_SLOTS}
    for name in ("country", "provider_country"):
        values[name] = _country_code(values[name])
    if not values["nace_code"]:
        values["nace_code"] = slots.get("nace_section")
    if values["year_founded"] is not None:
        # The founding date decides: the rules count the months from it (from the month
        # when it is known), so a count stated beside it cannot go stale.
        values["months_operating"] = None
    links = slots.get("ownership_links")
    if links == "none" and slots.get("linked_kind") and slots.get("linked_share_pct"):
        links = "partner"  # an investor that keeps the company autonomous: the test says why
    if links in ("partner", "linked"):
        holding = {key: slots.get(slot) for key, slot in HOLDING_SLOTS.items()}
        if holding["share_pct"] is None:
            holding["share_pct"] = 100 if links == "linked" else PARTNER_SHARE_IF_UNKNOWN
        values[f"{links}_enterprises"] = [holding]
    values["previous_year"] = {key: slots.get(slot) for key, slot in PREVIOUS_YEAR_SLOTS.items()}
    return CompanyProfile.from_mapping(values)


def slot_of_fact(fact: str) -> str:
    """The slot that holds a fact: ``partner_enterprises.0.employees`` -> ``linked_employees``.

    Last year's figures are one fact, ``previous_year``, asked in one question.
    """
    group, _, rest = fact.partition(".")
    if group in ("partner_enterprises", "linked_enterprises"):
        return HOLDING_SLOTS.get(rest.partition(".")[2], group)
    return fact


def _country_code(value: Any) -> str | None:
    """An ISO code from a code or a country name the assistant knows."""
    if not isinstance(value, str) or not value.strip():
        return None
    code = normalise_country(value)
    if code is not None:
        return code
    country = find_country(value)
    return country.code if country else value


class ActionCheckVoucherEligibility(Action):
    """Checks the profile against the demo voucher scheme and explains the verdict."""

    def name(self) -> str:
        """Check voucher eligibility."""
        return "action_check_voucher_eligibility"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask about a deciding guess or missing facts first; else send the full answer."""
        language = tracker.get_slot("language") or "en"
        scheme = load_scheme(vouchers_dir())
        check = _Check(tracker, scheme, language)
        events = check.take_answers(dispatcher)
        if check.asks:
            return events
        profile = profile_from_values(check.values)
        result = evaluate(profile, scheme, language=language)
        guess = deciding_guess(result, scheme, check.values, check.guessed_slots())
        if guess is not None:  # voucher_form asks "I understood ... Is that right?"
            asked = [SlotSet(GUESS_FACT, guess.spec.fact), SlotSet(QUESTIONS, [GUESS_CONFIRMED])]
            return [*events, *asked]
        askable = _askable(result, domain, tracker)
        if askable:  # ask first (voucher_form), answer in full afterwards
            dispatcher.utter_message(response="utter_voucher_asks_first")
            asked = [SlotSet("missing_facts", _missing(result)), SlotSet(QUESTIONS, askable)]
            return [*events, *asked]
        _send_answer(dispatcher, result, scheme, profile, check.values, language)
        missing = _missing(result) if result.verdict == "needs_info" else None
        return [*events, SlotSet("missing_facts", missing), SlotSet(QUESTIONS, None)]


class _Check:
    """One run's view of the slots, updated by the answers to the check's own questions."""

    def __init__(self, tracker: Tracker, scheme: Scheme, language: str) -> None:
        self.tracker = tracker
        self.scheme = scheme
        self.language = language
        self.values: dict[str, Any] = {name: tracker.get_slot(name) for name in READ_SLOTS}
        self.confirmed: list[str] = list(tracker.get_slot(CONFIRMED) or [])
        self.fresh: dict[str, bool] = {}  # slots set in this run: whether each is a guess
        self.asks = False

    def take_answers(self, dispatcher: CollectingDispatcher) -> list[EventType]:
        """Apply a yes or no to a guess and a sector picked again; the events that record it."""
        events: list[EventType] = []
        fact = self.tracker.get_slot(GUESS_FACT)
        spec = next((g for g in self.scheme.guesses if g.fact == fact), None)
        answer = self.tracker.get_slot(GUESS_CONFIRMED)
        if spec is not None and answer is True:
            slot = next((s for s in spec.slots if self.values.get(s)), None)
            if slot:
                self.confirmed.append(confirmation(slot, self.values[slot]))
                events.append(SlotSet(CONFIRMED, self.confirmed))
        elif spec is not None and answer is False:
            for slot in spec.clear:
                self.values[slot] = None
                events.append(SlotSet(slot, None))
            if spec.ask_again:
                self.asks = True
                events.append(SlotSet(QUESTIONS, [spec.ask_again]))
        if fact is not None or answer is not None:
            events += [SlotSet(GUESS_FACT, None), SlotSet(GUESS_CONFIRMED, None)]
        choice = self.tracker.get_slot(SECTOR_CHOICE)
        if choice is not None and not self.asks:
            events += self._take_sector(choice, dispatcher)
        return events

    def _take_sector(self, choice: Any, dispatcher: CollectingDispatcher) -> list[EventType]:
        """The sector slots from the pick-list answer; a button or a typed code is not a
        guess, and a code that does not exist is said so and asked again."""
        events: list[EventType] = [SlotSet(SECTOR_CHOICE, None)]
        try:
            slots = sector_slots(choice, vouchers_dir().parent, self.language)
        except NaceError as error:
            reason = Names(self.scheme.data_dir).nace_error(error, self.language)
            dispatcher.utter_message(response="utter_invalid_nace_code", reason=reason)
            self.asks = True
            return [*events, SlotSet(QUESTIONS, [SECTOR_CHOICE])]
        if slots is None:
            return events
        text = str((self.tracker.latest_message or {}).get("text") or "")
        nace = slots["nace_code"]
        for slot, value in slots.items():
            self.values[slot] = value
            events.append(SlotSet(slot, value))
        for slot in ("nace_code", "nace_section"):
            value = slots[slot]
            self.fresh[slot] = (
                bool(value) and not text.startswith("/") and not typed_itself(value, text)
            )
        if nace and text.startswith("/"):
            self.confirmed.append(confirmation("nace_code", nace))
            events.append(SlotSet(CONFIRMED, self.confirmed))
        return events

    def guessed_slots(self) -> list[str]:
        """The guess-sensitive slots whose current value the user never confirmed."""
        found = []
        for spec in self.scheme.guesses:
            for slot in spec.slots:
                value = self.values.get(slot)
                if not value or confirmation(slot, value) in self.confirmed:
                    continue
                guess = self.fresh.get(slot)
                if guess is None:
                    guess = is_guess(self.tracker.events, slot, value)
                if guess:
                    found.append(slot)
        return found


def _missing(result: EligibilityResult) -> list[str]:
    return list(dict.fromkeys(slot_of_fact(fact) for fact in result.missing))


def _askable(result: EligibilityResult, domain: DomainDict, tracker: Tracker) -> list[str]:
    """Missing facts the voucher form can ask, except those it has just asked."""
    if result.verdict != "needs_info":
        return []
    after_form = tracker.latest_action_name == VOUCHER_FORM
    just_asked = set(tracker.get_slot(QUESTIONS) or []) if after_form else set()
    form_slots = (domain.get("forms") or {}).get(VOUCHER_FORM, {}).get("required_slots", [])
    return [slot for slot in _missing(result) if slot in form_slots and slot not in just_asked]


def _send_answer(
    dispatcher: CollectingDispatcher,
    result: EligibilityResult,
    scheme: Scheme,
    profile: CompanyProfile,
    values: Mapping[str, Any],
    language: str,
) -> None:
    """The verdict with its size class, the reasons, the amount, the demo note, next steps.

    `profile` is what `result` was evaluated on; `values` are the slots it was built from.
    """
    labels = dict.fromkeys(scheme.fact_label(name, language) for name in result.missing)
    dispatcher.utter_message(
        response=f"utter_voucher_{result.verdict}",
        scheme_name=result.scheme_name,
        size_class=result.size_class,
        missing_facts="; ".join(labels),
    )
    _send_reasons(dispatcher, result)
    if result.verdict == "eligible" and result.voucher_eur is not None:
        cost = profile.eligible_cost_eur
        if cost is not None:
            dispatcher.utter_message(
                response="utter_voucher_amount",
                voucher_eur=format_number(result.voucher_eur, language),
                eligible_cost_eur=format_number(cost, language),
                own_share_eur=format_number(cost - result.voucher_eur, language),
            )
    dispatcher.utter_message(
        response="utter_voucher_demo_note",
        scheme_name=result.scheme_name,
        disclaimer=pick(scheme.disclaimer, language),
        who_applies=who_applies(scheme, language),
    )
    fits = national_fits(profile, scheme, language)
    _send_declarations(dispatcher, result, scheme, Situation(values, bool(fits)), language)
    _send_national(dispatcher, profile, fits, language)
    dispatcher.utter_message(response="utter_voucher_partner_search")


def _send_declarations(
    dispatcher: CollectingDispatcher,
    result: EligibilityResult,
    scheme: Scheme,
    situation: Situation,
    language: str,
) -> None:
    """What the application will declare or attach, those that matter here, as a short list."""
    found = declarations(scheme, result.verdict, situation, language)
    if found:
        dispatcher.utter_message(
            response="utter_voucher_declarations",
            declarations="\n".join(f"• {item}" for item in found),
        )


def _send_national(
    dispatcher: CollectingDispatcher,
    profile: CompanyProfile,
    fits: list[NationalFit],
    language: str,
) -> None:
    """The real national schemes whose basic conditions fit, each with why; else why none."""
    country = profile.country
    found = find_country(country) if country else None
    country_name = found.name(language) if found else (country or "")
    fitting = [fit for fit in fits if fit.fits]
    for fit in fitting:
        dispatcher.utter_message(
            response="utter_voucher_national_scheme",
            country_name=country_name,
            fit_reasons=fit.why,
            **_scheme_values(fit, language),
        )
    if fits and not fitting:
        dispatcher.utter_message(
            response="utter_voucher_no_fitting_national_scheme",
            country_name=country_name,
            not_fitting="; ".join(f"{pick(fit.scheme.name, language)}: {fit.why}" for fit in fits),
        )
    if not fits:
        dispatcher.utter_message(
            response="utter_voucher_no_national_scheme", country_name=country_name
        )


def _scheme_values(fit: NationalFit, language: str) -> dict[str, str]:
    national = fit.scheme
    return {
        "national_scheme_name": pick(national.name, language),
        "national_scheme_agency": pick(national.agency, language),
        "national_scheme_offers": pick(national.offers, language),
        "national_scheme_url": national.url,
        "national_scheme_as_of": national.as_of,
    }


def _send_reasons(dispatcher: CollectingDispatcher, result: EligibilityResult) -> None:
    """The failed rules, then the unknown ones (at most MAX_REASONS), then the passed ones."""
    mattering = [*result.failed, *result.unknown]
    for rule in mattering[:MAX_REASONS]:
        dispatcher.utter_message(
            response=f"utter_voucher_rule_{'failed' if rule.status == 'fail' else 'unknown'}",
            rule_id=rule.id,
            rule_title=rule.title,
            reason=rule.reason,
        )
    if len(mattering) > MAX_REASONS:
        dispatcher.utter_message(
            response="utter_voucher_more_reasons", count=len(mattering) - MAX_REASONS
        )
    if result.passed_checks:
        dispatcher.utter_message(
            response="utter_voucher_rules_passed",
            rules="; ".join(f"{r.id} {r.title}" for r in result.passed_checks),
        )
