"""Parsing of Rasa entity annotations inside training example text.

Supported forms: ``[text](entity)``, ``[text](entity:value)`` (legacy synonym
shorthand) and ``[text]{"entity": "x", "value": "y", "role": "r", "group": "g"}``, where
``value``, ``role`` and ``group`` are optional, as in Rasa. A role says whose fact the entity
is (``owner``, ``target`` ...); a group binds entities that belong together.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_ANNOTATION = re.compile(
    r"\[(?P<text>[^\[\]\n]+)\]"
    r"(?:\((?P<short>[^()\n]+)\)|(?P<json>\{[^{}\n]*\}))"
)
_ENTITY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")  # a role or group ("owner", "1")
_JSON_KEYS = frozenset({"entity", "value", "role", "group"})


class AnnotationError(ValueError):
    """An entity annotation that cannot be parsed; the message says why."""


@dataclass(frozen=True)
class EntityAnnotation:
    """One entity annotated in a training example.

    Attributes:
        start: Character offset of the entity in the plain example text.
        end: Character offset one past the entity's last character.
        entity: Entity type, e.g. ``company_name``.
        value: Value the entity stands for (the text itself unless a value was given).
        role: Rasa entity role (whose fact it is), or None for a fact of the user's company.
        group: Rasa entity group (which entities belong together), or None.
    """

    start: int
    end: int
    entity: str
    value: str
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class _Parsed:
    entity: str
    value: str
    role: str | None = None
    group: str | None = None


def _entity_and_value(match: re.Match[str]) -> _Parsed:
    """Read the entity type, value, role and group of one annotation match."""
    text = match.group("text")
    if match.group("short") is not None:
        entity, _, value = match.group("short").partition(":")
        entity, value = entity.strip(), value.strip() or text
        parsed = _Parsed(entity, value)
    else:
        parsed = _json_annotation(match.group(0), match.group("json"), text)
    if not _ENTITY_NAME.match(parsed.entity):
        raise AnnotationError(f"invalid entity name {parsed.entity!r} in {match.group(0)!r}")
    return parsed


def _json_annotation(annotation: str, block: str, text: str) -> _Parsed:
    """Read ``{"entity": ..., "value"?, "role"?, "group"?}``; roles and groups are names."""
    try:
        data = json.loads(block)
    except json.JSONDecodeError as exc:
        raise AnnotationError(f"invalid JSON in entity annotation {annotation!r}") from exc
    if not isinstance(data, dict) or not set(data) <= _JSON_KEYS or "entity" not in data:
        raise AnnotationError(
            f"entity annotation {annotation!r} must be a JSON object with 'entity' and "
            "optionally 'value', 'role' and 'group'"
        )
    extra: dict[str, str | None] = {}
    for key in ("role", "group"):
        if key not in data:
            extra[key] = None
            continue
        name = data[key]
        if isinstance(name, int) and not isinstance(name, bool):
            name = str(name)  # Rasa writes groups as numbers too: "group": 1
        if not isinstance(name, str) or not _LABEL_NAME.match(name.strip()):
            raise AnnotationError(f"invalid {key} {name!r} in {annotation!r}")
        extra[key] = name.strip()
    entity, value = str(data["entity"]).strip(), str(data.get("value", text))
    return _Parsed(entity, value, extra["role"], extra["group"])


def parse_annotated_text(raw: str) -> tuple[str, list[EntityAnnotation]]:
    """Strip entity annotations from an example and report where they were.

    Args:
        raw: Example text as written in the YAML, with annotations.

    Returns:
        The plain text and its entities, with offsets into the plain text.

    Raises:
        AnnotationError: If a ``[`` starts no complete annotation or one is malformed.
    """
    plain: list[str] = []
    entities: list[EntityAnnotation] = []
    pos = 0
    length = 0
    while True:
        bracket = raw.find("[", pos)
        closing = raw.find("]", pos)
        if closing >= 0 and (bracket < 0 or closing < bracket):
            raise AnnotationError(f"unmatched ']' at character {closing + 1}")
        if bracket < 0:
            plain.append(raw[pos:])
            break
        match = _ANNOTATION.match(raw, bracket)
        if match is None:
            closed = raw.find("]", bracket)
            if closed >= 0 and "[" not in raw[bracket + 1 : closed]:
                fragment = raw[bracket : closed + 1]
                raise AnnotationError(f"entity annotation {fragment!r} has no (entity) after it")
            fragment = raw[bracket:].split()[0]
            raise AnnotationError(f"unclosed entity annotation {fragment!r}")
        parsed = _entity_and_value(match)
        before = raw[pos:bracket]
        plain.append(before)
        length += len(before)
        text = match.group("text")
        if text != text.strip():
            raise AnnotationError(f"entity text {text!r} starts or ends with whitespace")
        entities.append(
            EntityAnnotation(
                length, length + len(text), parsed.entity, parsed.value, parsed.role, parsed.group
            )
        )
        plain.append(text)
        length += len(text)
        pos = match.end()
    return "".join(plain), entities
