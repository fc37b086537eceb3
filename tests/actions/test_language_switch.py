"""Asking for a language: typed in any spoken language, by command, by button, in a form."""

from __future__ import annotations

from typing import Any

from bot.dialogue.agent import Agent
from bot.dialogue.messages import BotMessage, UserMessage


async def _say(agent: Agent, text: str, sender: str) -> list[BotMessage]:
    return await agent.handle(UserMessage(sender_id=sender, text=text))


async def _slots(agent: Agent, sender: str) -> dict[str, Any]:
    state = await agent.tracker_state(sender, include_events="NONE")
    assert state is not None
    return dict(state["slots"])


async def test_the_command_offers_every_spoken_language_as_a_button(agent: Agent) -> None:
    replies = await _say(agent, "/switch_language", "lang-1")
    buttons = [b for reply in replies for b in reply.buttons]
    titles = {b.title for b in buttons}
    assert {"English", "suomi", "svenska", "dansk", "lietuvių", "norsk"} <= titles
    assert titles <= {"English", "suomi", "svenska", "dansk", "lietuvių", "norsk"}
    swedish = next(b for b in buttons if b.title == "svenska")
    replies = await _say(agent, swedish.payload, "lang-1")
    assert (await _slots(agent, "lang-1"))["language"] == "sv"
    assert replies[-1].text == "Visst, vi fortsätter på svenska."


async def test_asking_in_english_for_swedish_switches(agent: Agent) -> None:
    await _say(agent, "hi", "lang-2")
    replies = await _say(agent, "can we speak swedish instead?", "lang-2")
    assert (await _slots(agent, "lang-2"))["language"] == "sv"
    assert "svenska" in (replies[-1].text or "")


async def test_asking_in_finnish_for_english_switches_back(agent: Agent) -> None:
    await _say(agent, '/switch_language{"language": "fi"}', "lang-3")
    replies = await _say(agent, "voidaanko puhua englantia?", "lang-3")
    assert (await _slots(agent, "lang-3"))["language"] == "en"
    assert replies[-1].text == "Fine, let's continue in English."


async def test_a_language_not_spoken_yet_is_named_with_the_choices(agent: Agent) -> None:
    replies = await _say(agent, "can you talk in estonian?", "lang-4")
    texts = " ".join(r.text or "" for r in replies)
    assert "eesti" in texts and "yet" in texts
    assert "English" in {b.title for r in replies for b in r.buttons}
    assert (await _slots(agent, "lang-4"))["language"] == "en"


async def test_switching_in_the_middle_of_the_profile_asks_the_question_again(
    agent: Agent,
) -> None:
    await _say(agent, "/check_voucher", "lang-5")
    await _say(agent, "Baltic Bytes Oy", "lang-5")
    replies = await _say(agent, "voimmeko jatkaa suomeksi?", "lang-5")
    slots = await _slots(agent, "lang-5")
    assert slots["language"] == "fi" and slots["company_name"] == "Baltic Bytes Oy"
    assert slots["requested_slot"] == "country"
    assert replies[0].text == "Selvä, jatketaan suomeksi."
    assert len(replies) >= 2  # then the form's question, in Finnish


async def test_the_modules_in_english_are_announced_in_the_conversations_language(
    agent: Agent,
) -> None:
    await _say(agent, '/switch_language{"language": "fi"}', "lang-6")
    replies = await _say(agent, "/show_learning_menu", "lang-6")
    assert replies[0].text == "Tämä osa on toistaiseksi saatavilla vain englanniksi."
    english = await _say(agent, "/show_learning_menu", "lang-7")
    assert "English only" not in " ".join(r.text or "" for r in english)
