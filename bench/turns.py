"""Turn latency and throughput of the REST channel, with N concurrent simulated users.

Each simulated user is one conversation sending a scripted sequence of messages, one
after the other (waiting for each answer, as a person would); all users of a round run
at once. Reports p50/p95/p99 turn latency and turns per second for every user count.

By default starts its own server on a free loopback port (``python -m bot serve``, with
``DATABASE_URL`` from ``--database-url``, default a temporary SQLite file) and stops it
at the end; ``--url`` measures an already running server instead. Loopback only.

    python bench/turns.py --users 1,20,50 --turns-per-user 6 --json bench/results/turns.json

``--long`` plays instead one conversation of 500 turns (messages cycling through the journeys)
and compares the median latency of turns 11-40 with that of the last 30: a turn must cost the
same late in a long conversation as early in it.

    python bench/turns.py --long [--long-turns 500]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import ipaddress
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = [
    "hello",
    "what can you do?",
    "I run a small company in Tallinn",
    "we make software for ports",
    "tell me about innovation vouchers",
    "how do I find a partner?",
    "thanks",
    "bye",
]
WEBHOOK = "/webhooks/rest/webhook"
# One long conversation cycles through the journeys: greeting, questions, the profile's facts,
# the voucher and partners, the menu, small talk. No restart: the log must keep growing.
LONG_SCRIPT = [
    "hello",
    "what can you do?",
    "voucher please",
    "Baltic Lasers OU",
    "estonia",
    "tallinn",
    "ultrafast lasers for micromachining",
    "28 people and 3.4M EUR turnover last year",
    "2.9M EUR",
    "no",
    "founded 2015",
    "why do you ask?",
    "menu",
    "tell me about innovation vouchers",
    "how do I find a partner?",
    "a university in germany to test laser welding",
    "are you a bot?",
    "what is a digital innovation hub?",
    "show me the menu",
    "thanks",
    "bye",
]
LONG_EARLY = (10, 40)  # turns 11-40, once the conversation is under way
LONG_LATE = 30  # the last 30 turns

# Runs the app the way the composition root does, when `python -m bot serve` is not there.
_INLINE_SERVER = """
import asyncio, inspect, sys, uvicorn
from bot.config import Settings
from bot.main import build_agent
from bot.web.app import create_web_app

async def main(port):
    settings = Settings()
    agent = build_agent(settings)
    agent = await agent if inspect.isawaitable(agent) else agent
    app = create_web_app(agent, settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False)
    try:
        await uvicorn.Server(config).serve()
    finally:
        close = getattr(agent, "close", None)
        if close is not None:
            result = close()
            if inspect.isawaitable(result):
                await result

asyncio.run(main(int(sys.argv[1])))
"""


@dataclass
class RoundResult:
    """The figures of one round: `users` conversations at once."""

    users: int
    turns: int
    errors: int
    wall_seconds: float
    turns_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    server_cpu_ms_per_turn: float | None = None  # the started server's CPU (all threads)


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), or None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def require_loopback(url: str) -> None:
    """Refuse any URL that is not on this machine."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"refusing non-loopback URL {url!r}: this benchmark runs on loopback only")


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_command(port: int, workers: int = 1) -> list[str]:
    """`python -m bot serve` when the CLI exists, else the inline launcher above."""
    if importlib.util.find_spec("bot.__main__") is not None:
        command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
        return command + (["--workers", str(workers)] if workers > 1 else [])
    return [sys.executable, "-c", _INLINE_SERVER, str(port)]


