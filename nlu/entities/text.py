"""Text helpers shared by the entity normalisers: accent folding and entity dicts."""

from __future__ import annotations

import unicodedata
from typing import Any

Entity = dict[str, Any]

# Letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL = str.maketrans(
    {"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "œ": "oe", "ı": "i", "þ": "th"}
)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, so "Skåne" and "skane" compare equal.

    Args:
        text: Any text.

    Returns:
        The case-folded text without combining marks ("Gdańsk" -> "gdansk").
    """
    lowered = text.casefold().translate(_SPECIAL)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def make_entity(
    entity: str, start: int, end: int, value: Any, text: str, extractor: str, **extra: Any
) -> Entity:
    """An entity in Rasa's shape, with the matched text kept as ``raw``.

    Args:
        entity: Entity type, e.g. ``"headcount"``.
        start: Start character offset in ``text``.
        end: End character offset in ``text``.
        value: The normalised value.
        text: The whole message.
        extractor: Name of the component that found it.
        **extra: Further keys to add (``unit``, ``approximate`` ...).

    Returns:
        ``{entity, value, start, end, confidence, extractor, raw, ...}``.
    """
    found: Entity = {
        "entity": entity,
        "value": value,
        "start": start,
        "end": end,
        "confidence": 1.0,
        "extractor": extractor,
        "raw": text[start:end],
    }
    found.update(extra)
    return found
