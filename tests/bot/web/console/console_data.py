"""Conversations for the console's tests, stored the way a turn stores them: through
`crud.append_events`, which keeps the console's summary and search text."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.engine import Engine

from bot.storage import crud, crud_sites, session

XSS_IMG = "<img src=x onerror=window.__pwned=1>"
XSS_SCRIPT = "<script>window.__pwned=1</script>"


def user(text: str, intent: str = "greet", confidence: float = 0.9, **extra: Any) -> dict[str, Any]:
    parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}
    return {"event": "user", "timestamp": time.time(), "text": text, "parse_data": parse, **extra}


def bot(
    text: str, response: str | None = None, buttons: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {
        "event": "bot",
        "timestamp": time.time(),
        "text": text,
        "data": {"buttons": buttons},
        "metadata": {"utter_action": response} if response else {},
    }


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": time.time(), "name": name, "value": value}


def store(
    engine: Engine,
    sender: str,
    events: list[dict[str, Any]],
    channel: str = "rest",
    site: int | None = None,
) -> int:
    """A conversation stored the way a turn stores it (the summary comes with the append)."""
    with session(engine) as db:
        conversation = crud.get_or_create_conversation(
            session=db, sender_id=sender, channel=channel
        )
        if site is not None:
            crud_sites.attribute_conversation(session=db, sender_id=sender, site_id=site)
        crud.append_events(
            session=db,
            conversation_id=int(conversation.id),  # type: ignore[arg-type]
            events=events,
            first_seq=crud.count_events(session=db, conversation_id=int(conversation.id)),  # type: ignore[arg-type]
        )
        return int(conversation.id)  # type: ignore[arg-type]
