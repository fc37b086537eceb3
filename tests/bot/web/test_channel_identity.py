"""Conversations belong to their channel: over real HTTP, a REST client cannot address a
Telegram user's conversation, the REST channel can require a token, and any REST sender's
tracker is readable by the same id, "/" included."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import quote

import httpx
import pytest
from web_helpers import API_TOKEN, assert_error, live_server, real_agent, send, tracker

from bot.config import Settings
from bot.storage import crud, make_engine, session
from bot.telegram_channel.adapter import sender_id_of

REST_TOKEN = "rest-channel-secret"
SECRET_PROFILE = {
    "company_name": "Hidden Herring Oy",
    "country": "FI",
    "turnover_eur": 1_234_567.0,
    "offer_description": "smoked herring in secret brine",
    "need_description": "a buyer for our secret brine recipe",
}


def _save_telegram_profile(database_url: str, chat_id: int) -> str:
    """A Telegram user's conversation with a saved profile, as the Telegram channel leaves it."""
    sender = sender_id_of(chat_id)
    engine = make_engine(database_url)
    with session(engine) as db:
        crud.get_or_create_conversation(session=db, sender_id=sender, channel="telegram")
        crud.save_profile(session=db, sender_id=sender, data=SECRET_PROFILE)
    engine.dispose()
    return sender


@pytest.mark.parametrize(
    "spelling", ["{sender}", "Telegram:{chat}", " telegram:{chat}", "TELEGRAM:{chat}:x"]
)
def test_rest_sender_naming_telegram_is_refused_and_sees_nothing(
    client: httpx.Client, database_url: str, spelling: str
) -> None:
    sender = _save_telegram_profile(database_url, 4242)
    attempt = spelling.format(sender=sender, chat=4242)
    for text in ("/find_partners", "hello", "what do you know about my company?"):
        response = send(client, attempt, text)
        error = assert_error(response, 422, "validation_error")
        assert error["details"][0]["field"] == "sender"
        assert "telegram" in error["message"]
        for secret in ("Hidden Herring", "secret brine", "1234567", "1,234,567"):
            assert secret not in response.text
    # Nothing reached the Telegram user's conversation.
    state = tracker(client, quote(sender, safe=""))
    assert state["events"] == [] and state["latest_input_channel"] is None


def test_rest_sender_naming_the_shell_is_refused(client: httpx.Client) -> None:
    assert_error(send(client, "shell:1a2b3c4d", "hello"), 422, "validation_error")


def test_plain_rest_sender_works_and_its_tracker_is_read_by_the_same_id(
    client: httpx.Client,
) -> None:
    for sender in ("alice", "user:7", "telegram-fan", "rest:bob"):
        response = send(client, sender, "hello")
        assert response.status_code == 200, response.text
        assert response.json()[0]["recipient_id"] == sender
        state = tracker(client, quote(sender, safe=""))
        assert state["sender_id"] == sender
        assert state["latest_message"]["text"] == "hello"


@pytest.mark.parametrize("sender", ["team/alice", "a/b/c", "x/tracker", "/lead", "end/"])
def test_tracker_reads_a_sender_holding_a_slash(client: httpx.Client, sender: str) -> None:
    assert send(client, sender, "hello").status_code == 200
    for path_id in (quote(sender, safe=""), quote(sender, safe="/")):
        state = tracker(client, path_id)
        assert state["sender_id"] == sender
        assert state["latest_message"]["text"] == "hello"


def test_tracker_of_an_unknown_id_with_a_slash_is_not_found(client: httpx.Client) -> None:
    response = client.get("/conversations/no/such/tracker", params={"token": API_TOKEN})
    assert_error(response, 404, "not_found")


@pytest.fixture
def token_url(make_settings: Callable[..., Settings]) -> Iterator[str]:
    """A live server that requires REST_CHANNEL_TOKEN."""
    with live_server(real_agent, make_settings(REST_CHANNEL_TOKEN=REST_TOKEN)) as url:
        yield url


def test_rest_token_is_required_when_configured(token_url: str) -> None:
    body = {"sender": "alice", "message": "hello"}
    with httpx.Client(base_url=token_url, timeout=60.0) as http:
        for headers, params in (
            ({}, {}),
            ({"Authorization": "Bearer wrong"}, {}),
            ({"Authorization": f"Basic {REST_TOKEN}"}, {}),
            ({}, {"token": "wrong"}),
            ({}, {"token": ""}),
        ):
            response = http.post(
                "/webhooks/rest/webhook", json=body, headers=headers, params=params
            )
            assert_error(response, 401, "unauthorized")
            assert response.headers["www-authenticate"] == "Bearer"
        # Refused before the body is read: nothing was stored for alice.
        missing = http.get("/conversations/alice/tracker", params={"token": API_TOKEN})
        assert_error(missing, 404, "not_found")
        bearer = http.post(
            "/webhooks/rest/webhook",
            json=body,
            headers={"Authorization": f"Bearer {REST_TOKEN}"},
        )
        assert bearer.status_code == 200, bearer.text
        assert bearer.json()[0]["recipient_id"] == "alice"
        query = http.post("/webhooks/rest/webhook", json=body, params={"token": REST_TOKEN})
        assert query.status_code == 200, query.text
        assert http.get("/webhooks/rest/").json() == {"status": "ok"}  # health stays open


def test_rest_token_is_off_by_default(client: httpx.Client) -> None:
    assert send(client, "bob", "hello").status_code == 200


def test_rest_token_does_not_open_another_channels_namespace(token_url: str) -> None:
    with httpx.Client(base_url=token_url, timeout=60.0) as http:
        response = http.post(
            "/webhooks/rest/webhook",
            json={"sender": "telegram:1", "message": "hello"},
            headers={"Authorization": f"Bearer {REST_TOKEN}"},
        )
        assert_error(response, 422, "validation_error")
