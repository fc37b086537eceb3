"""Helpers for the widget API tests: a partner site in the test database, and widget calls."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from bot.config import Settings
from bot.storage import crud_sites, make_engine, session

ORIGIN = "https://partner.example"
OTHER_ORIGIN = "https://other-partner.example"


def create_site(settings: Settings, *, origins: list[str] | None = None) -> tuple[str, str]:
    """A partner site in the server's database (its schema is migrated); (site key, secret)."""
    engine = make_engine(settings.DATABASE_URL)
    try:
        with session(engine) as db:
            site = crud_sites.create_site(
                session=db,
                name="Regional Agency <b>",
                origins=origins or [ORIGIN],
                title="Ask us",
                colour="#112233",
            )
            return site.site_key, site.secret
    finally:
        engine.dispose()


def open_session(
    client: httpx.Client, site_key: str, *, origin: str = ORIGIN, **body: Any
) -> httpx.Response:
    """POST /widget/v1/sessions from a page on `origin`."""
    return client.post(
        "/widget/v1/sessions", json={"site_key": site_key, **body}, headers={"Origin": origin}
    )


def start(client: httpx.Client, site_key: str, **body: Any) -> dict[str, Any]:
    """A new widget session's JSON (asserting it was opened)."""
    response = open_session(client, site_key, **body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def post_message(
    client: httpx.Client,
    token: str,
    text: str,
    *,
    message_id: str | None = None,
    origin: str = ORIGIN,
) -> httpx.Response:
    """POST /widget/v1/messages with the session's token."""
    return client.post(
        "/widget/v1/messages",
        json={"client_message_id": message_id or uuid.uuid4().hex, "text": text},
        headers={"Origin": origin, "Authorization": f"Bearer {token}"},
    )


def say(client: httpx.Client, token: str, text: str, **kwargs: Any) -> list[dict[str, Any]]:
    """The replies to one message (asserting it was answered)."""
    response = post_message(client, token, text, **kwargs)
    assert response.status_code == 200, response.text
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def read_history(client: httpx.Client, token: str, origin: str = ORIGIN) -> httpx.Response:
    """GET /widget/v1/history with the session's token."""
    return client.get(
        "/widget/v1/history", headers={"Origin": origin, "Authorization": f"Bearer {token}"}
    )
