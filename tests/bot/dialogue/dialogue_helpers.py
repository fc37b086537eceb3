"""Small helpers the dialogue tests share: a conversation's current slots."""

from __future__ import annotations

from typing import Any

from bot.dialogue.agent import Agent


async def slots_of(agent: Agent, sender: str) -> dict[str, Any]:
    """The conversation's slots, as the tracker endpoint shows them."""
    state = await agent.tracker_state(sender)
    assert state is not None
    return dict(state["slots"])
