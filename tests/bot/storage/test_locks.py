"""Per-conversation locks: one turn at a time per sender, across workers on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.storage.db import is_postgres, make_engine
from bot.storage.locks import ConversationLocks, advisory_key

only_postgres = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def test_advisory_key_is_a_stable_signed_64_bit_int() -> None:
    key = advisory_key("tg:42")
    assert key == advisory_key("tg:42")
    assert key != advisory_key("tg:43")
    assert -(2**63) <= key < 2**63
    assert advisory_key("") != advisory_key("\x00")


async def _turn(locks: ConversationLocks, sender_id: str, name: str, log: list[str]) -> None:
    async with locks.hold(sender_id):
        log.append(f"{name} in")
        await asyncio.sleep(0.05)
        log.append(f"{name} out")


async def test_hold_same_sender_is_serialised(engine: Engine) -> None:
    locks = ConversationLocks(engine)
    log: list[str] = []
    await asyncio.gather(*(_turn(locks, "tg:1", name, log) for name in "abc"))
    assert log == ["a in", "a out", "b in", "b out", "c in", "c out"]
    assert len(locks) == 0


async def test_hold_different_senders_run_concurrently(engine: Engine) -> None:
    locks = ConversationLocks(engine)
    log: list[str] = []
    await asyncio.gather(*(_turn(locks, f"tg:{name}", name, log) for name in "abc"))
    assert sorted(log[:3]) == ["a in", "b in", "c in"]  # all in before anyone is out
    assert len(locks) == 0


async def test_hold_releases_on_error_and_forgets_the_sender(engine: Engine) -> None:
    locks = ConversationLocks(engine)
    with pytest.raises(RuntimeError):
        async with locks.hold("tg:1"):
            assert len(locks) == 1
            raise RuntimeError("turn failed")
    assert len(locks) == 0
    async with asyncio.timeout(5), locks.hold("tg:1"):
        pass


async def test_hold_cancelled_waiter_does_not_leak(engine: Engine) -> None:
    locks = ConversationLocks(engine)
    entered = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with locks.hold("tg:1"):
            entered.set()
            await release.wait()

    first = asyncio.create_task(holder())
    await entered.wait()
    waiter = asyncio.create_task(_turn(locks, "tg:1", "w", []))
    await asyncio.sleep(0.05)
    waiter.cancel()
    release.set()
    await first
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert len(locks) == 0
    async with asyncio.timeout(5), locks.hold("tg:1"):
        pass


@only_postgres
async def test_hold_excludes_another_worker_on_postgres(engine: Engine, database_url: str) -> None:
    """Two engines stand for two worker processes; the advisory lock keeps them apart."""
    assert is_postgres(engine)
    other_engine = make_engine(database_url)
    try:
        worker_a, worker_b = ConversationLocks(engine), ConversationLocks(other_engine)
        log: list[str] = []
        inside = asyncio.Event()

        async def first() -> None:
            async with worker_a.hold("tg:1"):
                log.append("a in")
                inside.set()
                await asyncio.sleep(0.3)
                log.append("a out")

        async def second() -> None:
            await inside.wait()
            async with worker_b.hold("tg:1"):
                log.append("b in")
            async with worker_b.hold("tg:2"):  # another sender is not held up
                log.append("b other")

        await asyncio.wait_for(asyncio.gather(first(), second()), timeout=10)
        assert log == ["a in", "a out", "b in", "b other"]
        with engine.connect() as connection:
            held = connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            ).scalar_one()
        assert held == 0
    finally:
        other_engine.dispose()


@only_postgres
async def test_hold_other_sender_on_postgres_is_not_blocked(
    engine: Engine, database_url: str
) -> None:
    assert is_postgres(engine)
    other_engine = make_engine(database_url)
    try:
        worker_a, worker_b = ConversationLocks(engine), ConversationLocks(other_engine)
        async with worker_a.hold("tg:1"), asyncio.timeout(5), worker_b.hold("tg:2"):
            pass
    finally:
        other_engine.dispose()
