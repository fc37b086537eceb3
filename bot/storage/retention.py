"""Retention: delete the conversations idle for longer than the operator keeps them.

A conversation's last activity is its `updated_at` (every appended event moves it). Each idle
sender is erased through the one erasure (`crud.delete_sender_data`: events, inbox entries,
profile, introduction requests, listings), under that conversation's lock, and only if it
is still idle once the lock is held, so a user who comes back meanwhile keeps the history.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.storage import crud
from bot.storage.db import session
from bot.storage.locks import ConversationLocks
from bot.storage.models import Conversation

#: Senders read per query, so a large backlog is not loaded at once.
BATCH = 500


def idle_senders(*, session: Session, cutoff: datetime, limit: int = BATCH) -> list[str]:
    """Senders of conversations last active before `cutoff`, oldest first.

    Args:
        session: The database session.
        cutoff: Conversations updated before this (aware UTC) are idle.
        limit: At most this many.

    Returns:
        Their sender ids.
    """
    statement = (
        select(Conversation.sender_id)
        .where(col(Conversation.updated_at) < cutoff)
        .order_by(col(Conversation.updated_at), col(Conversation.id))
        .limit(limit)
    )
    return list(session.exec(statement))


def _erase_if_idle(engine: Engine, sender_id: str, cutoff: datetime) -> bool:
    with session(engine) as db:
        conversation = crud.get_conversation(session=db, sender_id=sender_id)
        if conversation is None or conversation.updated_at >= cutoff:
            return False
        crud.delete_sender_data(session=db, sender_id=sender_id)
        return True


async def delete_idle_conversations(engine: Engine, cutoff: datetime) -> int:
    """Erase every sender whose conversation was last active before `cutoff`.

    Args:
        engine: The database.
        cutoff: The oldest last activity that is kept (aware UTC).

    Returns:
        How many conversations were deleted.
    """
    locks = ConversationLocks(engine)
    deleted = 0
    skipped: set[str] = set()
    try:
        while True:
            with session(engine) as db:
                batch = [
                    s
                    for s in idle_senders(session=db, cutoff=cutoff, limit=BATCH + len(skipped))
                    if s not in skipped
                ]
            if not batch:
                return deleted
            for sender_id in batch:
                async with locks.hold(sender_id):
                    erased = await asyncio.to_thread(_erase_if_idle, engine, sender_id, cutoff)
                if erased:
                    deleted += 1
                else:
                    skipped.add(sender_id)
    finally:
        locks.dispose()
