"""Rendering `utter_*` responses: picking a variation and filling in slot values.

Variations whose conditions all hold (for example `language: fi`) win over plain ones, as in
Rasa's conditional response variations. The first fitting variation is used, so replies are
predictable in tests and transcripts.
"""

from __future__ import annotations

import re
from typing import Any

from bot.dialogue.domain import Domain

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render_response(
    domain: Domain, name: str, slots: dict[str, Any], *, channel: str | None = None, **values: Any
) -> dict[str, Any] | None:
    """The message for response `name`, or None if the domain has no fitting variation.

    Args:
        domain: the domain holding the responses.
        name: the response name (`utter_...`).
        slots: the conversation's slot values, used for conditions and placeholders.
        channel: the input channel, for channel-specific variations.
        **values: extra placeholder values (they win over slots), as `utter_message` passes.
    """
    variations = domain.responses.get(name)
    if not variations:
        return None
    chosen = _choose(variations, slots, channel)
    if chosen is None:
        return None
    fill = {**slots, **values}
    message: dict[str, Any] = {}
    if "text" in chosen:
        message["text"] = fill_placeholders(str(chosen["text"]), fill)
    if chosen.get("buttons"):
        message["buttons"] = [
            {"title": fill_placeholders(str(b["title"]), fill), "payload": str(b["payload"])}
            for b in chosen["buttons"]
        ]
    for key in ("image", "custom"):
        if key in chosen:
            message[key] = chosen[key]
    return message


def _choose(
    variations: list[dict[str, Any]], slots: dict[str, Any], channel: str | None
) -> dict[str, Any] | None:
    """The first conditional variation whose conditions all hold, one that names the
    conversation's language first (so a `journey_goal` variation of the default language
    never wins over the conversation's own language); else the first plain one."""
    fitting = [v for v in variations if v.get("channel") in (None, channel)]
    holding = [
        v
        for v in fitting
        if v.get("condition")
        and all(slots.get(c["name"]) == c.get("value") for c in v["condition"])
    ]
    if holding:
        return min(holding, key=lambda v: not _names_language(v))  # stable: file order kept
    plain = [v for v in fitting if not v.get("condition")]
    return plain[0] if plain else None


def _names_language(variation: dict[str, Any]) -> bool:
    return any(c.get("name") == "language" for c in variation.get("condition") or ())


def fill_placeholders(text: str, values: dict[str, Any]) -> str:
    """Replace `{name}` with its value; unknown or empty names are left as written."""

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else str(value)

    return _PLACEHOLDER.sub(replace, text)
