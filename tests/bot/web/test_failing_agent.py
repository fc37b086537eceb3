"""An agent that fails: the client gets a retryable 503 in the error shape, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from web_helpers import API_TOKEN, assert_error, live_server

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.dialogue.messages import BotMessage, UserMessage

SECRET_TEXT = "my private business plan"


class FailingAgent(Agent):
    """Fails every call, as a broken database or engine would."""

    def __init__(self) -> None:
        """Needs nothing: it never gets as far as a database."""

    async def handle(self, message: UserMessage, *, refuse: bool = False) -> list[BotMessage]:
        raise RuntimeError("database is gone")

    async def tracker_state(
        self, sender_id: str, include_events: str = "AFTER_RESTART"
    ) -> dict[str, Any] | None:
        raise RuntimeError("database is gone")


def _failing(settings: Settings) -> Agent:
    return FailingAgent()


def test_create_message_failing_agent_is_503(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.INFO),
        live_server(_failing, make_settings()) as url,
        httpx.Client(base_url=url, timeout=30.0) as http,
    ):
        response = http.post(
            "/webhooks/rest/webhook", json={"sender": "f1", "message": SECRET_TEXT}
        )
        assert_error(response, 503, "unavailable")
        assert response.headers["retry-after"] == "1"
        tracker = http.get("/conversations/f1/tracker", params={"token": API_TOKEN})
        assert_error(tracker, 503, "unavailable")
        assert http.get("/health").status_code == 200
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures, "the failure should be logged"
    assert any("f1" in r.getMessage() for r in failures)
    assert all(SECRET_TEXT not in r.getMessage() for r in caplog.records)
