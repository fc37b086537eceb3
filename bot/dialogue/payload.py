"""Button payloads in Rasa's form `/intent{"entity": "value"}`, taken as they are, without NLU."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.dialogue.domain import DEFAULT_INTENTS, Domain

_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w-]*)(?P<entities>\{.*\})?\s*$", re.DOTALL)
MAX_PAYLOAD_CHARS = 1000


def parse_payload(text: str, domain: Domain) -> dict[str, Any] | None:
    """Rasa's parse shape for a payload, or None when the text is not a valid payload.

    A payload naming an unknown intent, or with entities that are not a JSON object of declared
    entities, is not a payload: it goes to the NLU like any other text.
    """
    if len(text) > MAX_PAYLOAD_CHARS:
        return None
    match = _PAYLOAD.match(text.strip())
    if not match:
        return None
    intent = match.group("intent")
    if intent not in domain.intents and intent not in DEFAULT_INTENTS:
        return None
    entities: list[dict[str, Any]] = []
    raw = match.group("entities")
    if raw:
        try:
            values = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(values, dict) or any(k not in domain.entities for k in values):
            return None
        start = match.start("entities")
        for name, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                entities.append(
                    {
                        "entity": name,
                        "value": item,
                        "start": start,
                        "end": start + len(raw),
                        "confidence": 1.0,
                        "extractor": "payload",
                    }
                )
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": entities,
    }
