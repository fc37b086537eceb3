"""Rasa's REST channel over real HTTP, against the real agent."""

from __future__ import annotations

import concurrent.futures
import logging

import httpx
import pytest
from web_helpers import assert_error, send, tracker, user_texts


def test_create_message_greeting_answers_with_text(client: httpx.Client) -> None:
    response = send(client, "u1", "hello")
    assert response.status_code == 200, response.text
    replies = response.json()
    assert isinstance(replies, list) and replies
    assert replies[0]["recipient_id"] == "u1"
    assert isinstance(replies[0]["text"], str) and replies[0]["text"].strip()
    assert all(r["recipient_id"] == "u1" for r in replies)


def test_create_message_conversation_offers_buttons(client: httpx.Client) -> None:
    replies = send(client, "u1", "hello").json()
    for text in ("what can you do?", "I run a small company", "help"):
        if any(r.get("buttons") for r in replies[1:] or replies):
            break
        replies = send(client, "u1", text).json()
    with_buttons = [r for r in replies if r.get("buttons")]
    assert with_buttons, replies
    for button in with_buttons[0]["buttons"]:
        assert set(button) == {"title", "payload"}
        assert isinstance(button["title"], str) and isinstance(button["payload"], str)
    # A button's payload, sent back as Rasa clients do, is answered.
    payload = with_buttons[0]["buttons"][0]["payload"]
    answer = send(client, "u1", payload)
    assert answer.status_code == 200, answer.text
    assert all(r["recipient_id"] == "u1" for r in answer.json())


def test_create_message_keys_are_rasas(client: httpx.Client) -> None:
    allowed = {"recipient_id", "text", "buttons", "image", "custom"}
    for text in ("hello", "thanks"):
        for reply in send(client, "keys", text).json():
            assert set(reply) <= allowed, reply


def test_create_message_without_sender_uses_default(client: httpx.Client) -> None:
    response = client.post("/webhooks/rest/webhook", json={"message": "hello"})
    assert response.status_code == 200, response.text
    assert response.json()[0]["recipient_id"] == "default"
    assert "hello" in user_texts(tracker(client, "default"))


def test_create_message_null_sender_and_metadata_are_defaults(client: httpx.Client) -> None:
    body = {"sender": None, "message": "hi", "metadata": None}
    response = client.post("/webhooks/rest/webhook", json=body)
    assert response.status_code == 200, response.text
    assert response.json()[0]["recipient_id"] == "default"


def test_create_message_accepts_json_or_no_content_type(client: httpx.Client) -> None:
    # Rasa reads any type; here a type a page may send cross-origin without a preflight is
    # refused (docs/rasa_subset.md), while clients that send no type at all keep working.
    for content_type in ("application/json", "application/json; charset=utf-8", None):
        headers = {"Content-Type": content_type} if content_type else {}
        response = client.post(
            "/webhooks/rest/webhook",
            content=b'{"sender": "lax", "message": "hello"}',
            headers=headers,
        )
        assert response.status_code == 200, (content_type, response.text)
        assert response.json()[0]["recipient_id"] == "lax"
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = client.post(
            "/webhooks/rest/webhook",
            content=b'{"sender": "lax", "message": "hello"}',
            headers={"Content-Type": content_type},
        )
        assert_error(response, 415, "unsupported_media_type")


def test_create_message_ignores_unknown_keys(client: httpx.Client) -> None:
    body = {"sender": "extra", "message": "hello", "input_channel": "rest", "x": [1]}
    assert client.post("/webhooks/rest/webhook", json=body).status_code == 200


ODD_MESSAGES = {
    "empty": "",
    "whitespace": " \t\n ",
    "emoji": "👋🏽 hello 🇫🇮🇪🇪",
    "right_to_left": "مرحبا، أريد المساعدة",
    "control_characters": "a\x01b\x07c\x1bd\x7fe",
    "nul": "before\x00after",
    "combining": "e\u0301\u200d\u200f\ufeff",
    "long_100kb": "word " * 20_000,
}


@pytest.mark.parametrize("text", ODD_MESSAGES.values(), ids=ODD_MESSAGES.keys())
def test_create_message_odd_text_is_answered_and_stored(client: httpx.Client, text: str) -> None:
    response = send(client, "odd", text, message_id="odd-1")
    assert response.status_code == 200, response.text[:500]
    replies = response.json()
    assert replies and all(r["recipient_id"] == "odd" for r in replies)
    state = tracker(client, "odd")
    assert len([e for e in state["events"] if e.get("event") == "user"]) == 1
    assert any(r.get("text") for r in replies)


def test_create_message_duplicate_id_answered_once(client: httpx.Client) -> None:
    send(client, "dup", "hello", message_id="m-1")
    first = send(client, "dup", "I need help", message_id="m-2")
    again = send(client, "dup", "I need help", message_id="m-2")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert user_texts(tracker(client, "dup")) == ["hello", "I need help"]


def test_create_message_integer_id_is_the_same_as_its_string(client: httpx.Client) -> None:
    first = send(client, "dup-int", "hello", message_id=42)
    again = send(client, "dup-int", "hello", message_id="42")
    assert again.json() == first.json()
    assert user_texts(tracker(client, "dup-int")) == ["hello"]


def test_create_message_concurrent_duplicates_stored_once(client: httpx.Client) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(
            pool.map(lambda _: send(client, "dup-race", "hello", message_id="same"), range(8))
        )
    assert {r.status_code for r in responses} == {200}
    assert len({r.text for r in responses}) == 1
    assert user_texts(tracker(client, "dup-race")) == ["hello"]


def test_create_message_same_id_in_two_conversations_is_two_messages(
    client: httpx.Client,
) -> None:
    # Clients often number their own messages; ids of different senders never collide.
    mine = send(client, "scope-a", "hello", message_id=1)
    theirs = send(client, "scope-b", "something else entirely", message_id=1)
    assert mine.status_code == theirs.status_code == 200
    assert all(r["recipient_id"] == "scope-b" for r in theirs.json())
    assert theirs.json() != [{**r, "recipient_id": "scope-b"} for r in mine.json()]
    assert user_texts(tracker(client, "scope-a")) == ["hello"]
    assert user_texts(tracker(client, "scope-b")) == ["something else entirely"]


def test_create_message_longest_id_is_accepted(client: httpx.Client) -> None:
    sender = "s" * 255
    first = send(client, sender, "hello", message_id="m" * 128)
    again = send(client, sender, "hello", message_id="m" * 128)
    assert first.status_code == again.status_code == 200, first.text
    assert again.json() == first.json()
    assert user_texts(tracker(client, sender)) == ["hello"]


def test_create_message_text_is_not_logged(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "our secret prototype codename Zanzibar-7"
    with caplog.at_level(logging.DEBUG):
        assert send(client, "quiet", secret, message_id="q1").status_code == 200
    assert caplog.records, "the turn should be logged"
    at_info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not [m for m in at_info if "Zanzibar" in m]


def test_create_message_without_id_is_never_deduplicated(client: httpx.Client) -> None:
    send(client, "no-id", "hello")
    send(client, "no-id", "hello")
    assert user_texts(tracker(client, "no-id")) == ["hello", "hello"]


def test_read_status_is_rasas(client: httpx.Client) -> None:
    response = client.get("/webhooks/rest/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
