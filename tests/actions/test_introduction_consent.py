"""Consent is bound to what it consents to: through the real agent, typed as users type, a yes
stores an introduction only to the partner its question named, and only partners suggested in
the conversation can be asked for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from actions.matching import seed_demo_directory
from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage
from bot.storage import crud, make_engine, session
from bot.storage.crud_partners import create_introduction_request, get_organisation_by_ref
from bot.storage.models_partners import IntroductionRequest, Organisation

AQUACULTURE = (
    "We're a 12-person company in Turku building aquaculture equipment, about 1.5 million "
    "euros turnover, looking for a Swedish university to test our feeding system"
)
PROFILE = ["/find_partners", AQUACULTURE, "Baltic Fish Tech Oy", "/skip", "/deny", "2021"]
PROFILE_END = ["/skip", "/deny", "/affirm"]  # the summary confirmed: three partners shown
CONTACT = "Aino Virtanen, aino@balticfish.fi"


@pytest.fixture
def directory(agent: Agent, database_url: str) -> Iterator[Engine]:
    """The agent's database, holding the demo directory."""
    engine = make_engine(database_url)
    seed_demo_directory(engine)
    yield engine
    engine.dispose()


async def _say(agent: Agent, sender: str, text: str) -> str:
    replies = await agent.handle(UserMessage(sender_id=sender, text=text))
    return "\n".join(r.text or "" for r in replies)


async def _slots(agent: Agent, sender: str) -> dict[str, Any]:
    state = await agent.tracker_state(sender)
    assert state is not None
    return dict(state["slots"])


async def _shown(agent: Agent, sender: str) -> list[str]:
    """Answer the profile; the refs of the three partners then suggested."""
    for text in [*PROFILE, *PROFILE_END]:
        replies = await _say(agent, sender, text)
    assert "1. " in replies and "3. " in replies
    shown = (await _slots(agent, sender))["partner_suggestions"]
    assert len(shown) == 3
    return [str(ref) for ref in shown]


def _stored(engine: Engine, sender: str) -> list[tuple[str | None, str]]:
    """The sender's stored requests as (consented ref, the organisation's ref)."""
    statement = (
        select(IntroductionRequest.consented_ref, Organisation.ref)
        .join(Organisation, col(Organisation.id) == col(IntroductionRequest.organisation_id))
        .where(IntroductionRequest.sender_id == sender)
        .order_by(col(IntroductionRequest.id))
    )
    with session(engine) as db:
        return [(consented, ref) for consented, ref in db.exec(statement).all()]


async def test_yes_after_the_question_named_partner_x_stores_x(
    agent: Agent, directory: Engine
) -> None:
    shown = await _shown(agent, "c1")
    await _say(agent, "c1", "introduce me to 2")
    question = await _say(agent, "c1", CONTACT)
    with session(directory) as db:
        second = get_organisation_by_ref(session=db, ref=shown[1])
        assert second is not None
    assert f"May I pass exactly this to {second.name} (reference {shown[1]})" in question
    assert (await _slots(agent, "c1"))["intro_consent_ref"] == shown[1]
    assert _stored(directory, "c1") == []  # nothing before the yes
    done = await _say(agent, "c1", "yes")
    assert f"request to meet {second.name}" in done
    assert _stored(directory, "c1") == [(shown[1], shown[1])]
    slots = await _slots(agent, "c1")
    assert (slots["intro_consent"], slots["intro_consent_ref"]) == (None, None)


async def test_wrong_number_gets_a_polite_answer_and_no_pending_consent(
    agent: Agent, directory: Engine
) -> None:
    shown = await _shown(agent, "c2")
    # A first introduction leaves the contact known, so a later one asks only for consent.
    await _say(agent, "c2", "introduce me to 1")
    await _say(agent, "c2", CONTACT)
    await _say(agent, "c2", "yes")
    assert _stored(directory, "c2") == [(shown[0], shown[0])]
    answer = await _say(agent, "c2", "introduce me to 5")
    assert "I showed you 3 so far" in answer
    assert "Which partner would you like to meet?" in answer
    assert "May I pass" not in answer
    slots = await _slots(agent, "c2")
    assert slots["selected_partner"] is None and slots["intro_consent"] is None
    assert slots["intro_consent_ref"] is None
    assert "May I pass" not in await _say(agent, "c2", "yes")
    assert _stored(directory, "c2") == [(shown[0], shown[0])]  # the yes consented to nothing
    question = await _say(agent, "c2", "introduce me to 2")
    assert f"(reference {shown[1]})" in question  # asked, naming number 2
    assert _stored(directory, "c2") == [(shown[0], shown[0])]  # not stored before its yes


async def test_reference_never_suggested_is_refused(agent: Agent, directory: Engine) -> None:
    shown = await _shown(agent, "c3")
    other = next(f"DEMO-{n:04d}" for n in range(1, 400) if f"DEMO-{n:04d}" not in shown)
    await _say(agent, "c3", "introduce me to 1")
    await _say(agent, "c3", CONTACT)
    await _say(agent, "c3", "no")  # the contact is known now, the first one declined
    answer = await _say(agent, "c3", f'/request_introduction{{"number": "{other}"}}')
    assert "I showed you 3 so far" in answer and other not in answer
    assert "May I pass" not in answer
    await _say(agent, "c3", "yes")
    assert _stored(directory, "c3") == []
    # A ref that was shown is fine, by its ref.
    question = await _say(agent, "c3", f'/request_introduction{{"number": "{shown[2]}"}}')
    assert f"(reference {shown[2]})" in question
    await _say(agent, "c3", "yes")
    assert _stored(directory, "c3") == [(shown[2], shown[2])]


async def test_yes_naming_another_partner_asks_again_for_that_one(
    agent: Agent, directory: Engine
) -> None:
    shown = await _shown(agent, "c4")
    await _say(agent, "c4", "introduce me to 1")
    first = await _say(agent, "c4", CONTACT)
    assert f"(reference {shown[0]})" in first
    again = await _say(agent, "c4", "yes, number 3")
    assert f"(reference {shown[2]})" in again  # the question again, naming number 3
    assert _stored(directory, "c4") == []
    await _say(agent, "c4", "yes")
    assert _stored(directory, "c4") == [(shown[2], shown[2])]


async def test_introduction_before_any_suggestion_is_refused(
    agent: Agent, directory: Engine
) -> None:
    answer = await _say(agent, "c5", "introduce me to 2")
    assert "have not suggested any partners" in answer
    assert "May I pass" not in answer
    slots = await _slots(agent, "c5")
    assert slots["requested_slot"] is None and slots["selected_partner"] is None
    await _say(agent, "c5", "yes")
    assert _stored(directory, "c5") == []


def test_stored_consent_must_name_the_organisation(directory: Engine) -> None:
    with session(directory) as db:
        crud.get_or_create_conversation(session=db, sender_id="c6", channel="rest")
        first = get_organisation_by_ref(session=db, ref="DEMO-0001")
        assert first is not None and first.id is not None
        with pytest.raises(ValueError, match="no consent"):
            create_introduction_request(
                session=db, sender_id="c6", organisation_id=first.id, consented_ref="DEMO-0002"
            )
        stored = create_introduction_request(
            session=db, sender_id="c6", organisation_id=first.id, consented_ref="DEMO-0001"
        )
        assert stored.consented_ref == "DEMO-0001"
