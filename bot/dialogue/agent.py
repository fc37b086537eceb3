"""The agent: runs one turn of a conversation, from a received message to stored replies."""

from __future__ import annotations

from typing import Any

from bot.dialogue.messages import BotMessage, UserMessage


class Agent:
    """Owns the turn: inbox, lock, tracker, NLU, policy, actions, storage."""

    async def handle(self, message: UserMessage) -> list[BotMessage]:
        """Answer one message; a redelivered message id returns the first answer."""
        raise NotImplementedError

    async def tracker_state(self, sender_id: str) -> dict[str, Any] | None:
        """The conversation in Rasa's tracker shape, or None if it does not exist."""
        raise NotImplementedError
