"""Which channel a conversation id belongs to.

Conversation ids are one namespace shared by every channel, so each channel other than Rasa's
REST channel writes its ids as ``<channel>:<its own id>`` (``telegram:<chat id>``,
``shell:<id>``, ``widget:<site key>:<session id>``). A channel may only address ids of its own
namespace: the REST channel refuses senders that name another channel's, and a stored profile
is loaded only into a conversation of the channel that saved it. REST ids stay plain
(``alice``), as Rasa clients send them.
"""

from __future__ import annotations

REST_CHANNEL = "rest"
#: Channels whose conversation ids are ``<channel>:<id>``; no other channel may use them.
NAMESPACED_CHANNELS = frozenset({"telegram", "shell", "widget"})
SEPARATOR = ":"


def namespace_of(sender_id: str) -> str | None:
    """The channel whose namespace `sender_id` names, or None for a plain id.

    Compared without case and surrounding spaces, so ``" Telegram:1"`` is refused as well:
    such an id is not Telegram's, but it only looks like one to confuse a reader.
    """
    prefix, separator, _ = sender_id.partition(SEPARATOR)
    channel = prefix.strip().casefold()
    return channel if separator and channel in NAMESPACED_CHANNELS else None


def belongs_to(sender_id: str, channel: str) -> bool:
    """Whether a conversation of `channel` may use `sender_id`: a namespaced id only on its
    own channel, a plain id only on a channel without a namespace (REST and the like)."""
    owner = namespace_of(sender_id)
    if owner is not None:
        return owner == channel and sender_id.startswith(f"{channel}{SEPARATOR}")
    return channel not in NAMESPACED_CHANNELS


def in_namespace(channel: str, local_id: str) -> str:
    """`local_id` as a conversation id of `channel` (kept as it is if it already is one)."""
    prefix = f"{channel}{SEPARATOR}"
    return local_id if local_id.startswith(prefix) else f"{prefix}{local_id}"
