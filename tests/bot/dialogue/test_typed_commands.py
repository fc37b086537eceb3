"""Commands typed as text in the middle of a form are commands, not answers."""

from __future__ import annotations

from dialogue_helpers import slots_of

from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage


async def test_a_command_is_not_the_company_name(agent: Agent) -> None:
    await agent.handle(UserMessage(sender_id="c1", text="check voucher"))
    await agent.handle(UserMessage(sender_id="c1", text="/list_my_company"))
    assert (await slots_of(agent, "c1"))["company_name"] is None


async def test_delete_my_data_as_a_command_asks_first_then_erases(agent: Agent) -> None:
    await agent.handle(UserMessage(sender_id="c2", text="check voucher"))
    await agent.handle(UserMessage(sender_id="c2", text="Baltic Fibre Oy"))
    asked = await agent.handle(UserMessage(sender_id="c2", text="/delete_my_data"))
    assert (await slots_of(agent, "c2"))["company_name"] == "Baltic Fibre Oy"
    assert any(b.payload == "/affirm" for r in asked for b in r.buttons)
    await agent.handle(UserMessage(sender_id="c2", text="yes"))
    state = await agent.tracker_state("c2")
    assert state is None or state["slots"]["company_name"] is None
