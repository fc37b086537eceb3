"""Hardening of the HTTP API: identifiers, safe logs, request ids, security headers, no CORS,
JSON bodies only, rate limits, server timeouts and a valid OpenAPI document."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from openapi_spec_validator import validate
from web_helpers import assert_error

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.dialogue.messages import BotMessage, UserMessage
from bot.observability.logs import (
    RequestIdFilter,
    escape_controls,
    make_handler,
    request_id_var,
)
from bot.web.app import create_web_app
from bot.web.ratelimit import TokenBuckets
from bot.web.server import server_config

WEBHOOK = "/webhooks/rest/webhook"
SECRET_TEXT = "my very private plan"
LINE_BREAKS = ["\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x9b", "\x00"]


class EchoAgent(Agent):
    """Answers "ok" and remembers what it was sent; needs no database."""

    def __init__(self) -> None:
        """Needs nothing."""
        self.received: list[UserMessage] = []

    async def handle(self, message: UserMessage, *, refuse: bool = False) -> list[BotMessage]:
        self.received.append(message)
        return [BotMessage(text="ok")]

    async def close(self) -> None:
        """Nothing to release."""


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def agent() -> EchoAgent:
    return EchoAgent()


@pytest.fixture
async def http(settings: Settings, agent: EchoAgent) -> AsyncIterator[httpx.AsyncClient]:
    app = create_web_app(agent, settings)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


# Identifiers


@pytest.mark.parametrize("char", LINE_BREAKS, ids=[hex(ord(c)) for c in LINE_BREAKS])
async def test_sender_with_control_or_line_separator_is_422(
    http: httpx.AsyncClient, agent: EchoAgent, char: str
) -> None:
    response = await http.post(WEBHOOK, json={"sender": f"a{char}b", "message": "hi"})
    error = assert_error(response, 422, "validation_error")
    assert error["details"][0]["field"] == "sender"
    assert agent.received == []


@pytest.mark.parametrize("char", LINE_BREAKS, ids=[hex(ord(c)) for c in LINE_BREAKS])
async def test_message_id_with_control_or_line_separator_is_422(
    http: httpx.AsyncClient, agent: EchoAgent, char: str
) -> None:
    forged = f"1{char}2026-11-30 12:00:00 ERROR bot: forged"
    body = {"sender": "u1", "message": "hi", "metadata": {"message_id": forged}}
    error = assert_error(await http.post(WEBHOOK, json=body), 422, "validation_error")
    assert error["details"][0]["field"] == "metadata.message_id"
    assert agent.received == []


async def test_message_text_keeps_its_line_breaks(
    http: httpx.AsyncClient, agent: EchoAgent
) -> None:
    response = await http.post(WEBHOOK, json={"sender": "u1", "message": "a\nb\u2028c"})
    assert response.status_code == 200
    assert agent.received[0].text == "a\nb\u2028c"


# Logs


def _record(message: str, *args: Any, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad\n2026-11-30 12:00:00,000 ERROR bot: forged\u2028x")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("bot.web", logging.INFO, __file__, 1, message, args, exc_info)


def _render(handler: logging.Handler, record: logging.LogRecord) -> str:
    for log_filter in handler.filters:
        log_filter.filter(record)  # type: ignore[union-attr]
    assert handler.formatter is not None
    return handler.formatter.format(record)


def test_escape_controls_escapes_every_line_break() -> None:
    assert escape_controls("a\nb\rc\x85d\u2028e\u2029f\x1bg\x7f") == (
        "a\\nb\\rc\\x85d\\u2028e\\u2029f\\x1bg\\x7f"
    )
    assert escape_controls("plain é ü 👋") == "plain é ü 👋"


def test_text_log_is_one_line_per_record_whatever_the_fields() -> None:
    line = _render(make_handler("text"), _record("turn message_id=%s", "1\nERROR forged\u2028"))
    assert line.splitlines() == [line]
    assert "1\\nERROR forged\\u2028" in line


def test_text_log_traceback_lines_are_indented_under_the_record() -> None:
    rendered = _render(make_handler("text"), _record("failed", exc=True))
    first, *rest = rendered.split("\n")
    assert rest and all(line.startswith("    ") for line in rest)
    assert "\u2028" not in rendered and "\\u2028" in rendered


def test_json_log_is_one_object_per_line_with_the_request_id() -> None:
    token = request_id_var.set("req-42")
    try:
        line = _render(make_handler("json"), _record("turn id=%s", "1\n\x85\u2028", exc=True))
    finally:
        request_id_var.reset(token)
    assert line.splitlines() == [line] and line.isascii()
    entry = json.loads(line)
    assert entry["request_id"] == "req-42"
    assert entry["message"] == "turn id=1\n\x85\u2028"
    assert entry["level"] == "INFO" and "forged" in entry["exception"]


@contextmanager
def _captured_json_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = make_handler("json")
    handler.setStream(stream)  # type: ignore[attr-defined]
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_request_log_lines_carry_the_request_id_and_never_the_text(
    http: httpx.AsyncClient,
) -> None:
    with _captured_json_logs() as stream:
        response = await http.post(
            WEBHOOK,
            json={"sender": "u1", "message": SECRET_TEXT},
            headers={"X-Request-ID": "client-id-1"},
        )
    assert response.headers["X-Request-ID"] == "client-id-1"
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    turn = [e for e in entries if e["logger"] == "bot.web.routes.rest"]
    assert turn and all(e["request_id"] == "client-id-1" for e in turn)
    assert SECRET_TEXT not in stream.getvalue()


async def test_request_id_is_generated_when_missing_or_unsafe(http: httpx.AsyncClient) -> None:
    plain = await http.get("/health")
    assert len(plain.headers["X-Request-ID"]) == 32
    for unsafe in ("has space", "x" * 129, "semi;colon"):
        response = await http.get("/health", headers={"X-Request-ID": unsafe})
        assert response.headers["X-Request-ID"] != unsafe


def test_request_id_filter_marks_records_outside_requests() -> None:
    record = _record("startup")
    RequestIdFilter().filter(record)
    assert record.request_id == "-"  # type: ignore[attr-defined]


# Security headers and CORS


def _assert_security_headers(response: httpx.Response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_security_headers_on_every_kind_of_response(http: httpx.AsyncClient) -> None:
    responses = [
        await http.get("/health"),
        await http.post(WEBHOOK, json={"sender": "u1", "message": "hi"}),
        await http.get("/nowhere"),
        await http.post(WEBHOOK, content=b"{", headers={"Content-Type": "text/plain"}),
        await http.get("/conversations/u1/tracker"),
        await http.get("/openapi.json"),
    ]
    for response in responses:
        _assert_security_headers(response)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


async def test_html_gets_a_self_only_policy(http: httpx.AsyncClient) -> None:
    docs = await http.get("/docs")
    assert docs.headers["content-type"].startswith("text/html")
    _assert_security_headers(docs)
    assert docs.headers["Content-Security-Policy"].startswith("default-src 'self'")


async def test_no_cors_headers_and_preflight_allows_nothing(http: httpx.AsyncClient) -> None:
    origin = {"Origin": "https://evil.example"}
    preflight = await http.options(
        WEBHOOK,
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 405
    post = await http.post(WEBHOOK, json={"sender": "u1", "message": "hi"}, headers=origin)
    for response in (preflight, post):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


# JSON bodies only


PUBLIC_POSTS = [WEBHOOK, "/api/v1/eligibility", "/api/v1/partners/match"]
SIMPLE_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x"]


@pytest.mark.parametrize("path", PUBLIC_POSTS)
@pytest.mark.parametrize("content_type", [*SIMPLE_TYPES, "application/xml"])
async def test_non_json_body_is_415(
    http: httpx.AsyncClient, agent: EchoAgent, path: str, content_type: str
) -> None:
    body = b'{"sender": "u1", "message": "hi"}'
    response = await http.post(path, content=body, headers={"Content-Type": content_type})
    assert_error(response, 415, "unsupported_media_type")
    assert agent.received == []


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "application/json; charset=utf-8", "Application/JSON"],
)
async def test_json_or_missing_content_type_is_read(
    http: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = b'{"sender": "u1", "message": "hi"}'
    response = await http.post(WEBHOOK, content=body, headers=headers)
    assert response.status_code == 200, response.text


# Rate limits


def test_token_buckets_burst_then_refill() -> None:
    now = [0.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])
    assert all(buckets.take("a") == 0.0 for _ in range(60))
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0  # another key has its own bucket
    now[0] += 2.0
    assert buckets.take("a") == 0.0


async def test_rate_limit_per_sender_is_429_with_retry_after(
    make_settings: Callable[..., Settings], agent: EchoAgent
) -> None:
    app = create_web_app(agent, make_settings(RATE_LIMIT_PER_SENDER=3))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        statuses = [
            (await http.post(WEBHOOK, json={"sender": "busy", "message": "hi"})).status_code
            for _ in range(3)
        ]
        refused = await http.post(WEBHOOK, json={"sender": "busy", "message": "hi"})
        other = await http.post(WEBHOOK, json={"sender": "calm", "message": "hi"})
    assert statuses == [200, 200, 200]
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1
    assert other.status_code == 200
    assert len(agent.received) == 4


@pytest.mark.parametrize("path", ["/api/v1/eligibility", WEBHOOK])
async def test_rate_limit_per_address_is_429(
    make_settings: Callable[..., Settings], agent: EchoAgent, path: str
) -> None:
    app = create_web_app(agent, make_settings(RATE_LIMIT_PER_ADDRESS=2))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        bodies = [{"sender": f"s{i}", "message": "hi"} for i in range(3)]
        responses = [await http.post(path, json=body) for body in bodies]
        health = await http.get("/health")  # not a limited route
    assert all(r.status_code != 429 for r in responses[:2])
    assert_error(responses[2], 429, "rate_limited")
    assert health.status_code == 200


# OpenAPI


async def test_openapi_document_is_valid_and_every_reference_resolves(
    http: httpx.AsyncClient,
) -> None:
    document = (await http.get("/openapi.json")).json()
    validate(document)
    schemas = document["components"]["schemas"]
    references = _refs(document)
    assert references
    for ref in references:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    assert "/api/v1/eligibility" in document["paths"]


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


# Server timeouts, over a real socket


@contextmanager
def _real_server(settings: Settings, header_timeout: float) -> Iterator[int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    app = create_web_app(EchoAgent(), settings)
    config = server_config(app, header_timeout=header_timeout, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def _seconds_until_closed(port: int, first: bytes, bound: float = 15.0) -> tuple[float, bytes]:
    """Send `first`, then nothing: how long until the server closes, and what it said."""
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.settimeout(bound)
        started = time.monotonic()
        client.sendall(first)
        received = b""
        try:
            while chunk := client.recv(4096):
                received += chunk
        except TimeoutError:
            pytest.fail(f"the server kept the connection open over {bound} s")
        return time.monotonic() - started, received


def test_slow_headers_are_cut_off(make_settings: Callable[..., Settings]) -> None:
    with _real_server(make_settings(), header_timeout=1.0) as port:
        elapsed, _ = _seconds_until_closed(port, b"POST /webhooks/rest/webhook HTTP/1.1\r\nHo")
        idle, _ = _seconds_until_closed(port, b"")
    assert 0.5 < elapsed < 5 and idle < 5


def test_slow_body_is_408_and_closed(make_settings: Callable[..., Settings]) -> None:
    head = (
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\n"
        b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sender"'
    )
    with _real_server(make_settings(BODY_TIMEOUT_SECONDS=1.0), header_timeout=1.0) as port:
        elapsed, answer = _seconds_until_closed(port, head)
    assert 0.5 < elapsed < 5
    assert answer.startswith(b"HTTP/1.1 408")
    assert b'"request_timeout"' in answer
