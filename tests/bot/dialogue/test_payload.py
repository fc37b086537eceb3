"""Button payloads `/intent{"entity": "value"}` are parsed as Rasa does, and only when valid."""

from __future__ import annotations

from bot.config import get_settings
from bot.dialogue.bot_data import load_bot_data
from bot.dialogue.payload import parse_payload

DOMAIN = load_bot_data(get_settings().DATA_DIR).domain


def test_parse_payload_intent_only() -> None:
    parsed = parse_payload("/greet", DOMAIN)
    assert parsed is not None
    assert parsed["intent"] == {"name": "greet", "confidence": 1.0}
    assert parsed["entities"] == []


def test_parse_payload_with_entities() -> None:
    parsed = parse_payload('/inform{"country": "FI", "number": [3, 4]}', DOMAIN)
    assert parsed is not None
    assert [(e["entity"], e["value"]) for e in parsed["entities"]] == [
        ("country", "FI"),
        ("number", 3),
        ("number", 4),
    ]


def test_parse_payload_rejects_unknown_intent_bad_json_and_unknown_entity() -> None:
    assert parse_payload("/unknown_intent", DOMAIN) is None
    assert parse_payload('/inform{"country": FI}', DOMAIN) is None
    assert parse_payload('/inform{"password": "x"}', DOMAIN) is None
    assert parse_payload('/inform["FI"]', DOMAIN) is None
    assert parse_payload("hello /greet", DOMAIN) is None


def test_parse_payload_default_intents() -> None:
    parsed = parse_payload("/restart", DOMAIN)
    assert parsed is not None and parsed["intent"]["name"] == "restart"
