"""Forms through the real agent: nobody is trapped, a stop is a pause, a question is answered."""

from __future__ import annotations

from typing import Any

from dialogue_helpers import slots_of

from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage


async def _say(agent: Agent, text: str, sender: str = "f1") -> list[str]:
    """The response names the bot uttered for one typed message."""
    before = await agent.tracker_state(sender, "ALL")
    seen = len(before["events"]) if before else 0
    await agent.handle(UserMessage(sender_id=sender, text=text))
    state = await agent.tracker_state(sender, "ALL")
    assert state is not None
    return [
        (e.get("metadata") or {}).get("utter_action") or ""
        for e in state["events"][seen:]
        if e["event"] == "bot"
    ]


async def _slots(agent: Agent, sender: str = "f1") -> dict[str, Any]:
    return await slots_of(agent, sender)


async def test_a_question_asked_three_times_offers_a_way_out(agent: Agent) -> None:
    await _say(agent, "check if we can get a voucher")
    asked = await _say(agent, "Baltic Fibre Oy")  # the country question, first time
    first = await _say(agent, "blue")  # not a country: asked again
    second = await _say(agent, "green")  # asked a third time: with a way out
    assert asked[-1] == "utter_ask_country"
    assert "utter_ask_country" in first and "utter_form_stuck" not in first
    assert "utter_ask_country" in second and second[-1] == "utter_form_stuck"
    state = await agent.tracker_state("f1")
    assert state is not None
    stuck = [e for e in state["events"] if e["event"] == "bot"][-1]
    buttons = [b["payload"] for b in stuck["data"]["buttons"]]
    assert "/talk_to_human" in buttons and "/skip" in buttons
    third = await _say(agent, "Finland")
    assert "utter_form_stuck" not in third and (await _slots(agent))["country"] == "FI"


async def test_facts_after_stop_do_not_reopen_the_form_until_continue(agent: Agent) -> None:
    await _say(agent, "check voucher")
    await _say(agent, "Baltic Fibre Oy")
    assert "utter_form_stopped" in await _say(agent, "stop")
    paused = await _say(agent, "we are 25 people in Tampere")
    assert paused == ["utter_form_paused"]
    slots = await _slots(agent)
    assert slots["employees"] is None and slots["requested_slot"] is None
    resumed = await _say(agent, "continue")
    assert resumed and resumed[-1] == "utter_ask_country"
    assert (await _slots(agent))["company_name"] == "Baltic Fibre Oy"


async def test_a_question_mid_form_is_answered_and_the_question_asked_again(agent: Agent) -> None:
    await _say(agent, "check voucher")
    said = await _say(agent, "what is smart specialisation?")
    assert said[-1] == "utter_ask_company_name"
    assert len(said) >= 2  # the answer, then the question again
    assert (await _slots(agent))["company_name"] is None


async def test_a_typed_name_keeps_the_facts_around_it(agent: Agent) -> None:
    await _say(agent, "check voucher")
    said = await _say(agent, "Kaunas, we make smart packaging sensors, 14 people")
    slots = await _slots(agent)
    assert slots["company_name"] is None and slots["employees"] == 14
    assert slots["country"] == "LT"
    assert said[-1] == "utter_ask_company_name"
    await _say(agent, "it's Packsense UAB")
    assert (await _slots(agent))["company_name"] == "Packsense UAB"
