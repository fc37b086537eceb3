"""The composition root builds one engine (one connection pool) per database, and everything
that uses the database (agent, locks, in-process actions, web APIs) shares it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from actions import store
from bot.config import Settings
from bot.main import create_app
from bot.storage import normalize_url


@pytest.fixture
def engines_used() -> Iterator[list[Engine]]:
    """Every SQLAlchemy engine that opens a connection while the test runs, whoever built it."""
    used: list[Engine] = []

    def record(connection: Connection) -> None:
        if all(connection.engine is not e for e in used):
            used.append(connection.engine)

    event.listen(Engine, "engine_connect", record)
    yield used
    event.remove(Engine, "engine_connect", record)


def test_app_builds_one_engine_per_database(
    make_settings: Callable[..., Settings], engines_used: list[Engine]
) -> None:
    settings = make_settings(API_TOKEN="token")
    app = create_app(settings)
    with TestClient(app) as client:
        for text in ("hello", "I want to find a partner", "thanks"):
            response = client.post("/webhooks/rest/webhook", json={"sender": "s1", "message": text})
            assert response.status_code == 200, response.text
        match = {"country": "FI", "need_type": "TR", "need_description": "lasers", "limit": 3}
        assert client.post("/api/v1/partners/match", json=match).status_code == 200
        tracker = client.get("/conversations/s1/tracker", params={"token": "token"})
        assert tracker.status_code == 200, tracker.text
        agent = app.state.agent
        assert store.engine() is agent.engine  # in-process actions share the agent's pool

    urls = [str(normalize_url(e.url)) for e in engines_used]
    assert urls == [str(normalize_url(settings.DATABASE_URL))]
    assert engines_used[0] is agent.engine
