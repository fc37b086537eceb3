"""Two worker processes on one PostgreSQL database cannot deadlock.

50 senders × 10 messages at once, five times, through `python -m bot serve --workers 2`: every
round ends within its deadline, and every message is stored exactly once, in the order sent,
in its conversation. Also: a conversation held elsewhere gets 503 with Retry-After once the
lock wait is over, `/ready` is separate from `/health`, and SIGTERM stops the server within
a few seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from worker_cluster import TEXTS, Cluster, converse, start_cluster, stored_user_texts

from bot.storage.locks import advisory_key

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SENDERS = 50
ROUNDS = 5
ROUND_DEADLINE_SECONDS = 180
LOCK_WAIT_SECONDS = 3


@pytest.fixture
def cluster(postgres_test_database: str, models_dir: Path, tmp_path: Path) -> Iterator[Cluster]:
    engine = create_engine(postgres_test_database, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    running = start_cluster(
        postgres_test_database,
        models_dir,
        tmp_path / "server.log",
        workers=2,
        LOCK_WAIT_SECONDS=str(LOCK_WAIT_SECONDS),
    )
    try:
        running.wait_ready(workers=2)
        yield running
    finally:
        running.stop()


def test_two_workers_store_every_message_once_in_order(
    cluster: Cluster, postgres_test_database: str
) -> None:
    async def round_of(number: int) -> float:
        limits = httpx.Limits(max_connections=SENDERS, max_keepalive_connections=SENDERS)
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:
            started = time.monotonic()
            async with asyncio.timeout(ROUND_DEADLINE_SECONDS):
                await asyncio.gather(
                    *(
                        converse(http, cluster.url, f"r{number}-s{s}", TEXTS, with_ids=s % 2 == 0)
                        for s in range(SENDERS)
                    )
                )
            return time.monotonic() - started

    durations = [asyncio.run(round_of(number)) for number in range(ROUNDS)]
    stored = stored_user_texts(postgres_test_database)
    for number in range(ROUNDS):
        for s in range(SENDERS):
            assert stored.get(f"r{number}-s{s}") == TEXTS, f"r{number}-s{s}"
    assert len(stored) == ROUNDS * SENDERS
    print(f"rounds of {SENDERS * len(TEXTS)} turns took {[round(d, 1) for d in durations]} s")


def test_busy_conversation_gets_503_with_retry_after(
    cluster: Cluster, postgres_test_database: str
) -> None:
    """Another process holds the conversation past the lock wait: 503, nothing stored."""
    engine = create_engine(postgres_test_database, poolclass=NullPool)
    try:
        with engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": advisory_key("busy-1")})
            holder.commit()
            started = time.monotonic()
            response = httpx.post(
                f"{cluster.url}/webhooks/rest/webhook",
                json={"sender": "busy-1", "message": "hello"},
                timeout=30,
            )
            waited = time.monotonic() - started
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "2"
            assert "previous message" in response.json()["error"]["message"]
            assert LOCK_WAIT_SECONDS - 0.5 < waited < LOCK_WAIT_SECONDS + 5
        # The lock is gone with its connection: the same request is now answered.
        again = httpx.post(
            f"{cluster.url}/webhooks/rest/webhook",
            json={"sender": "busy-1", "message": "hello"},
            timeout=30,
        )
        assert again.status_code == 200
    finally:
        engine.dispose()
    assert stored_user_texts(postgres_test_database)["busy-1"] == ["hello"]


def test_ready_and_health_and_prompt_shutdown(cluster: Cluster) -> None:
    health = httpx.get(f"{cluster.url}/health", timeout=5)
    ready = httpx.get(f"{cluster.url}/ready", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "model": True, "accepting": True}
    assert cluster.stop(timeout=20) < 15
    assert cluster.process.returncode == 0
