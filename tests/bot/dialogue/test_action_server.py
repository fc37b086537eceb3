"""Custom actions give the same conversation in-process and on `python -m rasa_sdk`.

Also: an action that raises, times out or cannot be reached gives a polite reply, never a crash.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bot.dialogue.agent import Agent
from bot.dialogue.messages import UserMessage

SCRIPT = [
    "hello",
    "/check_voucher",
    "Nordic Fermentation Oy",
    "France",
    '/inform{"country": "FI"}',
    "Tampere",
    '/inform{"sector": "food tech"}',
    "-3",
    "35",
    "4 million euros",
    "/skip",
    '/inform{"ownership": "none"}',
    "2019",
    "/ask_why",
    "/skip",
    "Testing our prototype at scale",
    '/inform{"partner_type": "university"}',
    "Sweden and Estonia",
    "/deny",
    "/affirm",
    "/restart",
]
FAILED_TEXT = "something went wrong on my side"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def action_server(database_url: str) -> Iterator[str]:
    """The stock rasa-sdk action server serving our `actions` package, on loopback."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the action server did not start")
        yield f"{url}/webhook"
    finally:
        process.terminate()
        process.wait(timeout=20)


async def _play(agent: Agent, sender: str) -> list[tuple[Any, ...]]:
    for text in SCRIPT:
        await agent.handle(UserMessage(sender_id=sender, text=text))
    state = await agent.tracker_state(sender, "ALL")
    assert state is not None
    return [_comparable(e) for e in state["events"]]


def _comparable(event: dict[str, Any]) -> tuple[Any, ...]:
    return (
        event["event"],
        event.get("name"),
        repr(event.get("value")),
        event.get("text"),
        repr((event.get("data") or {}).get("buttons")),
    )


@pytest.mark.slow  # starts the action server as a process of its own
async def test_action_server_and_in_process_give_the_same_conversation(
    make_agent: Callable[..., Agent], action_server: str
) -> None:
    local = make_agent()
    remote = make_agent(ACTION_ENDPOINT_URL=action_server)
    try:
        in_process = await _play(local, "local")
        over_http = await _play(remote, "remote")
    finally:
        await local.close()
        await remote.close()
    assert over_http == in_process
    texts = [e[3] for e in in_process if e[0] == "bot"]
    assert any("France is outside the Baltic Sea Region" in t for t in texts)
    assert any("Company: Nordic Fermentation Oy" in t and "Finland" in t for t in texts)
    assert any("profile is saved" in t for t in texts)
    restarted = [e for e in in_process if e[0] == "slot" and e[1] == "profile_saved"]
    assert restarted[-1][2] == "True"  # the saved profile came back after /restart
    assert not any(FAILED_TEXT in t for t in texts)


async def test_unreachable_action_server_gives_a_polite_reply(
    make_agent: Callable[..., Agent],
) -> None:
    agent = make_agent(ACTION_ENDPOINT_URL=f"http://127.0.0.1:{_free_port()}/webhook")
    try:
        replies = await agent.handle(UserMessage(sender_id="u", text="/check_voucher"))
        assert [FAILED_TEXT in (r.text or "") for r in replies] == [True]
        again = await agent.handle(UserMessage(sender_id="u", text="/show_menu"))
        assert again[0].buttons, "the conversation goes on after a failed action"
        state = await agent.tracker_state("u")
        assert state is not None and state["active_loop"] == {}
    finally:
        await agent.close()
