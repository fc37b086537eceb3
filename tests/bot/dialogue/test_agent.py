"""The agent end to end on a real database: replies, storage, redelivery and odd input."""

from __future__ import annotations

import asyncio

from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage
from bot.dialogue.stories import StoryTurn, TestStory, check_story


def _message(text: str, sender: str = "u1", message_id: str | None = None) -> UserMessage:
    return UserMessage(sender_id=sender, text=text, channel="rest", message_id=message_id)


async def test_handle_greeting_offers_the_main_menu(agent: Agent) -> None:
    replies = await agent.handle(_message("hello"))
    assert "S3 Onboarding Assistant" in (replies[0].text or "")
    assert [b.payload for b in replies[0].buttons] == [
        "/learn_s3",
        "/check_voucher",
        "/find_partners",
        "/talk_to_human",
    ]


async def test_handle_stores_rasa_events_in_order(agent: Agent) -> None:
    await agent.handle(_message("hello"))
    await agent.handle(_message("/learn_s3"))
    state = await agent.tracker_state("u1")
    assert state is not None
    kinds = [(e["event"], e.get("name")) for e in state["events"]]
    assert kinds[:3] == [
        ("action", "action_session_start"),
        ("session_started", None),
        ("action", "action_listen"),
    ]
    names = [e.get("name") for e in state["events"] if e["event"] == "action"]
    assert names[-5:] == [
        "utter_greet",
        "action_listen",
        "utter_s3_intro",
        "action_show_learning_menu",
        "action_listen",
    ]
    assert state["latest_message"]["intent"]["name"] == "learn_s3"
    assert state["sender_id"] == "u1" and state["active_loop"] == {}


async def test_handle_same_message_id_twice_answers_once(agent: Agent) -> None:
    first = await agent.handle(_message("/check_voucher", message_id="m-1"))
    again = await agent.handle(_message("/check_voucher", message_id="m-1"))
    assert again == first
    state = await agent.tracker_state("u1", "ALL")
    assert state is not None
    assert sum(1 for e in state["events"] if e["event"] == "user") == 1


async def test_handle_concurrent_redeliveries_answer_once(agent: Agent) -> None:
    replies = await asyncio.gather(
        *[agent.handle(_message("hello", message_id="same")) for _ in range(5)]
    )
    assert all(r == replies[0] for r in replies)
    state = await agent.tracker_state("u1", "ALL")
    assert state is not None
    assert sum(1 for e in state["events"] if e["event"] == "user") == 1


async def test_handle_form_slots_are_validated(agent: Agent) -> None:
    await agent.handle(_message("/check_voucher"))
    replies = await agent.handle(_message('/inform{"company_name": "!"}'))
    assert "doesn't look like a company name" in (replies[0].text or "")
    state = await agent.tracker_state("u1")
    assert state is not None
    assert state["slots"]["company_name"] is None
    assert state["slots"]["requested_slot"] == "company_name"
    assert state["active_loop"]["name"] == "profile_form"


async def test_handle_too_long_message_is_answered_politely_and_forgotten(agent: Agent) -> None:
    await agent.handle(_message("/check_voucher"))
    replies = await agent.handle(_message("a" * 100_000))
    assert "too long" in (replies[0].text or "")
    state = await agent.tracker_state("u1", "ALL")
    assert state is not None
    stored = [e for e in state["events"] if e["event"] == "user"][-1]
    assert len(stored["text"]) == 2000 and stored["metadata"]["truncated"] is True
    assert state["slots"]["company_name"] is None  # the long text filled no slot
    assert state["active_loop"]["name"] == "profile_form"


async def test_handle_empty_and_blank_messages_get_a_polite_reply(agent: Agent) -> None:
    for text in ("", "   \n\t "):
        replies = await agent.handle(_message(text))
        assert replies and "empty message" in (replies[0].text or "")


async def test_handle_odd_text_is_stored_clean_and_answered(agent: Agent) -> None:
    texts = [
        "🚀🇫🇮 hello!",
        "שלום, مرحبا",
        "he\x00llo\x07 there",
        "bad \ud800 surrogate",
        "'; DROP TABLE event; --",
        "<script>alert(1)</script>",
    ]
    for number, text in enumerate(texts):
        replies = await agent.handle(_message(text, sender=f"odd-{number}"))
        assert replies, text
    state = await agent.tracker_state("odd-2")
    assert state is not None
    assert [e["text"] for e in state["events"] if e["event"] == "user"] == ["hello there"]
    state = await agent.tracker_state("odd-3")
    assert state is not None
    assert [e["text"] for e in state["events"] if e["event"] == "user"] == ["bad \ufffd surrogate"]
    state = await agent.tracker_state("odd-5")
    assert state is not None
    assert [e["text"] for e in state["events"] if e["event"] == "user"] == [
        "<script>alert(1)</script>"
    ]


async def test_handle_restart_clears_slots_and_loop(agent: Agent) -> None:
    await agent.handle(_message("/check_voucher"))
    await agent.handle(_message("Baltic Bytes"))
    await agent.handle(_message("/restart"))
    state = await agent.tracker_state("u1")
    assert state is not None
    assert state["slots"]["company_name"] is None and state["active_loop"] == {}


async def test_tracker_state_unknown_conversation_is_none(agent: Agent) -> None:
    assert await agent.tracker_state("nobody") is None


async def test_check_story_reports_a_wrong_expectation(agent: Agent) -> None:
    story = TestStory("wrong", "inline", (StoryTurn("hello", "goodbye", ("utter_goodbye",)),))
    result = await check_story(agent, story, "wrong-story")
    assert any("expected 'goodbye'" in f for f in result.failures)
    assert any("expected ['utter_goodbye']" in f for f in result.failures)


async def test_new_conversation_takes_a_supported_channel_language(agent: Agent) -> None:
    await agent.handle(
        UserMessage(sender_id="l1", text="hello", metadata={"language_code": "en-GB"})
    )
    await agent.handle(UserMessage(sender_id="l2", text="tere", metadata={"language_code": "et"}))
    english = await agent.tracker_state("l1")
    estonian = await agent.tracker_state("l2")
    assert english is not None and estonian is not None
    assert [e["value"] for e in english["events"] if e.get("name") == "language"] == []
    assert estonian["slots"]["language"] == "en"  # Estonian is not spoken: stays English


async def test_unknown_language_code_is_ignored_and_known_is_set(make_agent) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent()
    agent._languages = frozenset({"en", "sv"})  # as if Swedish data existed
    try:
        await agent.handle(
            UserMessage(sender_id="l3", text="hej", metadata={"language_code": "sv-SE"})
        )
        state = await agent.tracker_state("l3")
        assert state is not None and state["slots"]["language"] == "sv"
        await agent.handle(
            UserMessage(sender_id="l3", text="/show_menu", metadata={"language_code": "en"})
        )
        state = await agent.tracker_state("l3")
        assert state is not None and state["slots"]["language"] == "sv"  # only a new conversation
    finally:
        await agent.close()
