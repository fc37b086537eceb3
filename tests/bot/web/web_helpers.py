"""Helpers for the web tests: a real uvicorn server in a thread, and small HTTP helpers."""

from __future__ import annotations

import asyncio
import inspect
import json
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.web.app import create_web_app

API_TOKEN = "test-api-token"
STARTUP_TIMEOUT_SECONDS = 300.0

AgentFactory = Callable[[Settings], Agent | Awaitable[Agent]]


async def _resolve(value: Any) -> Any:
    """Await `value` if it is awaitable."""
    return await value if inspect.isawaitable(value) else value


async def _close_agent(agent: Agent) -> None:
    """Stop the agent if it has a way to stop."""
    for name in ("aclose", "close", "stop", "shutdown"):
        closer = getattr(agent, name, None)
        if callable(closer):
            await _resolve(closer())
            return


class _ServerThread(threading.Thread):
    """Runs an event loop that builds the agent, then serves the app on `sock`."""

    def __init__(self, make_agent: AgentFactory, settings: Settings, sock: socket.socket) -> None:
        super().__init__(daemon=True, name="uvicorn-test-server")
        self.make_agent = make_agent
        self.settings = settings
        self.sock = sock
        self.server: uvicorn.Server | None = None
        self.error: BaseException | None = None
        self.ready = threading.Event()

    def run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to the test thread
            self.error = exc
        finally:
            self.ready.set()

    async def _serve(self) -> None:
        agent = await _resolve(self.make_agent(self.settings))
        try:
            app = create_web_app(agent, self.settings)
            if type(agent) is Agent:  # a real agent (not a stand-in) gets the outbound ports
                from bot.main import connect_outbound

                connect_outbound(agent, app)
            config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
            self.server = uvicorn.Server(config)
            serving = asyncio.create_task(self.server.serve(sockets=[self.sock]))
            while not self.server.started and not serving.done():
                await asyncio.sleep(0.01)
            self.ready.set()
            await serving
        finally:
            await _close_agent(agent)


@contextmanager
def live_server(make_agent: AgentFactory, settings: Settings) -> Iterator[str]:
    """Serve `make_agent(settings)` over real HTTP on 127.0.0.1; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    thread = _ServerThread(make_agent, settings, sock)
    thread.start()
    try:
        if not thread.ready.wait(STARTUP_TIMEOUT_SECONDS):
            raise RuntimeError("test server did not start in time")
        if thread.error is not None:
            raise RuntimeError("test server failed to start") from thread.error
        yield f"http://127.0.0.1:{port}"
    finally:
        if thread.server is not None:
            thread.server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def real_agent(settings: Settings) -> Agent | Awaitable[Agent]:
    """The application's agent, exactly as the composition root builds it."""
    from bot.main import build_agent

    return build_agent(settings)


def send(client: httpx.Client, sender: str, text: str, **metadata: Any) -> httpx.Response:
    """Post one message to the REST channel."""
    body: dict[str, Any] = {"sender": sender, "message": text}
    if metadata:
        body["metadata"] = metadata
    return client.post("/webhooks/rest/webhook", json=body)


def tracker(client: httpx.Client, sender: str) -> dict[str, Any]:
    """The conversation's tracker, fetched with the API token."""
    response = client.get(f"/conversations/{sender}/tracker", params={"token": API_TOKEN})
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


def user_texts(state: dict[str, Any]) -> list[str]:
    """The texts of the tracker's user events, in order."""
    return [e.get("text") for e in state["events"] if e.get("event") == "user"]


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Check the status and the one error shape; returns the error object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def raw_http(base_url: str, head: bytes, body: bytes = b"", timeout: float = 10.0) -> bytes:
    """Send hand-written bytes (for framing no well-behaved client sends); return the reply."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(head + body)
        received = b""
        while True:
            try:
                chunk = conn.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and _complete(received):
                break
    return received


def _complete(reply: bytes) -> bool:
    """Whether a reply with a Content-Length has all its body."""
    head, _, body = reply.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def parse_raw_reply(reply: bytes) -> tuple[int, dict[str, str], Any]:
    """Status, headers and JSON body of a raw HTTP reply."""
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("content-type", "").startswith("application/json"):
        return status, headers, json.loads(body)
    return status, headers, body