def start_server(
    database_url: str, port: int, log_path: Path, workers: int = 1
) -> subprocess.Popen[bytes]:
    """Start the server as a child process, its output going to `log_path`."""
    env = {**os.environ, "DATABASE_URL": database_url, "HOST": "127.0.0.1", "PORT": str(port)}
    env["RATE_LIMIT_PER_SENDER"] = "0"  # a simulated user sends faster than a person types
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["RATE_LIMIT_PER_ADDRESS"] = "0"  # every simulated user comes from one address
    with log_path.open("wb") as log:
        return subprocess.Popen(
            server_command(port, workers), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Poll `/health` until it answers 200; fail if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"server exited with code {process.returncode} before answering")
        try:
            if httpx.get(f"{url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"server at {url} did not answer /health within {timeout:.0f}s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop, and make sure it does."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


async def scripted_turn(
    http: httpx.AsyncClient, sender: str, turn: int, latencies: list[float]
) -> bool:
    """Send message `turn` of SCRIPT as `sender`; on success its latency (ms) joins
    `latencies`. Returns whether it was answered."""
    body = {
        "sender": sender,
        "message": SCRIPT[turn % len(SCRIPT)],
        "metadata": {"message_id": f"{sender}-{turn}"},
    }
    started = time.perf_counter()
    try:
        ok = (await http.post(WEBHOOK, json=body)).status_code == 200
    except httpx.HTTPError:
        ok = False
    if ok:
        latencies.append((time.perf_counter() - started) * 1000)
    return ok


async def simulate_user(
    http: httpx.AsyncClient, sender: str, turns: int, latencies: list[float]
) -> int:
    """Send `turns` scripted messages in sequence; returns the number of failed turns."""
    errors = 0
    for turn in range(turns):
        errors += not await scripted_turn(http, sender, turn, latencies)
    return errors


async def run_round(url: str, users: int, turns: int, timeout: float) -> RoundResult:
    """All `users` conversations at once, each `turns` messages long."""
    run = uuid.uuid4().hex[:8]
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as http:
        started = time.perf_counter()
        senders = [f"bench-{run}-{users}-{u}" for u in range(users)]
        errors = await asyncio.gather(
            *(simulate_user(http, sender, turns, latencies) for sender in senders)
        )
        wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return RoundResult(
        users=users,
        turns=len(ordered),
        errors=sum(errors),
        wall_seconds=round(wall, 3),
        turns_per_second=round(len(ordered) / wall, 2) if wall > 0 else 0.0,
        p50_ms=round(percentile(ordered, 0.50), 2),
        p95_ms=round(percentile(ordered, 0.95), 2),
        p99_ms=round(percentile(ordered, 0.99), 2),
        max_ms=round(ordered[-1], 2) if ordered else 0.0,
        mean_ms=round(sum(ordered) / len(ordered), 2) if ordered else 0.0,
    )


@dataclass
class LongResult:
    """One long conversation: median latency early and late, and how much later costs."""

    turns: int
    errors: int
    early_median_ms: float
    late_median_ms: float
    ratio: float


async def run_long(url: str, turns: int, timeout: float) -> LongResult:
    """One conversation of `turns` messages; latencies are kept per turn, in order."""
    sender = f"bench-long-{uuid.uuid4().hex[:8]}"
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as http:
        for turn in range(turns):
            body = {
                "sender": sender,
                "message": LONG_SCRIPT[turn % len(LONG_SCRIPT)],
                "metadata": {"message_id": f"{sender}-{turn}"},
            }
            started = time.perf_counter()
            response = await http.post(WEBHOOK, json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += response.status_code != 200
            if (turn + 1) % 100 == 0:
                print(f"  {turn + 1} turns, last {latencies[-1]:.1f} ms", flush=True)
    early = statistics.median(latencies[LONG_EARLY[0] : LONG_EARLY[1]])
    late = statistics.median(latencies[-LONG_LATE:])
    return LongResult(
        turns=len(latencies),
        errors=errors,
        early_median_ms=round(early, 2),
        late_median_ms=round(late, 2),
        ratio=round(late / early, 3) if early else 0.0,
    )


def print_long(result: LongResult) -> None:
    """The long conversation's figures."""
    first, last = LONG_EARLY[0] + 1, LONG_EARLY[1]
    print(f"turns {result.turns}, errors {result.errors}")
    print(f"median turn {first}-{last}: {result.early_median_ms:.1f} ms")
    print(f"median of the last {LONG_LATE}: {result.late_median_ms:.1f} ms")
    print(f"ratio late/early: {result.ratio:.2f}")


def print_table(results: list[RoundResult]) -> None:
    """The figures as a plain-text table."""
    header = f"{'users':>5} {'turns':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
    header += f"{'p99 ms':>8} {'max ms':>8} {'turns/s':>8} {'cpu ms/turn':>11}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.users:>5} {r.turns:>6} {r.errors:>6} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} "
            f"{r.p99_ms:>8.1f} {r.max_ms:>8.1f} {r.turns_per_second:>8.1f} "
            f"{'' if r.server_cpu_ms_per_turn is None else r.server_cpu_ms_per_turn:>11}"
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (loopback only); default: start one")
    parser.add_argument("--database-url", help="for the started server; default: temp SQLite")
    parser.add_argument("--users", default="1,20,50", help="comma-separated user counts")
    parser.add_argument("--turns-per-user", type=int, default=6)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    parser.add_argument("--startup-timeout", type=float, default=300.0, help="seconds")
    parser.add_argument(
        "--no-warmup", dest="warmup", action="store_false", help="count the first turns too"
    )
    parser.add_argument("--long", action="store_true", help="one long conversation instead")
    parser.add_argument("--long-turns", type=int, default=500, help="its length, in turns")
    args = parser.parse_args(argv)
    if args.long and args.long_turns < LONG_EARLY[1] + LONG_LATE:
        parser.error(f"--long-turns: at least {LONG_EARLY[1] + LONG_LATE}")
    args.user_counts = [int(n) for n in args.users.split(",") if n.strip()]
    if not args.user_counts or any(n < 1 or n > 1000 for n in args.user_counts):
        parser.error("--users: counts between 1 and 1000")
    if not 1 <= args.turns_per_user <= 1000:
        parser.error("--turns-per-user: between 1 and 1000")
    return args


def measure(
    args: argparse.Namespace, url: str, server_pid: int | None = None
) -> list[RoundResult] | LongResult:
    """Run every round (or the long conversation) against `url`, printing as it goes.

    A warm-up round first (one user, the whole script, not counted) loads what the server
    loads on first use, so the rounds measure the steady state. With a started server, each
    round also reports the server's CPU time per turn (all its threads).
    """
    if args.long:
        return asyncio.run(run_long(url, args.long_turns, args.timeout))
    if args.warmup:
        asyncio.run(run_round(url, 1, len(SCRIPT), args.timeout))
    results = []
    for users in args.user_counts:
        cpu_before = process_cpu_seconds(server_pid) if server_pid else None
        result = asyncio.run(run_round(url, users, args.turns_per_user, args.timeout))
        cpu_after = process_cpu_seconds(server_pid) if server_pid else None
        if cpu_before is not None and cpu_after is not None and result.turns:
            result.server_cpu_ms_per_turn = round((cpu_after - cpu_before) * 1000 / result.turns, 2)
        print(f"  {users} users: {result.turns} turns in {result.wall_seconds:.1f}s", flush=True)
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code (1 if any turn failed)."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="s3bot-bench-") as tmp:
        process = None
        log_path = Path(tmp) / "server.log"
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if args.url:
            url = args.url.rstrip("/")
            require_loopback(url)
        else:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            process = start_server(database_url, port, log_path)
        try:
            started = time.perf_counter()
            wait_until_up(url, process, args.startup_timeout)
            print(f"server up at {url} after {time.perf_counter() - started:.1f}s", flush=True)
            results = measure(args, url, process.pid if process is not None else None)
        except BaseException:
            if process is not None:
                print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        finally:
            if process is not None:
                stop_server(process)
    if isinstance(results, LongResult):
        print_long(results)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps({"benchmark": "long_conversation", **asdict(results)}))
        return 1 if results.errors else 0
    print_table(results)
    if args.json:
        report: dict[str, Any] = {
            "benchmark": "rest_turns",
            "url": url,
            "server": "external" if args.url else "started",
            "database": None if args.url else urlsplit(database_url).scheme,
            "turns_per_user": args.turns_per_user,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "results": [asdict(r) for r in results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
