"""`make run`'s steps in a fresh directory, as a newcomer runs them: data validate, train,
seed, serve. The tracker command that `serve` prints works as printed, and a second start
reads the same token from `.env` instead of printing a new one."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from worker_cluster import free_port

from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

CURL_LINE = re.compile(r"^\s*(curl -s -H 'Authorization: Bearer [^']+' \S+)$", re.M)


def _environment(tmp_path: Path, models_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("API_TOKEN", "ENVIRONMENT")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 's3bot.db'}",
        MODELS_DIR=str(models_dir),  # the run's trained models: `train` finds them unchanged
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return env


def _s3bot(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def fresh_directory(tmp_path: Path) -> Iterator[Path]:
    """An empty working directory: `.env` is written where `serve` runs."""
    (tmp_path / "var").mkdir()
    yield tmp_path


def _serve_until_up(cwd: Path, env: dict[str, str], port: int) -> subprocess.Popen[str]:
    """`s3bot serve` on `port`, once its health check answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise AssertionError("the server did not start")


def _printed_curl_line(server: subprocess.Popen[str]) -> str:
    """The curl command `serve` printed before it started listening."""
    assert server.stdout is not None
    printed = ""
    for _ in range(20):
        printed += server.stdout.readline()
        found = CURL_LINE.search(printed)
        if found:
            return found.group(1)
    raise AssertionError(f"serve printed no curl line: {printed!r}")


def _stop(server: subprocess.Popen[str]) -> str:
    """Stop the server; what it printed that was not read yet."""
    server.terminate()
    output, _ = server.communicate(timeout=30)
    return output


def test_make_run_steps_print_a_tracker_command_that_works(
    fresh_directory: Path, models_dir: Path
) -> None:
    env = _environment(fresh_directory, models_dir)
    for step in (("data", "validate"), ("train",), ("seed",)):
        done = _s3bot(fresh_directory, env, *step)
        assert done.returncode == 0, (step, done.stdout, done.stderr)

    port = free_port()
    server = _serve_until_up(fresh_directory, env, port)
    try:
        curl = _printed_curl_line(server)
        answer = httpx.post(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            json={"sender": "u1", "message": "hello"},
            timeout=30,
        )
        assert answer.status_code == 200 and answer.json(), answer.text
        shown = subprocess.run(
            [*shlex.split(curl), "-w", "\n%{http_code}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        _stop(server)
    body, status = shown.stdout.rsplit("\n", 1)
    assert status == "200", shown.stdout
    tracker = json.loads(body)
    assert tracker["sender_id"] == "u1" and tracker["latest_message"]["text"] == "hello"
    token = re.search(r"Bearer ([^']+)'", curl)
    assert token is not None
    assert f"API_TOKEN={token.group(1)}" in (fresh_directory / ".env").read_text("utf-8")

    server = _serve_until_up(fresh_directory, env, free_port())
    assert "curl" not in _stop(server)  # the token is read from .env: nothing new is printed
    assert (fresh_directory / ".env").read_text("utf-8").count("API_TOKEN=") == 1
