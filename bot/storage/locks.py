"""Per-conversation locks, so the turns of one conversation never overlap.

Within a process an `asyncio.Lock` per sender serialises turns; on PostgreSQL a session
advisory lock per sender also serialises them across worker processes. SQLite is for a
single process, so the in-process lock is all it needs.

Advisory locks are held on connections of the process's one engine, but never more than
`LOCK_CONNECTIONS` at once, half of what the pool may open: a turn holds its lock connection
while it opens sessions, so if locks could take every connection, waiting turns would starve
each other. The semaphore makes further turns wait without holding anything, and the other half
of the pool stays free for sessions, which never wait for a second connection while holding one.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from bot.storage.db import POSTGRES_MAX_CONNECTIONS, is_postgres

#: Advisory locks held at once per process: half the engine's connections.
LOCK_CONNECTIONS = POSTGRES_MAX_CONNECTIONS // 2


def advisory_key(sender_id: str) -> int:
    """The 64-bit signed advisory lock key of a sender: the first 8 bytes of its BLAKE2b."""
    digest = hashlib.blake2b(sender_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass
class _Entry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # holders and waiters; the entry goes when this drops to 0


class ConversationLocks:
    """Owns the per-sender locks of one process (and, on PostgreSQL, their advisory locks).

    Make one per engine and share it between all tasks of the process; `hold(sender_id)`
    is the only operation. Entries exist only while someone holds or waits for them.
    """

    def __init__(self, engine: Engine, *, max_held: int = LOCK_CONNECTIONS) -> None:
        self._across_processes = is_postgres(engine)
        self._engine = engine
        self._slots = asyncio.Semaphore(max_held)
        self._entries: dict[str, _Entry] = {}

    def dispose(self) -> None:
        """Nothing to close: the connections belong to the engine, whose owner disposes it."""

    def __len__(self) -> int:
        """How many senders are locked or awaited right now."""
        return len(self._entries)

    @asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[None]:
        """Hold the sender's conversation for the duration of the `async with` block."""
        entry = self._entries.setdefault(sender_id, _Entry())
        entry.users += 1
        try:
            async with entry.lock:
                if not self._across_processes:
                    yield
                    return
                async with self._slots:
                    connection = await _acquire_without_leaking(self._engine, sender_id)
                    try:
                        yield
                    finally:
                        await asyncio.shield(asyncio.to_thread(_unlock, connection, sender_id))
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[sender_id]


async def _acquire_without_leaking(engine: Engine, sender_id: str) -> Connection:
    """Take the advisory lock in a thread; if we are cancelled meanwhile, release it later."""
    acquiring = asyncio.ensure_future(asyncio.to_thread(_lock, engine, sender_id))
    try:
        return await asyncio.shield(acquiring)
    except asyncio.CancelledError:
        acquiring.add_done_callback(lambda done: _release_abandoned(done, sender_id))
        raise


def _release_abandoned(done: asyncio.Future[Connection], sender_id: str) -> None:
    if done.cancelled() or done.exception() is not None:
        return
    asyncio.get_running_loop().run_in_executor(None, _unlock, done.result(), sender_id)


def _lock(engine: Engine, sender_id: str) -> Connection:
    """Check out a connection and block on it until the sender's advisory lock is ours."""
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": advisory_key(sender_id)})
    except BaseException:
        connection.close()
        raise
    return connection


def _unlock(connection: Connection, sender_id: str) -> None:
    """Release the advisory lock and return the connection to the pool.

    If the unlock fails the connection is discarded instead: closing the database session
    releases every lock it held, so a lock can never outlive its holder.
    """
    try:
        statement = text("SELECT pg_advisory_unlock(:key)")
        released = connection.execute(statement, {"key": advisory_key(sender_id)}).scalar()
        if not released:
            connection.invalidate()
    except Exception:
        connection.invalidate()
    finally:
        connection.close()
