"""Per-conversation locks, so the turns of one conversation never overlap.

Within a process an `asyncio.Lock` per sender serialises turns; on PostgreSQL a session
advisory lock per sender also serialises them across worker processes. SQLite is for a
single process, so the in-process lock is all it needs.

Why it cannot deadlock:

* The advisory lock is taken on a connection the turn owns and then uses for its own storage
  (`Held.connection`), so a turn never holds one connection while waiting for a second.
* No thread ever blocks waiting for a lock: the lock is *tried* (`pg_try_advisory_lock`) on the
  storage executor, and between tries the turn sleeps on the event loop. A holder's unlock
  therefore always finds a free storage thread; nothing shares Python's default thread pool.
* The whole wait (in-process lock, connection slot, advisory lock) is bounded by `wait_seconds`;
  past it `ConversationBusy` is raised and the caller says "busy, try again".
* At most `LOCK_CONNECTIONS` (half of the pool) connections are held by turns, so sessions of
  in-process actions and web APIs always find one.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from bot.storage.db import POSTGRES_MAX_CONNECTIONS, is_postgres

#: Advisory locks held at once per process: half the engine's connections.
LOCK_CONNECTIONS = POSTGRES_MAX_CONNECTIONS // 2
#: How long a turn waits for its conversation by default before it is told "busy".
DEFAULT_WAIT_SECONDS = 10.0
#: Pauses between tries of a held advisory lock: short at first, then at most this long.
_FIRST_RETRY_SECONDS = 0.005
_MAX_RETRY_SECONDS = 0.1

_TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")


class ConversationBusy(Exception):
    """The conversation stayed locked by another turn for longer than the wait allows."""

    def __init__(self, sender_id: str, waited: float) -> None:
        super().__init__(f"conversation {sender_id} busy after {waited:.1f}s")
        self.sender_id = sender_id
        self.waited = waited


def advisory_key(sender_id: str) -> int:
    """The 64-bit signed advisory lock key of a sender: the first 8 bytes of its BLAKE2b."""
    digest = hashlib.blake2b(sender_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True)
class Held:
    """A held conversation: on PostgreSQL, the connection that holds its advisory lock.

    The turn runs its transactions on this connection (never on a second one), so it needs
    exactly one connection; on SQLite `connection` is None and sessions use the engine.
    """

    sender_id: str
    connection: Connection | None


@dataclass
class _Entry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # holders and waiters; the entry goes when this drops to 0


class ConversationLocks:
    """Owns the per-sender locks of one process (and, on PostgreSQL, their advisory locks).

    Make one per engine and share it between all tasks of the process; `hold(sender_id)`
    is the only operation. Entries exist only while someone holds or waits for them.

    Args:
        engine: the process's engine for the database.
        max_held: advisory locks (connections) held at once.
        wait_seconds: the longest a turn waits for its conversation.
        executor: where the blocking database calls run (the agent's storage executor);
            without one, a small executor of its own, shut down by `dispose`.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        max_held: int = LOCK_CONNECTIONS,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
        executor: Executor | None = None,
    ) -> None:
        self._across_processes = is_postgres(engine)
        self._engine = engine
        self._slots = asyncio.Semaphore(max_held)
        self._wait = wait_seconds
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(2, thread_name_prefix="locks")
        self._entries: dict[str, _Entry] = {}

    def dispose(self) -> None:
        """Shut down the executor if it is this object's own; the engine belongs to its owner."""
        if self._own_executor:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def __len__(self) -> int:
        """How many senders are locked or awaited right now."""
        return len(self._entries)

    @asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[Held]:
        """Hold the sender's conversation for the duration of the `async with` block.

        Raises:
            ConversationBusy: the conversation was not free within `wait_seconds`.
        """
        entry = self._entries.setdefault(sender_id, _Entry())
        entry.users += 1
        started = time.monotonic()
        deadline = started + self._wait
        try:
            try:
                async with asyncio.timeout(self._wait):
                    await entry.lock.acquire()
            except TimeoutError:
                raise ConversationBusy(sender_id, time.monotonic() - started) from None
            try:
                if not self._across_processes:
                    yield Held(sender_id, None)
                    return
                try:
                    async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                        await self._slots.acquire()
                except TimeoutError:
                    raise ConversationBusy(sender_id, time.monotonic() - started) from None
                try:
                    connection = await self._acquire(sender_id, deadline, started)
                    try:
                        yield Held(sender_id, connection)
                    finally:
                        await self._release(connection, sender_id)
                finally:
                    self._slots.release()
            finally:
                entry.lock.release()
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[sender_id]

    async def _acquire(self, sender_id: str, deadline: float, started: float) -> Connection:
        """A connection holding the sender's advisory lock, tried until the deadline.

        A storage call that is under way when the turn is cancelled is let finish, and what it
        did is undone from its callback (the connection closed, the lock released), so a
        cancelled turn never leaks a connection or a lock, and no connection is used by two
        threads at once.
        """
        loop = asyncio.get_running_loop()
        key = advisory_key(sender_id)
        checkout = loop.run_in_executor(self._executor, _connect, self._engine)
        try:
            connection = await asyncio.shield(checkout)
        except asyncio.CancelledError:
            checkout.add_done_callback(self._close_abandoned)
            raise
        pause = _FIRST_RETRY_SECONDS
        while True:
            tried = loop.run_in_executor(self._executor, _try_lock, connection, key)
            try:
                taken = await asyncio.shield(tried)
            except asyncio.CancelledError:
                tried.add_done_callback(
                    lambda done: self._executor.submit(_settle_abandoned, done, connection, key)
                )
                raise
            except BaseException:
                await asyncio.shield(loop.run_in_executor(self._executor, _close, connection))
                raise
            if taken:
                return connection
            if time.monotonic() + pause > deadline:
                await asyncio.shield(loop.run_in_executor(self._executor, _close, connection))
                raise ConversationBusy(sender_id, time.monotonic() - started)
            try:
                await asyncio.sleep(pause)
            except asyncio.CancelledError:
                self._executor.submit(_close, connection)
                raise
            pause = min(pause * 2, _MAX_RETRY_SECONDS)

    def _close_abandoned(self, done: asyncio.Future[Connection]) -> None:
        if not done.cancelled() and done.exception() is None:
            self._executor.submit(_close, done.result())

    async def _release(self, connection: Connection, sender_id: str) -> None:
        loop = asyncio.get_running_loop()
        unlock = loop.run_in_executor(self._executor, _unlock, connection, advisory_key(sender_id))
        await asyncio.shield(unlock)


def _connect(engine: Engine) -> Connection:
    return engine.connect()


def _try_lock(connection: Connection, key: int) -> bool:
    """Try the advisory lock once; the transaction is committed so the connection is idle
    (the lock is session-level: it stays until unlocked or the connection closes)."""
    try:
        taken = bool(connection.execute(_TRY_LOCK, {"key": key}).scalar())
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return taken


def _settle_abandoned(done: asyncio.Future[bool], connection: Connection, key: int) -> None:
    """Undo a lock try whose turn was cancelled: release the lock if it was taken."""
    if not done.cancelled() and done.exception() is None and done.result():
        _unlock(connection, key)
    else:
        _close(connection)


def _close(connection: Connection) -> None:
    connection.close()


def _unlock(connection: Connection, key: int) -> None:
    """Release the advisory lock and return the connection to the pool.

    If the unlock fails the connection is discarded instead: closing the database session
    releases every lock it held, so a lock can never outlive its holder.
    """
    try:
        if connection.in_transaction():
            connection.rollback()
        released = connection.execute(_UNLOCK, {"key": key}).scalar()
        connection.commit()
        if not released:
            connection.invalidate()
    except Exception:
        connection.invalidate()
    finally:
        connection.close()
