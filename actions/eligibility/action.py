"""The dialogue's voucher check: the profile from slots, the engine's verdict, next steps."""

from __future__ import annotations

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
    load_national_schemes,
    load_scheme,
    normalise_country,
    pick,
    vouchers_dir,
)
from actions.eligibility.sme import format_number

PROFILE_SLOTS = (
    "company_name",
    "country",
    "region",
    "employees",
    "annual_turnover_eur",
    "balance_sheet_eur",
    "months_operating",
    "closed_financial_years",
    "has_business_plan",
    "in_difficulty",
    "tax_arrears",
    "nace_code",
    "de_minimis_received_eur",
    "eligible_cost_eur",
    "provider_country",
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
}
PARTNER_SHARE_IF_UNKNOWN = 50  # the most a partner can weigh: a pass then holds at any share


def profile_from_slots(tracker: Tracker) -> CompanyProfile:
    """The company profile from whichever profile slots are set; the rest is unknown."""
    values: dict[str, Any] = {name: tracker.get_slot(name) for name in PROFILE_SLOTS}
    for name in ("country", "provider_country"):
        values[name] = _country_code(values[name])
    if not values["nace_code"]:
        values["nace_code"] = tracker.get_slot("nace_section")
    links = tracker.get_slot("ownership_links")
    if links in ("partner", "linked"):
        holding = {key: tracker.get_slot(slot) for key, slot in HOLDING_SLOTS.items()}
        if holding["share_pct"] is None:
            holding["share_pct"] = 100 if links == "linked" else PARTNER_SHARE_IF_UNKNOWN
        values[f"{links}_enterprises"] = [holding]
    return CompanyProfile.from_mapping(values)


def slot_of_fact(fact: str) -> str:
    """The slot that holds a fact: ``partner_enterprises.0.employees`` -> ``linked_employees``."""
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
        """Send the verdict, the reasons that matter, the amount and next steps."""
        language = tracker.get_slot("language") or "en"
        scheme = load_scheme(vouchers_dir())
        profile = profile_from_slots(tracker)
        result = evaluate(profile, scheme, language=language)
        askable = _askable(result, domain, tracker)
        if askable:  # ask first (voucher_form), answer in full afterwards
            dispatcher.utter_message(response="utter_voucher_asks_first")
            return [SlotSet("missing_facts", _missing(result)), SlotSet(QUESTIONS, askable)]
        dispatcher.utter_message(
            response="utter_voucher_demo_note",
            scheme_name=result.scheme_name,
            disclaimer=pick(scheme.disclaimer, language),
        )
        _send_verdict(dispatcher, result, scheme, language)
        _send_reasons(dispatcher, result)
        if result.voucher_eur is not None and profile.eligible_cost_eur is not None:
            dispatcher.utter_message(
                response="utter_voucher_amount",
                voucher_eur=format_number(result.voucher_eur),
                eligible_cost_eur=format_number(profile.eligible_cost_eur),
                own_share_eur=format_number(profile.eligible_cost_eur - result.voucher_eur),
            )
        _send_next_steps(dispatcher, profile.country, language)
        missing = _missing(result) if result.verdict == "needs_info" else None
        return [SlotSet("missing_facts", missing), SlotSet(QUESTIONS, None)]


def _missing(result: EligibilityResult) -> list[str]:
    return list(dict.fromkeys(slot_of_fact(fact) for fact in result.missing))


def _askable(result: EligibilityResult, domain: DomainDict, tracker: Tracker) -> list[str]:
    """Missing facts the voucher form can ask, unless it has just asked them."""
    if result.verdict != "needs_info" or tracker.latest_action_name == VOUCHER_FORM:
        return []
    form_slots = (domain.get("forms") or {}).get(VOUCHER_FORM, {}).get("required_slots", [])
    return [slot for slot in _missing(result) if slot in form_slots]


def _send_verdict(
    dispatcher: CollectingDispatcher, result: EligibilityResult, scheme: Scheme, language: str
) -> None:
    """One message for the verdict; on needs_info it names the missing facts."""
    if result.verdict == "needs_info":
        labels = dict.fromkeys(scheme.fact_label(name, language) for name in result.missing)
        dispatcher.utter_message(
            response="utter_voucher_needs_info",
            scheme_name=result.scheme_name,
            missing_facts="; ".join(labels),
        )
        return
    category = result.sme_category or ""
    if category:
        for size in scheme.sme.categories:
            if size.id == category:
                category = pick(size.name, language)
    dispatcher.utter_message(
        response=f"utter_voucher_{result.verdict}",
        scheme_name=result.scheme_name,
        sme_category=category,
    )


def _send_reasons(dispatcher: CollectingDispatcher, result: EligibilityResult) -> None:
    """The failed rules, then the unknown ones, at most MAX_REASONS of them."""
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


def _send_next_steps(dispatcher: CollectingDispatcher, country: str | None, language: str) -> None:
    """The SME's national schemes (real ones), then partner search."""
    schemes = load_national_schemes(vouchers_dir(), country) if country else ()
    found = find_country(country) if country else None
    country_name = found.name(language) if found else (country or "")
    for national in schemes:
        dispatcher.utter_message(
            response="utter_voucher_national_scheme",
            country_name=country_name,
            national_scheme_name=pick(national.name, language),
            national_scheme_agency=pick(national.agency, language),
            national_scheme_offers=pick(national.offers, language),
            national_scheme_url=national.url,
            national_scheme_as_of=national.as_of,
        )
    if not schemes:
        dispatcher.utter_message(
            response="utter_voucher_no_national_scheme", country_name=country_name
        )
    dispatcher.utter_message(response="utter_voucher_partner_search")
