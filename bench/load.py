"""Fixed-duration load on the REST channel at 1, 2 and 4 workers (PostgreSQL).

Many simulated users send the scripted messages of `bench/turns.py` for a fixed time; each
starts a fresh conversation every few turns, as visitors come and go. For every worker count a
server is started (`python -m bot serve --workers N`) on the given PostgreSQL database, warmed
up, loaded for `--seconds`, and stopped. Prints throughput, p50/p95/p99 latency and errors.

    python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/load.py --workers 1,2 --users 40 --seconds 30 --json bench/results/load.json

Loopback only; several workers need PostgreSQL (the server refuses them on SQLite).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from turns import (  # noqa: E402
    free_port,
    percentile,
    scripted_turn,
    start_server,
    stop_server,
    wait_until_up,
)


@dataclass
class LoadResult:
    """One worker count's figures."""

    workers: int
    users: int
    seconds: float
    turns: int
    errors: int
    turns_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


async def _visitor(
    http: httpx.AsyncClient, name: str, deadline: float, per_visit: int, latencies: list[float]
) -> int:
    """Send messages until the deadline, a new conversation every `per_visit` turns."""
    errors, turn, visit = 0, 0, 0
    while time.monotonic() < deadline:
        if turn % per_visit == 0:
            visit += 1
        errors += not await scripted_turn(http, f"{name}-{visit}", turn, latencies)
        turn += 1
    return errors


async def _load(url: str, users: int, seconds: float, per_visit: int) -> tuple[list[float], int]:
    run = uuid.uuid4().hex[:8]
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=url, timeout=60.0, limits=limits) as http:
        deadline = time.monotonic() + seconds
        errors = await asyncio.gather(
            *(
                _visitor(http, f"load-{run}-{u}", deadline, per_visit, latencies)
                for u in range(users)
            )
        )
    return latencies, sum(errors)


def measure(database_url: str, workers: int, args: argparse.Namespace) -> LoadResult:
    """Start a server with `workers` workers, warm it up, load it, stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        process = start_server(database_url, port, Path(folder) / "server.log", workers)
        try:
            wait_until_up(url, process, args.startup_timeout)
            asyncio.run(_load(url, min(args.users, 10), 3.0, args.per_visit))  # warm-up
            started = time.monotonic()
            latencies, errors = asyncio.run(_load(url, args.users, args.seconds, args.per_visit))
            wall = time.monotonic() - started
        finally:
            stop_server(process)
    ordered = sorted(latencies)
    return LoadResult(
        workers=workers,
        users=args.users,
        seconds=round(wall, 1),
        turns=len(ordered),
        errors=errors,
        turns_per_second=round(len(ordered) / wall, 1) if wall else 0.0,
        p50_ms=round(percentile(ordered, 0.50), 1),
        p95_ms=round(percentile(ordered, 0.95), 1),
        p99_ms=round(percentile(ordered, 0.99), 1),
    )


def main(argv: list[str] | None = None) -> int:
    """Measure every worker count and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma-separated")
    parser.add_argument("--users", type=int, default=40, help="simulated users at once")
    parser.add_argument("--seconds", type=float, default=30.0, help="load per worker count")
    parser.add_argument("--per-visit", type=int, default=5, help="turns per conversation")
    parser.add_argument("--startup-timeout", type=float, default=300.0)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    results = [measure(args.database_url, n, args) for n in counts]
    print(
        f"{'workers':>7} {'users':>5} {'turns':>6} {'errors':>6} {'turns/s':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for r in results:
        print(
            f"{r.workers:>7} {r.users:>5} {r.turns:>6} {r.errors:>6} {r.turns_per_second:>8} "
            f"{r.p50_ms:>7} {r.p95_ms:>7} {r.p99_ms:>7}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
