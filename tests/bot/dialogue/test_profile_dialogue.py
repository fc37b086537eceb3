"""The company profile through the real agent: one sentence, storage, later sessions."""

from __future__ import annotations

import time
from typing import Any

from dialogue_helpers import slots_of
from sqlmodel import select

from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage
from bot.storage import crud, make_engine, session
from bot.storage.models import CompanyProfile

ONE_SENTENCE = (
    "We're a 35-person food-tech company in Turku with about 4 million euros turnover, "
    "looking for a Swedish university to test our fermentation process"
)


async def _say(agent: Agent, text: str, sender: str = "p1") -> list[str]:
    replies = await agent.handle(UserMessage(sender_id=sender, text=text))
    return [r.text or "" for r in replies]


async def _slots(agent: Agent, sender: str = "p1") -> dict[str, Any]:
    return await slots_of(agent, sender)


async def test_one_sentence_fills_every_slot_it_mentions(agent: Agent) -> None:
    await _say(agent, "/check_voucher")
    replies = await _say(agent, ONE_SENTENCE)
    slots = await _slots(agent)
    assert slots["employees"] == 35
    assert slots["s3_field"] == "bio" and slots["nace_section"] == "C"
    assert slots["country"] == "FI"
    assert slots["region"] == "FI1C1"
    assert slots["annual_turnover_eur"] == 4_000_000
    assert slots["partner_type"] == "university"
    assert slots["target_countries"] == ["SE"]
    assert "fermentation process" in slots["need_description"]
    assert slots["company_name"] is None  # the sentence is not a name ...
    assert replies[-1] == "What is your company's name?"  # ... so only that is asked


async def test_form_asks_only_what_is_missing(agent: Agent) -> None:
    await _say(agent, "/check_voucher")
    await _say(agent, ONE_SENTENCE)
    replies = await _say(agent, "Nordic Fermentation Oy")
    slots = await _slots(agent)
    assert slots["requested_slot"] == "balance_sheet_eur"  # name given; sector..turnover known
    assert replies[-1].startswith("And your balance-sheet total")


async def _complete_profile(agent: Agent, sender: str) -> None:
    for text in [
        "/check_voucher",
        ONE_SENTENCE,
        "Nordic Fermentation Oy",
        "/skip",
        '/inform{"ownership": "none"}',
        "2019",
        "/skip",
        "/deny",
    ]:
        await _say(agent, text, sender)
    assert (await _slots(agent, sender))["requested_slot"] is None


async def test_confirmed_profile_is_stored_and_loaded_in_a_new_session(
    agent: Agent, database_url: str
) -> None:
    await _complete_profile(agent, "p2")
    replies = await _say(agent, "/affirm", "p2")
    assert any("profile is saved" in r for r in replies)
    engine = make_engine(database_url)
    with session(engine) as db:
        stored = crud.get_profile(session=db, sender_id="p2")
        assert stored is not None
        assert stored.data["company_name"] == "Nordic Fermentation Oy"
        assert stored.data["employees"] == 35
    await _say(agent, "/restart", "p2")  # a new session: the saved profile comes back
    slots = await _slots(agent, "p2")
    assert slots["company_name"] == "Nordic Fermentation Oy"
    assert slots["profile_saved"] is True
    with session(engine) as db:
        crud.delete_sender_data(session=db, sender_id="p2")
    with session(engine) as db:
        assert db.exec(select(CompanyProfile)).all() == []
    engine.dispose()


async def test_profile_is_not_stored_before_confirmation(agent: Agent, database_url: str) -> None:
    await _complete_profile(agent, "p3")
    engine = make_engine(database_url)
    with session(engine) as db:
        assert crud.get_profile(session=db, sender_id="p3") is None
    engine.dispose()


async def test_session_expiry_starts_a_new_session_with_the_slots(agent: Agent) -> None:
    await _say(agent, "/check_voucher", "p4")
    await _say(agent, "Baltic Bytes", "p4")
    agent.processor.domain.session_expiration_minutes = 0.0001
    try:
        time.sleep(0.05)
        await _say(agent, "/show_menu", "p4")
    finally:
        agent.processor.domain.session_expiration_minutes = 60
    state = await agent.tracker_state("p4", "ALL")
    assert state is not None
    assert sum(1 for e in state["events"] if e["event"] == "session_started") == 2
    assert state["slots"]["company_name"] == "Baltic Bytes"
