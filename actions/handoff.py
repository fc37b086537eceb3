"""A person in the same chat: the request for one, and what the chat says while waiting.

`action_request_handoff` stores a handoff request (with a summary made from the profile
slots, never message text) and pauses the conversation with Rasa's `ConversationPaused`;
from then on the engine keeps the person's messages for staff and runs only
`action_handoff_waiting` on them, which says once that a person is on the way (or there),
and keeps an e-mail address or phone number typed while waiting on the request. Staff hand
the conversation back from the console (`ConversationResumed`).

Outside the staffed hours of the conversation's organisation (`data/handoff/hours.yml`) the
request is made all the same, and the person is told when someone will answer and that they
may leave a contact.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Final

from babel.dates import format_skeleton, format_time, get_timezone_location
from email_validator import EmailNotValidError, validate_email
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlmodel import Session

from actions import store
from actions.formatting import locale_of
from actions.handoff_hours import schedule_for
from bot.storage import PartnerSite, crud, crud_handoff, session

#: The profile slots a request's summary keeps, in this order: enough for staff to know
#: whom they talk to, nothing typed freely.
SUMMARY_SLOTS: Final = (
    "company_name",
    "country",
    "region",
    "sector",
    "employees",
    "journey_goal",
    "language",
)
WAITING_RESPONSES: Final = ("utter_handoff_waiting", "utter_handoff_with_staff")
_EMAIL_CANDIDATE: Final = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
_PHONE: Final = re.compile(r"(?<![\w+])\+?\d[\d ().-]{5,18}\d(?!\w)")
MIN_PHONE_DIGITS: Final = 7


def now() -> datetime:
    """The current time; tests replace it to fix the clock."""
    return datetime.now(UTC)


def summary_of(slots: dict[str, Any]) -> dict[str, Any]:
    """The profile slots that are set, as the request's summary."""
    return {name: slots[name] for name in SUMMARY_SLOTS if slots.get(name) not in (None, "", [])}


def contact_in(text: str) -> str | None:
    """An e-mail address or a phone number in `text`, normalised, if there is one."""
    for candidate in _EMAIL_CANDIDATE.findall(text or ""):
        try:
            found = validate_email(candidate.strip("."), check_deliverability=False)
        except EmailNotValidError:
            continue
        return str(found.normalized)
    for match in _PHONE.finditer(text or ""):
        phone = match.group(0)
        if sum(ch.isdigit() for ch in phone) >= MIN_PHONE_DIGITS:
            return re.sub(r"[^\d+]", "", phone)
    return None


def _site(db: Session, site_id: int | None) -> PartnerSite | None:
    return db.get(PartnerSite, site_id) if site_id is not None else None


class ActionRequestHandoff(Action):
    """Asks for a person: stores the request and pauses the conversation for staff."""

    def name(self) -> str:
        """Ask for a person."""
        return "action_request_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store the request (one per wait), say when someone answers, pause."""
        at = now()
        language = str(tracker.get_slot("language") or "en")
        with session(store.engine()) as db:
            conversation = crud.get_conversation(session=db, sender_id=tracker.sender_id)
            if conversation is None or conversation.id is None:
                dispatcher.utter_message(response="utter_handover")
                return []
            site = _site(db, conversation.partner_site_id)
            schedule = schedule_for(store.data_dir(), site.organisation if site else None)
            staffed = schedule.is_open(at)
            crud_handoff.create_request(
                session=db,
                conversation_id=conversation.id,
                sender_id=tracker.sender_id,
                channel=conversation.channel,
                partner_site_id=conversation.partner_site_id,
                language=language,
                summary=summary_of(tracker.slots),
                outside_hours=not staffed,
            )
        opening = None if staffed else schedule.next_opening(at)
        if staffed:
            dispatcher.utter_message(response="utter_handoff_requested")
        elif opening is None:
            dispatcher.utter_message(response="utter_handoff_outside_hours_later")
        else:
            dispatcher.utter_message(
                response="utter_handoff_outside_hours",
                day=format_skeleton("MMMMEEEEd", opening, locale=locale_of(language)),
                time=format_time(opening, "short", locale=locale_of(language)),
                time_zone=get_timezone_location(opening.tzinfo, locale=locale_of(language)),
            )
        return [ConversationPaused()]


class ActionHandoffWaiting(Action):
    """Answers a message while a person has the conversation: a contact is kept for staff;
    otherwise, once per wait, that a person is on the way (or is there)."""

    def name(self) -> str:
        """A message while waiting for a person."""
        return "action_handoff_waiting"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Keep a contact, or say once that a person comes; else stay silent."""
        contact = contact_in(str(tracker.latest_message.get("text") or ""))
        with session(store.engine()) as db:
            request = crud_handoff.open_request_of(session=db, sender_id=tracker.sender_id)
            if request is not None and contact is not None:
                crud_handoff.set_contact(session=db, sender_id=tracker.sender_id, contact=contact)
                dispatcher.utter_message(response="utter_handoff_contact_saved")
                return []
            taken = request is not None and request.taken_at is not None
        if not _told_since_pause(tracker.events):
            dispatcher.utter_message(response=WAITING_RESPONSES[1 if taken else 0])
        return []


class ActionHandoffWithdrawn(Action):
    """The person restarted the conversation while waiting for a person: the open request is
    closed, so staff do not take a conversation that has moved on."""

    def name(self) -> str:
        """After a restart that ended a pause."""
        return "action_handoff_withdrawn"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Close the sender's open request, if any; nothing is said."""
        with session(store.engine()) as db:
            request = crud_handoff.open_request_of(session=db, sender_id=tracker.sender_id)
            if request is not None:
                crud_handoff.close(session=db, request=request)
        return []


def _told_since_pause(events: list[dict[str, Any]]) -> bool:
    """Whether the person was told since the pause that a person comes (or is there)."""
    for event in reversed(events):
        if event.get("event") == "pause":
            return False
        told = (event.get("metadata") or {}).get("utter_action") in WAITING_RESPONSES
        if event.get("event") == "bot" and told:
            return True
    return False
