"""Rasa's tracker endpoint over real HTTP: auth, shape, unknown conversations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from web_helpers import API_TOKEN, assert_error, live_server, real_agent, send

from bot.config import Settings

TRACKER_KEYS = {"sender_id", "slots", "latest_message", "events", "active_loop"}


def test_read_tracker_with_query_token(client: httpx.Client) -> None:
    send(client, "t1", "hello")
    response = client.get("/conversations/t1/tracker", params={"token": API_TOKEN})
    assert response.status_code == 200, response.text
    state = response.json()
    assert set(state) >= TRACKER_KEYS
    assert state["sender_id"] == "t1"
    assert [e["text"] for e in state["events"] if e["event"] == "user"] == ["hello"]
    assert any(e["event"] == "bot" for e in state["events"])


def test_read_tracker_with_bearer_token(client: httpx.Client) -> None:
    send(client, "t2", "hello")
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    response = client.get("/conversations/t2/tracker", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["sender_id"] == "t2"


def test_read_tracker_without_token_is_401(client: httpx.Client) -> None:
    send(client, "t3", "hello")
    response = client.get("/conversations/t3/tracker")
    assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


def test_read_tracker_wrong_token_is_401(client: httpx.Client) -> None:
    send(client, "t4", "hello")
    for params, headers in [
        ({"token": "wrong"}, {}),
        ({"token": ""}, {}),
        ({"token": "ünïcødé"}, {}),
        ({}, {"Authorization": "Bearer wrong"}),
        ({}, {"Authorization": f"Basic {API_TOKEN}"}),
        ({}, {"Authorization": API_TOKEN}),
        ({"token": API_TOKEN[:-1]}, {}),
    ]:
        response = client.get("/conversations/t4/tracker", params=params, headers=headers)
        assert_error(response, 401, "unauthorized")


def test_read_tracker_unknown_conversation_is_404(client: httpx.Client) -> None:
    response = client.get("/conversations/nobody-here/tracker", params={"token": API_TOKEN})
    assert_error(response, 404, "not_found")


def test_read_tracker_auth_comes_before_existence(client: httpx.Client) -> None:
    assert_error(client.get("/conversations/nobody-here/tracker"), 401, "unauthorized")


def test_read_tracker_over_long_id_is_422(client: httpx.Client) -> None:
    response = client.get(f"/conversations/{'x' * 256}/tracker", params={"token": API_TOKEN})
    error = assert_error(response, 422, "validation_error")
    assert error["details"][0]["field"] == "conversation_id"


def test_read_tracker_disabled_without_api_token(
    make_settings: Callable[..., Settings],
) -> None:
    with (
        live_server(real_agent, make_settings(API_TOKEN=None)) as url,
        httpx.Client(base_url=url, timeout=60.0) as http,
    ):
        assert send(http, "t5", "hello").status_code == 200
        for params in ({}, {"token": ""}, {"token": "anything"}):
            response = http.get("/conversations/t5/tracker", params=params)
            error = assert_error(response, 403, "forbidden")
            assert error["message"] == "tracker API disabled: set API_TOKEN"
        response = http.get("/conversations/t5/tracker", headers={"Authorization": "Bearer x"})
        assert_error(response, 403, "forbidden")


def test_read_tracker_include_events_as_rasa(client: httpx.Client) -> None:
    send(client, "t9", "hello")
    send(client, "t9", "/restart")
    send(client, "t9", "/learn_s3")

    def tracker(include: str | None) -> dict[str, Any]:
        params = {"token": API_TOKEN, **({"include_events": include} if include else {})}
        response = client.get("/conversations/t9/tracker", params=params)
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state

    def user_texts(include: str | None) -> list[str]:
        return [e["text"] for e in tracker(include)["events"] if e["event"] == "user"]

    assert user_texts("ALL") == ["hello", "/restart", "/learn_s3"]
    assert user_texts(None) == user_texts("AFTER_RESTART") == ["/learn_s3"]
    # As Rasa: no events at all is null, and the latest event's time and channel still show.
    bare = tracker("NONE")
    assert bare["events"] is None
    assert bare["latest_event_time"] == tracker("ALL")["events"][-1]["timestamp"]
    assert bare["latest_input_channel"] == "rest"
    # Every event has metadata, and a user event's parse data its message id and metadata.
    events = tracker("ALL")["events"]
    assert all(isinstance(event["metadata"], dict) for event in events)
    user = next(event for event in events if event["event"] == "user")
    assert user["parse_data"]["message_id"] == user["message_id"]
    assert user["parse_data"]["metadata"] == user["metadata"]
    response = client.get(
        "/conversations/t9/tracker", params={"token": API_TOKEN, "include_events": "SOME"}
    )
    assert_error(response, 422, "validation_error")
