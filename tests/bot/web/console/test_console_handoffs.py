"""A person in the same chat, over HTTP: a REST user asks for a person in the middle of the
profile form, the bot stays silent, a member of staff takes the request in the console,
replies (the reply comes with the REST client's next answer), hands back, and the form goes
on. On SQLite and PostgreSQL (the module's server, `conftest.console_db`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from console_helpers import HTML, create_staff, sign_in, unique
from sqlalchemy.engine import Engine
from sqlmodel import select

from actions import handoff
from bot.storage import crud, session
from bot.storage.models_handoff import HandoffRequest
from bot.storage.models_staff import AuditRecord

# A live server (per module) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow

#: A Monday at 10:00 in Helsinki: inside the default staffed hours (data/handoff/hours.yml).
STAFFED = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _staffed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handoff, "now", lambda: STAFFED)


def _say(web: httpx.Client, sender: str, text: str) -> list[str]:
    answer = web.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert answer.status_code == 200, answer.text
    return [m.get("text") or "" for m in answer.json()]


def _request_of(engine: Engine, sender: str) -> HandoffRequest:
    with session(engine) as db:
        found = db.exec(select(HandoffRequest).where(HandoffRequest.sender_id == sender)).one()
        db.expunge(found)
        return found


def _events(engine: Engine, sender: str) -> list[dict[str, Any]]:
    with session(engine) as db:
        conversation = crud.get_conversation(session=db, sender_id=sender)
        assert conversation is not None and conversation.id is not None
        return crud.load_events(session=db, conversation_id=conversation.id)


def _slot(events: list[dict[str, Any]], name: str) -> Any:
    values = [e.get("value") for e in events if e["event"] == "slot" and e.get("name") == name]
    return values[-1] if values else None


def test_staff_take_reply_and_hand_back_over_rest(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sender = unique("rest-person")
    assert _say(web, sender, "partners in sweden") == ["What is your company's name?"]
    _say(web, sender, "Bałtyk Catering")
    asked = _say(web, sender, "can i talk to a human pls")
    assert asked == [
        "I've asked a person from the programme team to join this chat. They will answer here, "
        "usually within a few minutes; until then I'll stay quiet. Your messages are kept for "
        "them."
    ]
    assert _say(web, sender, "hello?") == [
        "A person is on the way and will see everything you write here."
    ]
    assert _say(web, sender, "Poland, by the way") == []  # silent; no form took it
    request = _request_of(console_engine, sender)
    assert request.taken_at is None and request.summary["company_name"] == "Bałtyk Catering"

    email = unique("anna@example.org")
    staff_id = create_staff(console_db, email=email, role="reviewer")
    csrf = sign_in(web, console_db, email)
    listed = web.get("/console/handoffs", headers=HTML)
    assert listed.status_code == 200
    assert f'href="/console/handoffs/{request.id}"' in listed.text
    assert "Bałtyk Catering" in listed.text and "0 min" in listed.text  # the waiting time

    url = f"/console/handoffs/{request.id}"
    early = web.post(f"{url}/reply", data={"text": "Hi", "csrf_token": csrf})
    assert early.status_code == 409  # take it first
    assert web.post(f"{url}/take", data={"csrf_token": csrf}).status_code == 303
    page = web.get(url, headers=HTML)
    assert page.status_code == 200 and "Poland, by the way" in page.text  # what they wrote

    text = "Hi, Anna here from the programme team. How can I help?"
    assert web.post(f"{url}/reply", data={"text": text, "csrf_token": csrf}).status_code == 303
    (staff_event,) = [e for e in _events(console_engine, sender) if e.get("text") == text]
    assert staff_event["event"] == "bot" and staff_event["metadata"]["staff"] == staff_id
    assert _say(web, sender, "thanks, we need a partner in Sweden") == [text]
    transcript = web.get(f"/console/conversations/{sender}", headers=HTML)
    assert f"Staff: {email}" in transcript.text

    assert web.post(f"{url}/close", data={"csrf_token": csrf}).status_code == 303
    assert _request_of(console_engine, sender).closed_at is not None
    kinds = [e["event"] for e in _events(console_engine, sender)]
    assert kinds.count("pause") == 1 and kinds.index("pause") < kinds.index("resume")
    goes_on = _say(web, sender, "Poland")
    assert goes_on[0] == "You're back with the assistant. Let's carry on where we left off."
    assert "country" in goes_on[1].lower()
    assert _slot(_events(console_engine, sender), "country") == "PL"

    with session(console_engine) as db:
        actions = db.exec(
            select(AuditRecord.action).where(AuditRecord.target == f"handoff:{request.id}")
        ).all()
    assert {"handoff.take", "handoff.reply", "handoff.close"} <= set(actions)


def test_a_reviewer_of_another_organisation_sees_no_request(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sender = unique("rest-other")
    _say(web, sender, "/talk_to_human")
    request = _request_of(console_engine, sender)
    email = unique("ville@example.org")
    create_staff(console_db, email=email, role="reviewer", organisation=unique("org"))
    csrf = sign_in(web, console_db, email)
    assert f"/console/handoffs/{request.id}" not in web.get("/console/handoffs").text
    assert web.get(f"/console/handoffs/{request.id}", headers=HTML).status_code == 404
    taken = web.post(f"/console/handoffs/{request.id}/take", data={"csrf_token": csrf})
    assert taken.status_code == 404
    assert _request_of(console_engine, sender).taken_at is None


def test_only_the_taker_or_an_admin_hands_back(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sender = unique("rest-left")
    _say(web, sender, "/talk_to_human")
    request = _request_of(console_engine, sender)
    url = f"/console/handoffs/{request.id}"
    taker = unique("taker@example.org")
    create_staff(console_db, email=taker, role="reviewer")
    csrf = sign_in(web, console_db, taker)
    assert web.post(f"{url}/take", data={"csrf_token": csrf}).status_code == 303

    other = unique("other@example.org")
    create_staff(console_db, email=other, role="reviewer")
    csrf = sign_in(web, console_db, other)
    assert "hand back" not in web.get(url, headers=HTML).text.lower()
    assert web.post(f"{url}/close", data={"csrf_token": csrf}).status_code == 409
    assert _request_of(console_engine, sender).closed_at is None

    admin = unique("admin@example.org")
    create_staff(console_db, email=admin, role="admin")
    csrf = sign_in(web, console_db, admin)
    assert "hand back" in web.get(url, headers=HTML).text.lower()
    assert web.post(f"{url}/reply", data={"text": "x", "csrf_token": csrf}).status_code == 409
    assert web.post(f"{url}/close", data={"csrf_token": csrf}).status_code == 303
    assert _request_of(console_engine, sender).closed_at is not None
    assert [e["event"] for e in _events(console_engine, sender)].count("resume") == 1
