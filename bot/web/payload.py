"""Turns the raw bytes of a REST channel request into a checked `RestMessageIn`.

Parsing is done by hand rather than by FastAPI's body handling so that each kind of
bad input gets its own status: undecodable bytes and broken JSON are 400, a
well-formed document with wrong fields is 422 naming the field. The Content-Type was
checked before (`JsonBodyMiddleware`: JSON or none).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import ValidationError

from bot.observability.logs import has_controls
from bot.storage.identity import REST_CHANNEL
from bot.storage.inbox import derived_message_id
from bot.web.errors import ApiError, validation_details, validation_error
from bot.web.schemas import MAX_MESSAGE_ID_CHARS, MAX_METADATA_DEPTH, RestMessageIn

#: Ids end up in logs and headers: a line break or control character in one is refused.
CONTROLS_MESSAGE = "contains control characters or line separators"


def _reject_constant(name: str) -> Any:
    """Refuse NaN and Infinity: they are not JSON and not storable as JSON."""
    raise ValueError(f"{name} is not valid JSON")


def decode_json(raw: bytes) -> Any:
    """The JSON document in `raw`.

    Raises:
        ApiError: 400 when the bytes are not UTF-8 or not strict JSON.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_encoding", "request body is not valid UTF-8") from exc
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        # JSONDecodeError is a ValueError; so are over-long integers and NaN.
        raise ApiError(400, "malformed_json", "request body is not valid JSON") from exc


def _check_text_and_depth(value: Any, root: str) -> None:
    """Refuse lone surrogates (not storable text) and nesting deeper than the limit."""
    stack: list[tuple[Any, str, int]] = [(value, root, 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_METADATA_DEPTH:
            raise validation_error([{"field": root, "message": "nested too deeply"}])
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise validation_error(
                    [{"field": where, "message": "contains a lone surrogate (invalid Unicode)"}]
                ) from None
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, where, depth + 1))
                stack.append((child, f"{where}.{key}", depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{where}.{i}", depth + 1) for i, child in enumerate(item))


def parse_rest_message(raw: bytes) -> RestMessageIn:
    """The checked REST channel message in `raw`.

    Raises:
        ApiError: 400 for undecodable or malformed JSON, 422 for invalid fields.
    """
    data = decode_json(raw)
    if not isinstance(data, dict):
        raise validation_error([{"field": "body", "message": "must be a JSON object"}])
    try:
        parsed = RestMessageIn.model_validate(data)
    except ValidationError as exc:
        raise validation_error(validation_details(exc.errors())) from None
    _check_text_and_depth(parsed.sender, "sender")
    _check_text_and_depth(parsed.message, "message")
    if parsed.sender is not None and has_controls(parsed.sender):
        raise validation_error([{"field": "sender", "message": CONTROLS_MESSAGE}])
    if parsed.metadata is not None:
        _check_text_and_depth(parsed.metadata, "metadata")
    return parsed


def message_id_of(sender: str, metadata: dict[str, Any], body: bytes = b"") -> str:
    """The id the agent deduplicates on: the client's `metadata.message_id`, scoped to `sender`.

    REST ids are chosen by clients, so two conversations may well both send id "1"; the
    sender's hash is appended (``"1@<16 hex digits>"``) so that one conversation's id can
    never match, and be answered with, another conversation's message. Without an id, one
    derived from the sender and the request body (`bot.storage.inbox.derived_message_id`), with
    the client's `metadata.sequence` if it sends one: a retry of the same request is then
    answered once (docs/http_api.md).

    Raises:
        ApiError: 422 when the id is neither a non-empty string nor an integer.
    """
    value = metadata.get("message_id")
    if value is None:
        sequence = metadata.get("sequence")
        return derived_message_id(
            REST_CHANNEL, sender, body, None if sequence is None else str(sequence)
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise validation_error(
            [{"field": "metadata.message_id", "message": "must be a string or an integer"}]
        )
    text = str(value)
    if has_controls(text):
        raise validation_error([{"field": "metadata.message_id", "message": CONTROLS_MESSAGE}])
    if not text or len(text) > MAX_MESSAGE_ID_CHARS:
        raise validation_error(
            [
                {
                    "field": "metadata.message_id",
                    "message": f"must be 1 to {MAX_MESSAGE_ID_CHARS} characters",
                }
            ]
        )
    sender_hash = hashlib.blake2b(sender.encode("utf-8"), digest_size=8).hexdigest()
    return f"{text}@{sender_hash}"
