"""The outbound port: how messages that answer no incoming message reach a person.

A staff member's reply or a reminder is appended to a conversation between its turns
(`Agent.append_events`). The event log is the truth, so the events are stored first; then the
conversation's channel is told through its port, which each channel adapter implements
(the widget: wake the conversation's event streams; Telegram: send). A port that is not
reached (the person is offline, the stream is held by another worker) loses nothing: the
messages are in the log for the channel to read when it next looks.

A channel that can only answer (Rasa's REST channel: a request, its reply) registers
`NEXT_ANSWER`: the agent then puts the messages appended since the person last wrote before
its next reply. The log keeps them until then, so any worker gives them.
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


class KeptForNextAnswer:
    """The port of a channel that cannot push: delivery is the log itself; the agent adds the
    messages appended since the person's last message to the next reply."""

    async def deliver(self, sender_id: str, messages: Sequence[StoredMessage]) -> None:
        """Nothing to do: the messages are stored, and the next answer reads them."""


#: The one `KeptForNextAnswer` port, for channels such as Rasa's REST channel.
NEXT_ANSWER = KeptForNextAnswer()
