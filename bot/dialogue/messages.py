"""What flows into and out of the agent, independent of any channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class UserMessage:
    """One message received from a person on some channel.

    `message_id` is the channel's own id for the message (Telegram's update id, a
    client-supplied id on REST); a redelivery with the same id is answered once.
    """

    sender_id: str
    text: str
    channel: str = "rest"
    message_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered to the user; `payload` is sent back as if typed."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class BotMessage:
    """One reply, in Rasa's response shape, ready for any channel to render."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: dict[str, Any] | None = None

    def to_rasa(self, recipient_id: str) -> dict[str, Any]:
        """The message as Rasa's REST channel sends it."""
        out: dict[str, Any] = {"recipient_id": recipient_id}
        if self.text is not None:
            out["text"] = self.text
        if self.buttons:
            out["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        if self.image is not None:
            out["image"] = self.image
        if self.custom is not None:
            out["custom"] = self.custom
        return out

    @classmethod
    def from_rasa(cls, data: dict[str, Any]) -> BotMessage:
        """Build from a Rasa bot message (as a dispatcher or response produces it)."""
        buttons = tuple(
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in data.get("buttons") or []
        )
        return cls(
            text=data.get("text"),
            buttons=buttons,
            image=data.get("image"),
            custom=data.get("custom") or data.get("json_message"),
        )
