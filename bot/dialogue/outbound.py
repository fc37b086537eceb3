"""The outbound port: how messages that answer no incoming message reach a person.

A staff member's reply or a reminder is appended to a conversation between its turns
(`Agent.append_events`). The event log is the truth, so the events are stored first; then the
conversation's channel is told through its port, which each channel adapter implements
(the widget: wake the conversation's event streams). A port that is not reached (the person
is offline, the stream is held by another worker) loses nothing: the messages are in the log
for the channel to read when it next looks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.dialogue.messages import BotMessage

#: Metadata key marking a bot event appended outside a turn.
OUTSIDE_TURN = "outside_turn"


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A bot message appended outside a turn, with its place (`seq`) in the conversation's log."""

    seq: int
    message: BotMessage
    timestamp: float


class Outbound(Protocol):
    """A channel's way to deliver stored messages to a conversation's person."""

    async def deliver(self, sender_id: str, messages: Sequence[StoredMessage]) -> None:
        """Deliver `messages`, already stored, to the conversation `sender_id`."""
        ...
