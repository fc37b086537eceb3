"""Helpers of the multi-worker tests: a real `python -m bot serve --workers N`, and clients.

The server runs as the deployment runs it (supervisor, worker processes sharing a socket, one
PostgreSQL database), so what is tested is the lock, inbox and shutdown behaviour across
processes, not an in-process imitation of it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[2]
#: What each simulated sender says, in order (the tests check the stored order).
TEXTS = [
    "hello",
    "what is smart specialisation",
    "tell me about innovation vouchers",
    "I want to find a partner",
    "help",
    "menu",
    "what can you do",
    "how do vouchers work",
    "thanks",
    "bye",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A supervisor process and its workers on one port."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def worker_pids(self) -> list[int]:
        """The supervisor's child processes (its workers), from /proc."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(entry.name))
        return sorted(children)

    def wait_ready(self, workers: int, timeout: float = 240.0) -> None:
        """Until `workers` workers run and `/ready` answers 200 on as many connections."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()[-3000:]}")
            if len(self.worker_pids()) >= workers:
                try:
                    if all(
                        httpx.get(f"{self.url}/ready", timeout=2).status_code == 200
                        for _ in range(workers * 2)
                    ):
                        return
                except httpx.HTTPError:
                    pass
            time.sleep(0.3)
        raise AssertionError(f"server not ready in {timeout}s: {self.log.read_text()[-3000:]}")

    def stop(self, timeout: float = 30.0) -> float:
        """SIGTERM the supervisor; the seconds it took to exit (killed after `timeout`)."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                for pid in self.worker_pids():
                    os.kill(pid, signal.SIGKILL)
                self.process.kill()
                self.process.wait()
                raise AssertionError("server ignored SIGTERM") from None
        return time.monotonic() - started


def start_cluster(
    database_url: str, models_dir: Path, log: Path, workers: int, **env: str
) -> Cluster:
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MODELS_DIR": str(models_dir),
        "RATE_LIMIT_PER_SENDER": "0",
        "RATE_LIMIT_PER_ADDRESS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "ENVIRONMENT": "test",  # so serve never writes a token into the checkout's .env
        **env,
    }
    command = [sys.executable, "-m", "bot", "serve", "--workers", str(workers)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    return Cluster(process, f"http://127.0.0.1:{port}", log)


async def converse(
    http: httpx.AsyncClient,
    url: str,
    sender: str,
    texts: list[str],
    *,
    with_ids: bool,
    retries: list[int] | None = None,
) -> int:
    """Send `texts` in order, each until it is answered (retrying the same request on
    connection errors and 5xx, as a client does); returns how many requests were retried.

    With `with_ids` each message carries a `message_id`; without, only the client's counter
    `metadata.sequence`, from which the server derives the id (docs/http_api.md). A client
    with neither cannot be told from a person repeating a text, so it is not simulated here.
    """
    retried = 0
    for index, message in enumerate(texts):
        body: dict[str, object] = {"sender": sender, "message": message}
        key = "message_id" if with_ids else "sequence"
        body["metadata"] = {key: f"m{index}" if with_ids else index}
        while True:
            try:
                response = await http.post(f"{url}/webhooks/rest/webhook", json=body)
                if response.status_code == 200:
                    assert isinstance(response.json(), list)
                    break
                assert response.status_code in (502, 503), response.text
                delay = float(response.headers.get("Retry-After", "0.2"))
            except httpx.TransportError:
                delay = 0.2
            retried += 1
            await asyncio.sleep(min(delay, 0.5))
    if retries is not None:
        retries.append(retried)
    return retried


def stored_user_texts(database_url: str) -> dict[str, list[str]]:
    """Each sender's stored user messages, in log order."""
    engine = create_engine(database_url, poolclass=NullPool)
    query = text(
        "SELECT c.sender_id, e.data ->> 'text' FROM event e "
        "JOIN conversation c ON c.id = e.conversation_id "
        "WHERE e.event_type = 'user' ORDER BY c.sender_id, e.seq"
    )
    found: dict[str, list[str]] = {}
    try:
        with engine.connect() as connection:
            for sender, message in connection.execute(query):
                found.setdefault(sender, []).append(message)
    finally:
        engine.dispose()
    return found


def unanswered_inbox(database_url: str) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM inbox_entry WHERE answered_at IS NULL")
            return int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()
