"""The dialogue's partner matching: suggestions, more of them, introductions, self-listing."""

from __future__ import annotations

import hashlib
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.engine import Engine

from actions import store
from actions.countries import find_country
from actions.matching import text
from actions.matching.matcher import Suggestion, partnership_types_for, suggest_partners
from actions.matching.need import PartnerNeed, as_list, need_from_values
from actions.matching.rules import MatchingRules, load_rules
from actions.profile_actions import summary_labels
from bot.storage import session
from bot.storage.crud_partners import (
    create_introduction_request,
    get_organisation_by_ref,
    upsert_organisations,
)
from bot.storage.models_partners import OrganisationCreate

PAGE = 3
#: The company facts an introduction passes on, besides the contact person (stored with it).
SHARED_SLOTS = ("company_name", "country", "offer_description", "need_description")
MAX_SHOWN = 30  # "show more" stops after this many suggestions
#: The reasons a chat message names (the direction is the same for all; demo has its mark).
CHAT_REASONS = frozenset(
    {"keywords", "s3_same", "s3_complementary", "partnership", "target_country", "country"}
)


def directory() -> Engine:
    """The actions' database: the agent's own in-process, else `DATABASE_URL`."""
    return store.engine()


def _country_code(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    country = find_country(value)
    return country.code if country else None


def need_from_tracker(tracker: Tracker, rules: MatchingRules) -> PartnerNeed | None:
    """The SME's need from whichever slots exist; None when it lacks a country."""
    slot = tracker.get_slot
    fields = [*as_list(slot("s3_fields")), *as_list(slot("s3_field")), *as_list(slot("sector"))]
    values = {
        "country": slot("country"),
        "region": slot("region"),
        "s3_fields": fields,
        "need_type": slot("need_type"),
        "need_description": slot("need_description"),
        "partner_types": [*as_list(slot("partner_types")), *as_list(slot("partner_type"))],
        "target_countries": slot("target_countries"),
        "partnership_types": [
            *as_list(slot("partnership_types")),
            *as_list(slot("partnership_type")),
        ],
        "stage": slot("stage"),
    }
    need = need_from_values(values, rules, _country_code, infer=True)
    return need if need is not None and need.country else None


def _send(
    dispatcher: CollectingDispatcher,
    suggestions: list[Suggestion],
    first_rank: int,
    language: str,
) -> None:
    """One message per suggestion, then the demo note and the next step."""
    for rank, suggestion in enumerate(suggestions, start=first_rank):
        country = find_country(suggestion.country)
        dispatcher.utter_message(
            response="utter_partner_suggestion",
            rank=rank,
            partner_name=suggestion.name,
            partner_ref=suggestion.ref,
            partner_title=suggestion.title,
            country_name=country.name(language) if country else suggestion.country,
            score_percent=round(suggestion.score * 100),
            reasons=" ".join(
                sentence
                for code, sentence in zip(suggestion.reason_codes, suggestion.reasons, strict=True)
                if code in CHAT_REASONS
            ),
            demo_mark=" (demo)" if suggestion.is_demo and "(demo)" not in suggestion.name else "",
        )
    if any(s.is_demo for s in suggestions):
        dispatcher.utter_message(response="utter_partner_demo_note")
    dispatcher.utter_message(response="utter_partner_next_step")


def _say_how_well(
    dispatcher: CollectingDispatcher, need: PartnerNeed, found: list[Suggestion], language: str
) -> None:
    """Before the list: few or no partners fit in the target countries, or none fits at all."""
    if found[0].weak:
        dispatcher.utter_message(response="utter_partner_no_close_match")
        return
    inside = sum(not s.outside_targets and not s.weak for s in found)
    if need.target_countries and inside < len(found):
        names = [find_country(code) for code in need.target_countries]
        dispatcher.utter_message(
            response="utter_partner_none_in_targets"
            if not inside
            else "utter_partner_few_in_targets",
            target_names=", ".join(
                c.name(language) if c else code
                for c, code in zip(names, need.target_countries, strict=True)
            ),
            count=inside,
        )


def _page(tracker: Tracker, dispatcher: CollectingDispatcher, page: int) -> list[EventType]:
    """Show page `page` (from 0) of the suggestions for the tracker's need."""
    rules = load_rules()
    need = need_from_tracker(tracker, rules)
    if need is None:
        dispatcher.utter_message(response="utter_partner_need_country")
        return []
    with session(directory()) as db:
        found = suggest_partners(session=db, need=need, limit=PAGE, offset=page * PAGE, rules=rules)
    shown = list(as_list(tracker.get_slot("partner_suggestions"))) if page else []
    if not found:
        key = "utter_no_more_partners" if page else "utter_no_partner_suggestions"
        dispatcher.utter_message(response=key)
        return [SlotSet("partner_suggestions", shown or None), SlotSet("partner_page", page)]
    language = tracker.get_slot("language") or "en"
    if page == 0:
        _say_how_well(dispatcher, need, found, language)
    _send(dispatcher, found, page * PAGE + 1, language)
    return [
        SlotSet("partner_suggestions", [*shown, *(s.ref for s in found)]),
        SlotSet("partner_page", page + 1),
    ]


class ActionSuggestPartners(Action):
    """Suggests the three best partners for the SME's need, each with its reasons."""

    def name(self) -> str:
        """Suggest partners."""
        return "action_suggest_partners"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the top 3 suggestions and remember them."""
        return _page(tracker, dispatcher, 0)


class ActionShowMorePartners(Action):
    """Shows the next three suggestions after those already shown."""

    def name(self) -> str:
        """Show more partners."""
        return "action_show_more_partners"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the next 3 suggestions, or say there are no more."""
        page = int(tracker.get_slot("partner_page") or 0)
        if page * PAGE >= MAX_SHOWN:
            dispatcher.utter_message(response="utter_no_more_partners")
            return []
        return _page(tracker, dispatcher, page)


def introduction_values(
    tracker: Tracker, partner_name: str, partner_ref: str = ""
) -> dict[str, str]:
    """What an introduction passes on, readable: the same in the consent question, the
    answer to "what do you send them?" and the confirmation. Nothing else is shared."""
    language = str(tracker.get_slot("language") or "en")
    not_given = summary_labels(language)["not_given"]
    country = (
        find_country(str(tracker.get_slot("country") or ""))
        if tracker.get_slot("country")
        else None
    )

    def text(slot: str) -> str:
        return " ".join(str(tracker.get_slot(slot) or "").split()) or not_given

    return {
        "partner_name": partner_name,
        "partner_ref": partner_ref,
        "company_name": text("company_name"),
        "country_name": country.name(language) if country else text("country"),
        "offer_text": text("offer_description"),
        "need_text": text("need_description"),
        "contact_name": text("contact_name"),
        "contact_email": text("contact_email"),
    }


def _shared(tracker: Tracker) -> dict[str, Any]:
    """The company facts an introduction passes on, as stored with it (country as its code)."""
    shared = {slot: tracker.get_slot(slot) for slot in SHARED_SLOTS}
    shared["country"] = _country_code(shared["country"]) or shared["country"]
    return shared


def shown_refs(tracker: Tracker) -> list[str]:
    """The refs of the partners suggested in this conversation, in the order shown."""
    return [str(ref) for ref in as_list(tracker.get_slot("partner_suggestions"))]


def chosen_ref(tracker: Tracker, value: Any = None) -> str | None:
    """The ref of the partner the user chose (`value`, else `selected_partner`): a position in
    the list shown, or the ref of a partner shown; None for anything never suggested here, so
    no introduction can reach a directory entry the user was not shown."""
    value = tracker.get_slot("selected_partner") if value is None else value
    shown = shown_refs(tracker)
    text_value = str(value if value is not None else "").strip().removesuffix(".0")
    if not text_value:
        return shown[0] if len(shown) == 1 else None
    if text_value.isdigit():
        position = int(text_value)
        return shown[position - 1] if 1 <= position <= len(shown) else None
    return text_value if text_value in shown else None


def say_not_shown(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Tell the user that only a partner suggested here can be met, and how many were."""
    shown = shown_refs(tracker)
    if shown:
        dispatcher.utter_message(response="utter_partner_not_shown", count=len(shown))
    else:
        dispatcher.utter_message(response="utter_partner_none_shown")


#: Slots an introduction leaves empty when it ends (stored, declined or refused).
INTRODUCTION_RESET = ("intro_consent", "intro_consent_ref", "selected_partner")


def _reset_introduction() -> list[EventType]:
    return [SlotSet(slot, None) for slot in INTRODUCTION_RESET]


class ActionRequestIntroduction(Action):
    """Stores an introduction request to the chosen partner, only with the user's consent."""

    def name(self) -> str:
        """Request an introduction."""
        return "action_request_introduction"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask which partner or for consent when missing; else store the request, only for
        the partner the consent question named (`intro_consent_ref`)."""
        ref = chosen_ref(tracker)
        if ref is None:
            say_not_shown(dispatcher, tracker)
            return _reset_introduction()
        with session(directory()) as db:
            organisation = get_organisation_by_ref(session=db, ref=ref)
            if organisation is None or organisation.id is None:
                say_not_shown(dispatcher, tracker)
                return _reset_introduction()
            shown = introduction_values(tracker, organisation.name, ref)
            if tracker.get_slot("intro_consent") is not True:
                dispatcher.utter_message(response="utter_ask_intro_consent", **shown)
                return [SlotSet("intro_consent_ref", ref)]
            if tracker.get_slot("intro_consent_ref") != ref:
                # The yes answered a question about another partner (or none): it is no
                # consent to this one.
                dispatcher.utter_message(response="utter_introduction_consent_mismatch", **shown)
                return _reset_introduction()
            request = create_introduction_request(
                session=db,
                sender_id=tracker.sender_id,
                organisation_id=organisation.id,
                consented_ref=ref,
                contact_name=tracker.get_slot("contact_name"),
                contact_email=tracker.get_slot("contact_email"),
                shared=_shared(tracker),
            )
        dispatcher.utter_message(
            response="utter_introduction_requested", request_id=request.id, **shown
        )
        if organisation.is_demo:
            dispatcher.utter_message(response="utter_introduction_demo_note")
        return _reset_introduction()


class ActionListMyCompany(Action):
    """Adds the SME's own profile to the directory, only with its explicit consent."""

    def name(self) -> str:
        """List my company in the directory."""
        return "action_list_my_company"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask for consent or missing facts; else list (or update) the company."""
        if tracker.get_slot("listing_consent") is not True:
            dispatcher.utter_message(response="utter_ask_listing_consent")
            return []
        rules = load_rules()
        need = need_from_tracker(tracker, rules)
        company = str(tracker.get_slot("company_name") or "").strip()
        missing = [
            name
            for name, value in (
                ("company_name", company),
                ("country", need),
                ("need_description", need and need.need_description.strip()),
            )
            if not value
        ]
        if need is None or missing:
            dispatcher.utter_message(response="utter_listing_incomplete")
            for name in missing:  # each fact named in words, never by its slot
                dispatcher.utter_message(response=f"utter_listing_missing_{name}")
            return []
        listing = _listing(tracker.sender_id, company, need, rules, tracker.get_slot("language"))
        with session(directory()) as db:
            upsert_organisations(session=db, organisations=[listing])
        dispatcher.utter_message(
            response="utter_company_listed", company_name=company, listing_ref=listing.ref
        )
        return [SlotSet("listing_consent", None)]


def _listing(
    sender_id: str, company: str, need: PartnerNeed, rules: MatchingRules, language: Any
) -> OrganisationCreate:
    """The SME as a directory entry: its need becomes its published profile."""
    digest = hashlib.blake2b(sender_id.encode("utf-8"), digest_size=8).hexdigest()
    description = need.need_description.strip()[:4000]
    title = description.split(".")[0][:256] or company[:256]
    return OrganisationCreate(
        ref=f"SME-{digest}",
        name=company[:200],
        org_type="sme",
        country=need.country or "",
        region=need.region,
        profile_type=need.need_type,
        title=title,
        description=description,
        languages=str(language or "en")[:2],
        is_demo=False,
        listed_by_sender_id=sender_id,
        s3_fields=list(need.s3_fields),
        partnership_types=list(partnership_types_for(need, rules)),
        search_terms=text.profile_terms(title, []),
    )
