"""A person in the same chat, in the engine: the request pauses the conversation, messages
while paused are kept for staff and answered once, privacy still works, and handing back
resumes the journey where it was."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from actions import handoff
from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage
from bot.dialogue.outbound import NEXT_ANSWER
from bot.storage import session
from bot.storage.models_handoff import HandoffRequest

#: A Monday at 10:00 in Helsinki: inside the default staffed hours (data/handoff/hours.yml).
STAFFED = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
#: A Saturday at 12:00 in Helsinki: outside them; the next opening is Monday 09:00.
WEEKEND = datetime(2025, 3, 8, 10, 0, tzinfo=UTC)


def _message(text: str, sender: str) -> UserMessage:
    return UserMessage(sender_id=sender, text=text, channel="rest")


def _texts(replies: list) -> list[str]:  # type: ignore[type-arg]
    return [r.text or "" for r in replies]


def _requests(agent: Agent, sender: str) -> list[HandoffRequest]:
    with session(agent.engine) as db:
        found = db.exec(select(HandoffRequest).where(HandoffRequest.sender_id == sender))
        return list(found.all())


@pytest.fixture
def staffed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handoff, "now", lambda: STAFFED)


@pytest.mark.usefixtures("staffed")
async def test_handoff_in_a_form_pauses_keeps_messages_and_resumes_the_form(
    agent: Agent,
) -> None:
    agent.set_outbound("rest", NEXT_ANSWER)
    sender = "handoff-form"
    await agent.handle(_message("partners in sweden", sender))
    await agent.handle(_message("Bałtyk Catering", sender))
    asked = await agent.handle(_message("can i talk to a human pls", sender))
    assert _texts(asked) == [
        "I've asked a person from the programme team to join this chat. They will answer here, "
        "usually within a few minutes; until then I'll stay quiet. Your messages are kept for "
        "them."
    ]
    state = await agent.tracker_state(sender)
    assert state is not None and state["paused"] is True
    assert state["active_loop"]["name"] == "profile_form"
    (request,) = _requests(agent, sender)
    assert request.summary["company_name"] == "Bałtyk Catering"
    assert request.channel == "rest" and request.taken_at is None and not request.outside_hours

    first = await agent.handle(_message("hello? Poland", sender))
    assert _texts(first) == ["A person is on the way and will see everything you write here."]
    assert await agent.handle(_message("anyone there?", sender)) == []
    state = await agent.tracker_state(sender)
    assert state is not None and state["slots"]["country"] is None  # no form took "Poland"
    assert "anyone there?" in [e.get("text") for e in state["events"] if e["event"] == "user"]

    staff_reply = {"event": "bot", "text": "Hi, Anna here.", "metadata": {"staff": 7}}
    await agent.append_events(sender, [staff_reply])
    with_reply = await agent.handle(_message("hi Anna", sender))
    assert _texts(with_reply) == ["Hi, Anna here."]  # kept for this answer; silent otherwise

    back = await agent.hand_back(sender)
    assert back is not None
    assert [m.message.text for m in back][0].startswith("You're back with the assistant.")
    assert "country" in (back[-1].message.text or "").lower()
    state = await agent.tracker_state(sender)
    assert state is not None and state["paused"] is False
    assert [e["event"] for e in state["events"]].count("pause") == 1
    assert [e["event"] for e in state["events"]].count("resume") == 1

    goes_on = await agent.handle(_message("Poland", sender))
    state = await agent.tracker_state(sender)
    assert state is not None and state["slots"]["country"] == "PL", _texts(goes_on)


@pytest.mark.usefixtures("staffed")
async def test_privacy_works_while_paused_and_erasure_takes_the_request(agent: Agent) -> None:
    sender = "handoff-erase"
    await agent.handle(_message("/talk_to_human", sender))
    assert len(_requests(agent, sender)) == 1
    stored = await agent.handle(_message("what data do you keep about me?", sender))
    assert _texts(stored)[0].startswith("What I store about you")
    await agent.handle(_message("delete my data", sender))
    receipt = await agent.handle(_message("yes", sender))
    assert _texts(receipt)[-1].startswith("Done. I have erased:")
    assert _requests(agent, sender) == []
    state = await agent.tracker_state(sender)
    assert state is None or state["events"] == []


async def test_outside_hours_says_when_and_keeps_a_contact(
    agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff, "now", lambda: WEEKEND)
    sender = "handoff-weekend"
    told = await agent.handle(_message("/talk_to_human", sender))
    assert _texts(told) == [
        "Our team is not in right now. Someone will answer you here from Mon, March 10, "
        "9:00\u202fAM (Finland Time). If you like, leave your e-mail address or phone number "
        "and they will get in touch."
    ]
    saved = await agent.handle(_message("you can reach me at Maija@Sme.example", sender))
    assert _texts(saved)[0].startswith("Thank you, I've passed your contact on")
    (request,) = _requests(agent, sender)
    assert request.outside_hours and request.contact == "Maija@sme.example"
    await agent.handle(_message("or call +358 40 123 4567", sender))
    assert _requests(agent, sender)[0].contact == "+358401234567"


@pytest.mark.usefixtures("staffed")
async def test_a_restart_while_waiting_withdraws_the_request(agent: Agent) -> None:
    sender = "handoff-restart"
    await agent.handle(_message("i want to talk to a person", sender))
    (request,) = _requests(agent, sender)
    assert request.closed_at is None
    await agent.handle(_message("/restart", sender))
    (request,) = _requests(agent, sender)
    assert request.closed_at is not None  # staff no longer see it as waiting
    state = await agent.tracker_state(sender)
    assert state is not None and state["paused"] is False
    assert _texts(await agent.handle(_message("hello", sender)))  # the assistant answers again


def test_contacts_are_found_in_text() -> None:
    assert handoff.contact_in("mail me: a.b@example.org.") == "a.b@example.org"
    assert handoff.contact_in("tel. 040-123 4567 thanks") == "040-1234567".replace("-", "")
    assert handoff.contact_in("we have 250 employees since 2019") is None
    assert handoff.contact_in("no contact here") is None
