"""The widget's message shape, made from the conversation's Rasa events, and its interface words.

A message is ``{"seq", "role", "text", "buttons", "timestamp"}``: `seq` is the event's place
in the conversation's log, so the widget can order and deduplicate what it receives by
answer, history and stream. Texts are plain (a safe Markdown subset at most); the widget
renders them as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.dialogue.messages import BotMessage
from bot.dialogue.outbound import OUTSIDE_TURN
from nlu.yaml_reader import read_yaml

#: The seq of the first reply that is not in the log (the receipt of an erasure, which erased
#: the log); the next ones count down from it.
NOT_LOGGED = -1
FALLBACK_LANGUAGE = "en"


def _buttons(data: dict[str, Any] | None) -> list[dict[str, str]]:
    return [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in (data or {}).get("buttons") or []
        if isinstance(b, dict)
    ]


def bot_message(seq: int, event: dict[str, Any]) -> dict[str, Any]:
    """A stored `bot` event as a widget message."""
    text = event.get("text")
    return {
        "seq": seq,
        "role": "bot",
        "text": None if text is None else str(text),
        "buttons": _buttons(event.get("data")),
        "timestamp": float(event.get("timestamp") or 0.0),
    }


def reply_message(message: BotMessage, timestamp: float, index: int = 0) -> dict[str, Any]:
    """A reply that is not in the log as a widget message: its seq is negative (`NOT_LOGGED`,
    then -2, -3... for the next replies), so it is told from every logged message."""
    return {
        "seq": NOT_LOGGED - index,
        "role": "bot",
        "text": message.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in message.buttons],
        "timestamp": timestamp,
    }


def history(events: Iterable[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The user and bot events as messages; a button's payload the person sent shows as the
    button's title, as the person saw it."""
    out: list[dict[str, Any]] = []
    titles: dict[str, str] = {}
    for seq, event in events:
        if event.get("event") == "bot":
            out.append(bot_message(seq, event))
            titles = {b["payload"]: b["title"] for b in out[-1]["buttons"]}
        elif event.get("event") == "user":
            text = str(event.get("text") or "")
            out.append(
                {
                    "seq": seq,
                    "role": "user",
                    "text": titles.get(text, text),
                    "buttons": [],
                    "timestamp": float(event.get("timestamp") or 0.0),
                }
            )
    return out


def replies_to(
    events: Sequence[tuple[int, dict[str, Any]]], message_id: str
) -> list[dict[str, Any]] | None:
    """The bot messages that answered the user message `message_id`, from the log; None when
    the message is not in it."""
    for index in range(len(events) - 1, -1, -1):
        seq, event = events[index]
        if event.get("event") == "user" and event.get("message_id") == message_id:
            replies = []
            for later_seq, later in events[index + 1 :]:
                if later.get("event") == "user":
                    break
                if later.get("event") == "bot" and not _outside_turn(later):
                    replies.append(bot_message(later_seq, later))
            return replies
    return None


def _outside_turn(event: dict[str, Any]) -> bool:
    return bool((event.get("metadata") or {}).get(OUTSIDE_TURN))


def pushed(events: Iterable[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The bot messages of `events` that were appended outside a turn (what the stream sends)."""
    return [
        bot_message(seq, event)
        for seq, event in events
        if event.get("event") == "bot" and _outside_turn(event)
    ]


@lru_cache(maxsize=8)
def _ui_words(path: Path) -> dict[str, dict[str, str]]:
    data = read_yaml(path) or {}
    return {str(lang): {str(k): str(v) for k, v in words.items()} for lang, words in data.items()}


def interface_words(data_dir: Path, language: str, site_name: str) -> dict[str, str]:
    """The widget's interface words in `language`, English filling the gaps; ``{name}`` is
    the partner site's name (other placeholders are the widget's to fill)."""
    words = _ui_words(data_dir / "widget" / "ui.yml")
    merged = {**words.get(FALLBACK_LANGUAGE, {}), **words.get(language, {})}
    return {key: value.replace("{name}", site_name) for key, value in merged.items()}


#: The words widget.js shows before the server has answered a session, or when a page is
#: refused one, per language of data/widget/ui.yml.
EARLY_WORDS = ("open_chat", "close_chat", "title", "error_unavailable")


def early_words(data_dir: Path) -> dict[str, dict[str, str]]:
    """The early words of every language, English filling the gaps."""
    words = _ui_words(data_dir / "widget" / "ui.yml")
    english = words.get(FALLBACK_LANGUAGE, {})
    return {
        language: {key: own.get(key, english.get(key, "")) for key in EARLY_WORDS}
        for language, own in words.items()
    }
