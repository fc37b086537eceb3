"""The durable inbox around `crud.claim_inbox`: ids derived from a request, and recovery.

A message is answered once per id. Channels give ids (Telegram's update id, a REST client's
`metadata.message_id`); when a REST client gives none, the web layer derives one from the
request (`derived_message_id`), so a retry of the same request after a crash or a timeout is
answered once instead of running the turn again.

A derived id without a client sequence cannot tell a retry from the same text sent again on
purpose (a "No" button pressed for two questions in a row), so it deduplicates only a request
that arrived while the first delivery was still unanswered: a retry after a timeout, which
waits for the conversation and then gets the first reply. A message answered before the
request arrived is taken as said again: its entry is retired (its id gets the entry's row id
appended) and the message is new. An unanswered entry is never retired: its turn stored
nothing (events and answer are one transaction), so running it is always right; that is how
a retry after a crashed worker is answered once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.storage import crud
from bot.storage.models import InboxEntry, utcnow

logger = logging.getLogger(__name__)

#: The longest a derived id without a client sequence deduplicates (since first receipt).
WINDOW_SECONDS = 60.0
#: Prefixes of derived ids: windowed (no client sequence) and stable (with one).
WINDOWED_PREFIX = "body~"
SEQUENCED_PREFIX = "bodyseq~"


def derived_message_id(channel: str, sender_id: str, body: bytes, sequence: str | None) -> str:
    """A stable id for a message that came without one: BLAKE2b of channel, sender and body.

    Args:
        channel: the channel it came in on.
        sender_id: the conversation it is for.
        body: the request body as received (a retry sends the same bytes).
        sequence: the client's sequence number of the message, if it gave one; with it the id
            deduplicates forever, without it only within `WINDOW_SECONDS`.
    """
    digest = hashlib.blake2b(digest_size=16)
    for part in (channel.encode(), sender_id.encode("utf-8", "surrogatepass"), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    prefix = WINDOWED_PREFIX if sequence is None else SEQUENCED_PREFIX
    if sequence is not None:
        digest.update(sequence.encode("utf-8", "surrogatepass"))
    return prefix + digest.hexdigest()


def claim(
    *,
    session: Session,
    channel: str,
    message_id: str,
    sender_id: str,
    conversation_id: int,
    arrived_at: datetime | None = None,
) -> InboxEntry | None:
    """`crud.claim_inbox`; a windowed id whose entry was answered before this request arrived
    (`arrived_at`, before it waited for the conversation) is retired first: a new message.

    Returns:
        None if the message is new (and now recorded), else the entry of its first delivery.
    """
    seen = crud.claim_inbox(
        session=session,
        channel=channel,
        message_id=message_id,
        sender_id=sender_id,
        conversation_id=conversation_id,
    )
    if (
        seen is None
        or not message_id.startswith(WINDOWED_PREFIX)
        or seen.answered_at is None
        or seen.sender_id != sender_id
    ):
        return seen
    answered_while_waiting = arrived_at is not None and seen.answered_at >= arrived_at
    recent = utcnow() - seen.received_at <= timedelta(seconds=WINDOW_SECONDS)
    if answered_while_waiting and recent:
        return seen
    retired = (
        update(InboxEntry)
        .where(col(InboxEntry.id) == seen.id)
        .values(message_id=f"{message_id}#{seen.id}")
    )
    session.execute(retired)
    return crud.claim_inbox(
        session=session,
        channel=channel,
        message_id=message_id,
        sender_id=sender_id,
        conversation_id=conversation_id,
    )


@dataclass(frozen=True)
class Recovery:
    """What the recovery pass found: messages accepted but never answered."""

    unanswered: int
    oldest_seconds: float | None


def recover(*, session: Session, older_than_seconds: float) -> Recovery:
    """Find messages claimed but never answered (their worker died mid-turn).

    Their turns stored nothing, and their entries are answerable: a retry of the same id
    finds the entry unanswered and runs the turn (`claim` never retires an unanswered entry).
    Entries younger than `older_than_seconds` may belong to a turn still running elsewhere and
    are not counted. Nothing is deleted: the entry keeps deduplicating the retry.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    statement = select(func.count(), func.min(InboxEntry.received_at)).where(
        col(InboxEntry.answered_at).is_(None), col(InboxEntry.received_at) < cutoff
    )
    count, oldest = session.exec(statement).one()
    age = None if oldest is None else (utcnow() - oldest).total_seconds()
    if count:
        logger.warning(
            "inbox: %d message(s) accepted but not answered (oldest %.0fs); a retry answers them",
            count,
            age or 0.0,
        )
    return Recovery(int(count), age)
