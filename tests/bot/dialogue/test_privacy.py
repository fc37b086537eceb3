"""Privacy through the real agent: erasing on request from anywhere, and saying what is stored."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from actions import privacy
from bot.dialogue import agent as agent_module
from bot.dialogue.agent import Agent
from bot.dialogue.messages import BotMessage, UserMessage
from bot.dialogue.responses import render_response
from bot.storage import crud, make_engine, session
from bot.storage.crud_partners import (
    create_introduction_request,
    get_organisation_by_ref,
    upsert_organisations,
)
from bot.storage.models_partners import OrganisationCreate

ONE_SENTENCE = (
    "We're a 35-person food-tech company in Turku with about 4 million euros turnover, "
    "looking for a Swedish university to test our fermentation process"
)
COMPANY = "Nordic Fermentation Oy"
ASK_NAME = "What is your company's name?"


async def _send(
    agent: Agent, sender: str, text: str, message_id: str | None = None
) -> list[BotMessage]:
    return await agent.handle(
        UserMessage(sender_id=sender, text=text, channel="rest", message_id=message_id)
    )


async def _say(agent: Agent, sender: str, text: str) -> list[str]:
    return [r.text or "" for r in await _send(agent, sender, text)]


def _text(agent: Agent, response: str) -> str:
    rendered = render_response(agent.domain, response, {})
    assert rendered is not None
    return str(rendered["text"])


async def _save_profile(agent: Agent, sender: str, company: str = COMPANY) -> None:
    """The profile journey as a user types it, ending with a confirmed, saved profile."""
    for typed in [
        "can we get a voucher?",
        ONE_SENTENCE,
        company,
        "skip",
        "no, nobody owns us",
        "2019",
        "skip",
        "no",
    ]:
        await _say(agent, sender, typed)
    replies = await _say(agent, sender, "yes thats right")
    assert any("saved" in r for r in replies), replies


def _listing(ref: str, sender: str | None) -> OrganisationCreate:
    return OrganisationCreate.model_validate(
        {
            "ref": ref,
            "name": f"{ref} Oy",
            "org_type": "sme",
            "country": "FI",
            "profile_type": "TO",
            "title": "Fermentation know-how",
            "description": "Precision fermentation for food.",
            "is_demo": sender is None,
            "listed_by_sender_id": sender,
            "s3_fields": ["bio"],
            "partnership_types": ["research_development_cooperation_agreement"],
            "search_terms": ["fermentation"],
        }
    )


def _add_partner_data(engine: Engine, sender: str) -> None:
    """An introduction request and an own directory listing, as the partner journey leaves."""
    with session(engine) as db:
        upsert_organisations(
            session=db,
            organisations=[_listing(f"DEMO-{sender}", None), _listing(f"OWN-{sender}", sender)],
        )
    with session(engine) as db:
        target = crud.get_conversation(session=db, sender_id=sender)
        assert target is not None
        demo = get_organisation_by_ref(session=db, ref=f"DEMO-{sender}")
        assert demo is not None and demo.id is not None
        create_introduction_request(session=db, sender_id=sender, organisation_id=demo.id)


def _all_rows(engine: Engine) -> dict[str, str]:
    """Every row of every table, as text, per table."""
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        return {
            table: repr(connection.execute(text(f'SELECT * FROM "{table}"')).all())
            for table in tables
        }


def _counts(engine: Engine, sender: str) -> dict[str, int]:
    with session(engine) as db:
        return crud.count_sender_data(session=db, sender_id=sender)


async def test_erasure_in_plain_words_leaves_nothing_of_the_sender(
    agent: Agent, database_url: str
) -> None:
    engine = make_engine(database_url)
    for sender, company in (("gone", COMPANY), ("kept", "Baltic Brew AB")):
        await _save_profile(agent, sender, company)
        _add_partner_data(engine, sender)
    kept_before = _counts(engine, "kept")
    assert all(kept_before.values()), kept_before

    ask = await _send(agent, "gone", "I want all my data deleted under GDPR")
    assert ask[-1].text == _text(agent, "utter_ask_erasure_confirmation")
    assert [b.payload for b in ask[-1].buttons] == ["/affirm", "/deny"]
    receipt = await _say(agent, "gone", "yes pls")

    assert receipt[-1].startswith("Done. I have erased:")
    for item in ("our conversation", "company profile", "introduction requests (1)", "listing"):
        assert item in receipt[-1], receipt
    assert _counts(engine, "kept") == kept_before
    rows = _all_rows(engine)
    for table, content in rows.items():
        for trace in (COMPANY, "GDPR", "yes pls", "OWN-gone"):
            assert trace not in content, (table, trace)
    # What is left of the sender: an empty conversation and the receipt of the request.
    assert _counts(engine, "gone") == {
        "conversation": 1,
        "events": 0,
        "inbox": 1,
        "profile": 0,
        "introductions": 0,
        "listings": 0,
    }
    with session(engine) as db:
        conversation = crud.get_conversation(session=db, sender_id="gone")
        assert conversation is not None
        assert crud.load_events(session=db, conversation_id=int(conversation.id or 0)) == []
    engine.dispose()


async def test_the_next_message_after_erasure_starts_afresh(agent: Agent) -> None:
    await _save_profile(agent, "fresh")
    await _say(agent, "fresh", "/delete_my_data")
    await _say(agent, "fresh", "/affirm")

    replies = await _say(agent, "fresh", "hello")
    assert replies and ASK_NAME not in replies
    state = await agent.tracker_state("fresh", "ALL")
    assert state is not None
    assert state["events"][0]["event"] == "action"
    assert state["events"][0]["name"] == "action_session_start"
    assert [e.get("text") for e in state["events"] if e["event"] == "user"] == ["hello"]
    assert state["slots"]["company_name"] is None  # the saved profile is not reloaded
    assert not state["slots"]["profile_saved"]


async def test_delete_command_in_the_middle_of_a_form_is_not_taken_as_an_answer(
    agent: Agent, database_url: str
) -> None:
    await _say(agent, "midform", "can we get a voucher?")
    assert (await _say(agent, "midform", ONE_SENTENCE))[-1] == ASK_NAME

    ask = await _say(agent, "midform", "/delete_my_data")
    assert ask[-1] == _text(agent, "utter_ask_erasure_confirmation")
    state = await agent.tracker_state("midform")
    assert state is not None and state["slots"]["company_name"] is None
    assert state["active_loop"] == {}  # the form waits for the answer, suspended

    receipt = await _say(agent, "midform", "yes")
    assert receipt[-1].startswith("Done. I have erased:")
    assert ASK_NAME not in receipt  # the form does not come back ...
    replies = await _say(agent, "midform", "hi")
    assert ASK_NAME not in replies  # ... not even on the next message
    state = await agent.tracker_state("midform")
    assert state is not None and state["active_loop"] == {}
    assert state["slots"]["employees"] is None


async def test_no_keeps_everything_and_the_form_goes_on(agent: Agent, database_url: str) -> None:
    engine = make_engine(database_url)
    await _say(agent, "keeper", "can we get a voucher?")
    await _say(agent, "keeper", ONE_SENTENCE)
    before = _counts(engine, "keeper")

    ask = await _say(agent, "keeper", "remove everything you have on us")
    assert ask[-1] == _text(agent, "utter_ask_erasure_confirmation")
    replies = await _say(agent, "keeper", "no")

    assert replies == [_text(agent, "utter_erasure_cancelled"), ASK_NAME]
    after = _counts(engine, "keeper")
    assert after["events"] > before["events"]  # nothing erased: the log only grew
    assert after["inbox"] == before["inbox"] + 2
    await _say(agent, "keeper", COMPANY)
    state = await agent.tracker_state("keeper")
    assert state is not None
    assert state["slots"]["company_name"] == COMPANY  # the form took the answer
    assert state["slots"]["employees"] == 35  # and kept the earlier ones
    assert state["active_loop"]["name"] == "profile_form"
    engine.dispose()


async def test_cancelling_at_the_question_keeps_the_data(agent: Agent) -> None:
    await _say(agent, "canceller", "hello")
    await _say(agent, "canceller", "forget me")
    replies = await _say(agent, "canceller", "cancel")
    assert replies == [_text(agent, "utter_erasure_cancelled")]
    state = await agent.tracker_state("canceller")
    assert state is not None
    assert [e["text"] for e in state["events"] if e["event"] == "user"][0] == "hello"


async def test_a_redelivered_erasure_gets_the_same_receipt_and_erases_nothing_new(
    agent: Agent, database_url: str
) -> None:
    engine = make_engine(database_url)
    await _send(agent, "again", "hello", "m1")
    await _send(agent, "again", "delete my data", "m2")
    receipt = await _send(agent, "again", "/affirm", "m3")

    assert await _send(agent, "again", "/affirm", "m3") == receipt
    assert _counts(engine, "again")["events"] == 0
    await _send(agent, "again", "hi, it's me again", "m4")
    events_now = _counts(engine, "again")["events"]
    assert events_now > 0
    assert await _send(agent, "again", "/affirm", "m3") == receipt
    assert _counts(engine, "again")["events"] == events_now  # the new conversation is kept
    engine.dispose()


async def test_ask_stored_data_names_the_saved_fields_not_their_values(agent: Agent) -> None:
    await _save_profile(agent, "curious")
    replies = await _say(agent, "curious", "what info do u keep on me")

    assert replies[0] == _text(agent, "utter_stored_data")
    assert replies[1].startswith("Your saved company profile holds:")
    assert "company name" in replies[1] and "number of staff" in replies[1]
    assert COMPANY not in replies[1] and "35" not in replies[1]


async def test_ask_stored_data_without_a_profile_mid_form_then_the_form_asks_again(
    agent: Agent,
) -> None:
    await _say(agent, "newcomer", "can we get a voucher?")
    await _say(agent, "newcomer", ONE_SENTENCE)
    replies = await _say(agent, "newcomer", "do you save my messages?")
    assert replies == [_text(agent, "utter_stored_data"), ASK_NAME]


def test_the_action_and_the_agent_agree_on_the_erase_event() -> None:
    assert privacy.ERASE_EVENT == agent_module.ERASE_EVENT
