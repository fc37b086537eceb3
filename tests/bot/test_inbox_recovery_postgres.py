"""A worker killed under load loses no message and answers none twice.

Clients retry a request until it is answered, as they do after a dropped connection. While
40 senders talk to `python -m bot serve --workers 2`, workers are SIGKILLed; the supervisor
starts new ones. Afterwards every sender's messages are stored exactly once, in order, and no
accepted message is left unanswered: half the senders give message ids, half give only their
counter `metadata.sequence` (their ids are derived from it and the request body).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from worker_cluster import (
    TEXTS,
    converse,
    start_cluster,
    stored_user_texts,
    unanswered_inbox,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SENDERS = 40


def test_sigkilled_worker_every_accepted_message_answered_once(
    postgres_test_database: str, models_dir: Path, tmp_path: Path
) -> None:
    engine = create_engine(postgres_test_database, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    cluster = start_cluster(postgres_test_database, models_dir, tmp_path / "server.log", workers=2)
    try:
        cluster.wait_ready(workers=2)
        killed: list[int] = []
        retries: list[int] = []

        async def kill_twice() -> None:
            for _ in range(2):
                await asyncio.sleep(1.5)
                victim = cluster.worker_pids()[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
                # Wait for the supervisor to start a replacement before the next kill.
                deadline = time.monotonic() + 120
                while len(cluster.worker_pids()) < 2 and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)

        async def load() -> None:
            limits = httpx.Limits(max_connections=SENDERS, max_keepalive_connections=SENDERS)
            async with httpx.AsyncClient(timeout=30, limits=limits) as http:
                async with asyncio.timeout(300):
                    await asyncio.gather(
                        kill_twice(),
                        *(
                            converse(
                                http,
                                cluster.url,
                                f"k-s{s}",
                                TEXTS,
                                with_ids=s % 2 == 0,
                                retries=retries,
                            )
                            for s in range(SENDERS)
                        ),
                    )

        asyncio.run(load())
        assert len(killed) == 2
        assert sum(retries) > 0, "the kills interrupted no request: the test proved nothing"
        stored = stored_user_texts(postgres_test_database)
        for s in range(SENDERS):
            assert stored.get(f"k-s{s}") == TEXTS, (
                f"k-s{s} ({'ids' if s % 2 == 0 else 'sequence only'})"
            )
        assert unanswered_inbox(postgres_test_database) == 0
        cluster.wait_ready(workers=2, timeout=60)
        print(f"killed {killed}; {sum(retries)} requests retried")
    finally:
        cluster.stop()
    log = cluster.log.read_text()
    assert "starting another" in log
