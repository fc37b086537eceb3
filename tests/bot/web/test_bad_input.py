"""Bad input over real HTTP: each case gets its status and the error shape; nothing is stored."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from web_helpers import API_TOKEN, assert_error, parse_raw_reply, raw_http

WEBHOOK = "/webhooks/rest/webhook"
DEEP = json.loads('{"a":' * 30 + "1" + "}" * 30)


def _post_raw(client: httpx.Client, body: bytes, **headers: str) -> httpx.Response:
    headers = {"Content-Type": "application/json", **headers}
    return client.post(WEBHOOK, content=body, headers=headers)


def _assert_nothing_stored(client: httpx.Client, sender: str = "bad") -> None:
    response = client.get(f"/conversations/{sender}/tracker", params={"token": API_TOKEN})
    assert_error(response, 404, "not_found")


BAD_BYTES = {
    "truncated": b'{"sender": "bad", "message": "hel',
    "trailing_garbage": b'{"sender": "bad", "message": "hello"} x',
    "single_quotes": b"{'sender': 'bad', 'message': 'hello'}",
    "empty_body": b"",
    "nan": b'{"sender": "bad", "message": "hello", "metadata": {"x": NaN}}',
    "infinity": b'{"sender": "bad", "message": "hello", "metadata": {"x": -Infinity}}',
    "huge_integer": b'{"sender": "bad", "message": "hello", "metadata": {"x": '
    + b"9" * 5000
    + b"}}",
    "deep_nesting": b'{"sender": "bad", "message": "hello", "metadata": '
    + b'{"a": [' * 5000
    + b"]}" * 5000
    + b"}",
}


@pytest.mark.parametrize("body", BAD_BYTES.values(), ids=BAD_BYTES.keys())
def test_create_message_malformed_json_is_400(client: httpx.Client, body: bytes) -> None:
    assert_error(_post_raw(client, body), 400, "malformed_json")
    _assert_nothing_stored(client)


INVALID_UTF8 = {
    "latin1": '{"sender": "bad", "message": "café"}'.encode("latin-1"),
    "lone_continuation": b'{"sender": "bad", "message": "\x80"}',
    "overlong": b'{"sender": "bad", "message": "\xc0\xaf"}',
    "encoded_surrogate": b'{"sender": "bad", "message": "\xed\xa0\x80"}',
    "utf16": '{"sender": "bad", "message": "hello"}'.encode("utf-16"),
}


@pytest.mark.parametrize("body", INVALID_UTF8.values(), ids=INVALID_UTF8.keys())
def test_create_message_invalid_utf8_is_400(client: httpx.Client, body: bytes) -> None:
    assert_error(_post_raw(client, body), 400, "invalid_encoding")
    _assert_nothing_stored(client)


INVALID_FIELDS: dict[str, tuple[Any, str]] = {
    "array_body": ([{"sender": "bad", "message": "hello"}], "body"),
    "string_body": ("hello", "body"),
    "number_body": (42, "body"),
    "missing_message": ({"sender": "bad"}, "message"),
    "null_message": ({"sender": "bad", "message": None}, "message"),
    "integer_message": ({"sender": "bad", "message": 5}, "message"),
    "list_message": ({"sender": "bad", "message": ["hello"]}, "message"),
    "object_message": ({"sender": "bad", "message": {"text": "hello"}}, "message"),
    "boolean_message": ({"sender": "bad", "message": True}, "message"),
    "integer_sender": ({"sender": 7, "message": "hello"}, "sender"),
    "list_sender": ({"sender": ["bad"], "message": "hello"}, "sender"),
    "empty_sender": ({"sender": "", "message": "hello"}, "sender"),
    "long_sender": ({"sender": "b" * 256, "message": "hello"}, "sender"),
    "control_sender": ({"sender": "bad\x00", "message": "hello"}, "sender"),
    "list_metadata": ({"sender": "bad", "message": "hello", "metadata": [1]}, "metadata"),
    "string_metadata": ({"sender": "bad", "message": "hello", "metadata": "x"}, "metadata"),
    "float_message_id": (
        {"sender": "bad", "message": "hello", "metadata": {"message_id": 1.5}},
        "metadata.message_id",
    ),
    "bool_message_id": (
        {"sender": "bad", "message": "hello", "metadata": {"message_id": True}},
        "metadata.message_id",
    ),
    "object_message_id": (
        {"sender": "bad", "message": "hello", "metadata": {"message_id": {"a": 1}}},
        "metadata.message_id",
    ),
    "empty_message_id": (
        {"sender": "bad", "message": "hello", "metadata": {"message_id": ""}},
        "metadata.message_id",
    ),
    "long_message_id": (
        {"sender": "bad", "message": "hello", "metadata": {"message_id": "m" * 129}},
        "metadata.message_id",
    ),
    "deep_metadata": (
        {"sender": "bad", "message": "hello", "metadata": DEEP},
        "metadata",
    ),
}


@pytest.mark.parametrize(("body", "field"), INVALID_FIELDS.values(), ids=INVALID_FIELDS.keys())
def test_create_message_invalid_field_is_422(client: httpx.Client, body: Any, field: str) -> None:
    error = assert_error(client.post(WEBHOOK, json=body), 422, "validation_error")
    assert field in error["message"]
    assert [d["field"] for d in error["details"]] == [field]
    _assert_nothing_stored(client)


def test_create_message_null_body_is_422(client: httpx.Client) -> None:
    error = assert_error(_post_raw(client, b"null"), 422, "validation_error")
    assert error["details"] == [{"field": "body", "message": "must be a JSON object"}]


def test_create_message_lone_surrogate_is_422(client: httpx.Client) -> None:
    body = b'{"sender": "bad", "message": "a\\ud800b"}'
    error = assert_error(_post_raw(client, body), 422, "validation_error")
    assert error["details"][0]["field"] == "message"
    body = b'{"sender": "bad", "message": "hi", "metadata": {"k": ["\\udfff"]}}'
    error = assert_error(_post_raw(client, body), 422, "validation_error")
    assert error["details"][0]["field"] == "metadata.k.0"
    _assert_nothing_stored(client)


def test_create_message_over_limit_with_content_length_is_413(client: httpx.Client) -> None:
    body = json.dumps({"sender": "bad", "message": "x" * 300_000}).encode()
    assert_error(_post_raw(client, body), 413, "payload_too_large")
    _assert_nothing_stored(client)


def test_create_message_over_limit_declared_only_is_413(base_url: str) -> None:
    # A client that announces a huge body is refused before the body is read.
    head = (
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: test\r\n"
        b"Content-Type: application/json\r\nContent-Length: 999999999\r\n\r\n"
    )
    status, _, body = parse_raw_reply(raw_http(base_url, head, b'{"message": "hi"'))
    assert status == 413
    assert body["error"]["code"] == "payload_too_large"


def test_create_message_bad_content_length_is_rejected(base_url: str) -> None:
    head = b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: test\r\nContent-Length: lots\r\n\r\n"
    status, _, _ = parse_raw_reply(raw_http(base_url, head, b'{"message": "hi"}'))
    assert status in (400, 413)


def _chunks(total: int, size: int = 16_384) -> Iterator[bytes]:
    yield b'{"sender": "bad", "message": "'
    sent = 0
    while sent < total:
        yield b"y" * size
        sent += size
    yield b'"}'


def test_create_message_over_limit_chunked_is_413(client: httpx.Client) -> None:
    # No Content-Length at all: the streamed size is what counts.
    response = client.post(WEBHOOK, content=_chunks(400_000))
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_error(response, 413, "payload_too_large")
    _assert_nothing_stored(client)


def test_create_message_under_limit_chunked_is_answered(client: httpx.Client) -> None:
    response = client.post(WEBHOOK, content=_chunks(100_000))
    assert response.status_code == 200, response.text[:300]


def test_create_message_understated_content_length_is_400(
    base_url: str, client: httpx.Client
) -> None:
    # A Content-Length smaller than the body: only the declared bytes are read as the body.
    body = json.dumps({"sender": "bad", "message": "x" * 300_000}).encode()
    head = (
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: test\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
    )
    status, _, reply = parse_raw_reply(raw_http(base_url, head, body))
    assert status == 400
    assert reply["error"]["code"] == "malformed_json"
    _assert_nothing_stored(client)


def test_unknown_route_is_404_json(client: httpx.Client) -> None:
    assert_error(client.get("/no/such/route"), 404, "not_found")


def test_wrong_method_is_405_json(client: httpx.Client) -> None:
    response = client.get(WEBHOOK)
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["allow"]
    assert_error(client.delete("/conversations/x/tracker"), 405, "method_not_allowed")


def test_server_still_answers_after_bad_input(client: httpx.Client) -> None:
    for body in [*BAD_BYTES.values(), *INVALID_UTF8.values()]:
        assert _post_raw(client, body).status_code == 400
    response = client.post(WEBHOOK, json={"sender": "ok", "message": "hello"})
    assert response.status_code == 200


def test_create_message_client_gone_mid_body_is_not_an_error(
    base_url: str, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    head = (
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: test\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    with caplog.at_level(logging.INFO):
        raw_http(base_url, head, b'{"sender": "bad", ', timeout=0.5)
        for _ in range(50):  # the server notices the disconnect on its own schedule
            if any("client disconnected" in r.getMessage() for r in caplog.records):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the disconnect was not noticed")
        assert client.get("/health").status_code == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    _assert_nothing_stored(client)


def test_openapi_describes_the_endpoints(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/webhooks/rest/webhook", "/webhooks/rest/", "/health"} <= set(spec["paths"])
    webhook = spec["paths"]["/webhooks/rest/webhook"]["post"]
    assert "message" in webhook["requestBody"]["content"]["application/json"]["schema"]["required"]
