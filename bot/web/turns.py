"""One user message through the agent, as an HTTP API answers it."""

from __future__ import annotations

import logging

from bot.dialogue.agent import Agent, TurnRefused
from bot.dialogue.messages import BotMessage, UserMessage
from bot.web.errors import ApiError

logger = logging.getLogger(__name__)


async def answer(agent: Agent, message: UserMessage) -> list[BotMessage]:
    """The agent's replies to `message`.

    Raises:
        ApiError: 503 with Retry-After when the turn was refused (busy conversation, draining
            server) or failed; nothing of it was stored, so the same request may be sent again.
    """
    try:
        return await agent.handle(message, refuse=True)
    except TurnRefused as refused:
        text = " ".join(m.text or "" for m in refused.reply) or "please retry"
        raise ApiError(
            503,
            refused.reason.replace(" ", "_"),
            text,
            headers={"Retry-After": str(refused.retry_after)},
        ) from refused
    except Exception as error:
        logger.exception(
            "agent failed on %s message sender=%s message_id=%s chars=%d",
            message.channel,
            message.sender_id,
            message.message_id,
            len(message.text),
        )
        raise ApiError(
            503,
            "unavailable",
            "the assistant could not answer right now; please retry",
            headers={"Retry-After": "1"},
        ) from error
