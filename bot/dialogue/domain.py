"""The domain: intents, entities, slots, forms, responses and actions, merged from YAML files.

Rasa merges every file of a domain directory; so do we. Anything outside the supported subset
(see docs/rasa_subset.md) is rejected with the file and the problem, instead of being ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.dialogue.errors import DataError
from bot.dialogue.yaml_files import read_yaml

DEFAULT_ACTIONS = (
    "action_listen",
    "action_restart",
    "action_session_start",
    "action_default_fallback",
    "action_deactivate_loop",
    "action_back",
)
DEFAULT_INTENTS = ("restart", "session_start", "back", "nlu_fallback")
SLOT_TYPES = ("text", "bool", "categorical", "float", "list", "any")
MAPPING_TYPES = ("from_entity", "from_text", "from_intent", "from_trigger_intent", "custom")
TOP_LEVEL_KEYS = {
    "version",
    "intents",
    "entities",
    "slots",
    "forms",
    "responses",
    "actions",
    "session_config",
    "config",
}


@dataclass(frozen=True)
class SlotMapping:
    """One way a slot gets its value (Rasa 3 slot mapping)."""

    type: str
    entity: str | None = None
    role: str | None = None
    group: str | None = None
    value: Any = None
    intent: tuple[str, ...] = ()
    not_intent: tuple[str, ...] = ()
    conditions: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Slot:
    """A slot as declared in the domain."""

    name: str
    type: str
    initial_value: Any = None
    values: tuple[str, ...] = ()
    influence_conversation: bool = False
    mappings: tuple[SlotMapping, ...] = ()


@dataclass(frozen=True)
class Form:
    """A form: the slots it fills, in order, and intents it ignores."""

    name: str
    required_slots: tuple[str, ...]
    ignored_intents: tuple[str, ...] = ()


@dataclass
class Domain:
    """The whole merged domain, plus its raw dict as sent to action servers."""

    intents: list[str]
    entities: list[str]
    slots: dict[str, Slot]
    forms: dict[str, Form]
    responses: dict[str, list[dict[str, Any]]]
    actions: list[str]
    session_expiration_minutes: float = 60.0
    carry_over_slots: bool = True
    raw: dict[str, Any] = field(default_factory=dict)

    def is_custom_action(self, name: str) -> bool:
        """Custom actions run through rasa-sdk; responses and defaults run in the engine."""
        # Default actions are not in `actions` unless the domain overrides them (as Rasa
        # allows for action_session_start).
        return name in self.actions and name not in self.responses and name not in self.forms

    def as_action_server_dict(self) -> dict[str, Any]:
        """The domain as Rasa sends it to an action server (`domain` in the payload)."""
        return self.raw


def load_domain(domain_path: Path) -> Domain:
    """Load and validate a domain file or a directory of domain files.

    Args:
        domain_path: a YAML file, or a directory whose `*.yml` files are merged.

    Returns:
        The merged, validated domain.

    Raises:
        DataError: naming the file and the problem, for anything invalid or unsupported.
    """
    files = sorted(domain_path.glob("*.yml")) if domain_path.is_dir() else [domain_path]
    if not files:
        raise DataError(str(domain_path), "no domain files (*.yml) found")
    merged: dict[str, Any] = {
        "intents": [],
        "entities": [],
        "slots": {},
        "forms": {},
        "responses": {},
        "actions": [],
        "session_config": {},
    }
    origin: dict[str, str] = {}
    for path in files:
        _merge_file(merged, origin, path, read_yaml(path))
    return _build(merged, origin)


def _merge_file(merged: dict[str, Any], origin: dict[str, str], path: Path, content: Any) -> None:
    where = str(path)
    if content is None:
        return
    if not isinstance(content, dict):
        raise DataError(where, "a domain file must be a mapping of sections")
    # `x-...` keys hold YAML anchors shared by several entries; they are not domain sections.
    unknown = {key for key in set(content) - TOP_LEVEL_KEYS if not str(key).startswith("x-")}
    if unknown:
        raise DataError(where, f"unsupported top-level key(s): {', '.join(sorted(unknown))}")
    for key in ("intents", "entities", "actions"):
        items = content.get(key) or []
        if not isinstance(items, list):
            raise DataError(where, f"'{key}' must be a list")
        for item in items:
            name = _list_item_name(where, key, item)
            if name in merged[key]:
                continue
            merged[key].append(name)
            origin[f"{key}:{name}"] = where
    for key in ("slots", "forms", "responses"):
        section = content.get(key) or {}
        if not isinstance(section, dict):
            raise DataError(where, f"'{key}' must be a mapping")
        for name, value in section.items():
            if key == "responses" and name in merged[key]:
                if not isinstance(value, list):
                    raise DataError(where, f"response '{name}' must be a list of variations")
                merged[key][name] = merged[key][name] + value  # per-language files add variations
                continue
            if name in merged[key]:
                raise DataError(
                    where, f"{key[:-1]} '{name}' is already defined in {origin[f'{key}:{name}']}"
                )
            merged[key][name] = value
            origin[f"{key}:{name}"] = where
    session_config = content.get("session_config")
    if session_config is not None:
        if not isinstance(session_config, dict):
            raise DataError(where, "'session_config' must be a mapping")
        merged["session_config"].update(session_config)
        origin["session_config"] = where


def _list_item_name(where: str, key: str, item: Any) -> str:
    if isinstance(item, str) and item.strip():
        return item
    if isinstance(item, dict) and len(item) == 1:
        name, options = next(iter(item.items()))
        if key == "intents" and isinstance(options, dict):
            extra = set(options) - {"use_entities", "ignore_entities"}
            if extra:
                raise DataError(where, f"intent '{name}': unsupported option(s) {sorted(extra)}")
        return str(name)
    raise DataError(where, f"'{key}' has an invalid entry: {item!r}")


def _build(merged: dict[str, Any], origin: dict[str, str]) -> Domain:
    intents = merged["intents"]
    entities = merged["entities"]
    slots = {
        name: _parse_slot(name, spec, origin[f"slots:{name}"], intents, entities)
        for name, spec in merged["slots"].items()
    }
    forms = {
        name: _parse_form(name, spec, origin[f"forms:{name}"], slots, intents)
        for name, spec in merged["forms"].items()
    }
    responses = {
        name: _check_response(name, spec, origin[f"responses:{name}"], slots)
        for name, spec in merged["responses"].items()
    }
    actions = list(merged["actions"])
    for name in actions:
        if name.startswith("utter_") and name not in responses:
            raise DataError(origin[f"actions:{name}"], f"action '{name}' has no response")
    for name in list(responses) + list(forms):
        if name not in actions:
            actions.append(name)
    session = merged["session_config"]
    unknown = set(session) - {"session_expiration_time", "carry_over_slots_to_new_session"}
    if unknown:
        raise DataError(
            origin.get("session_config", "domain"),
            f"unsupported session_config key(s): {sorted(unknown)}",
        )
    raw = {
        "version": "3.1",
        "config": {"store_entities_as_slots": True},
        "session_config": {
            "session_expiration_time": session.get("session_expiration_time", 60),
            "carry_over_slots_to_new_session": session.get("carry_over_slots_to_new_session", True),
        },
        "intents": intents,
        "entities": entities,
        "slots": merged["slots"],
        "responses": merged["responses"],
        "actions": actions,
        "forms": merged["forms"],
        "e2e_actions": [],
    }
    if "requested_slot" not in slots:
        slots["requested_slot"] = Slot(name="requested_slot", type="any")
        raw["slots"] = {
            **raw["slots"],
            "requested_slot": {"type": "any", "mappings": [], "influence_conversation": False},
        }
    return Domain(
        intents=intents,
        entities=entities,
        slots=slots,
        forms=forms,
        responses=responses,
        actions=actions,
        session_expiration_minutes=float(raw["session_config"]["session_expiration_time"]),
        carry_over_slots=bool(raw["session_config"]["carry_over_slots_to_new_session"]),
        raw=raw,
    )


def _parse_slot(name: str, spec: Any, where: str, intents: list[str], entities: list[str]) -> Slot:
    if not isinstance(spec, dict):
        raise DataError(where, f"slot '{name}' must be a mapping")
    slot_type = spec.get("type")
    if slot_type not in SLOT_TYPES:
        raise DataError(where, f"slot '{name}': type {slot_type!r} is not one of {SLOT_TYPES}")
    unknown = set(spec) - {
        "type",
        "initial_value",
        "values",
        "influence_conversation",
        "mappings",
        "min_value",
        "max_value",
    }
    if unknown:
        raise DataError(where, f"slot '{name}': unsupported key(s) {sorted(unknown)}")
    values = tuple(str(v) for v in spec.get("values") or ())
    if slot_type == "categorical" and not values:
        raise DataError(where, f"slot '{name}': a categorical slot needs 'values'")
    mappings = spec.get("mappings")
    if not isinstance(mappings, list):
        raise DataError(where, f"slot '{name}': 'mappings' must be a list (Rasa 3 requires it)")
    parsed = tuple(_parse_mapping(name, m, where, intents, entities) for m in mappings)
    return Slot(
        name=name,
        type=slot_type,
        initial_value=spec.get("initial_value"),
        values=values,
        influence_conversation=bool(spec.get("influence_conversation", False)),
        mappings=parsed,
    )


def _parse_mapping(
    slot: str, spec: Any, where: str, intents: list[str], entities: list[str]
) -> SlotMapping:
    if not isinstance(spec, dict) or spec.get("type") not in MAPPING_TYPES:
        raise DataError(where, f"slot '{slot}': mapping type must be one of {MAPPING_TYPES}")
    unknown = set(spec) - {
        "type",
        "entity",
        "role",
        "group",
        "value",
        "intent",
        "not_intent",
        "conditions",
        "action",
    }
    if unknown:
        raise DataError(where, f"slot '{slot}': unsupported mapping key(s) {sorted(unknown)}")
    kind = spec["type"]
    if kind == "from_entity" and spec.get("entity") not in entities:
        raise DataError(where, f"slot '{slot}': entity {spec.get('entity')!r} is not declared")
    if kind in ("from_intent", "from_trigger_intent") and "value" not in spec:
        raise DataError(where, f"slot '{slot}': a {kind} mapping needs a 'value'")
    intent, not_intent = _as_tuple(spec.get("intent")), _as_tuple(spec.get("not_intent"))
    for name in intent + not_intent:
        if name not in intents and name not in DEFAULT_INTENTS:
            raise DataError(where, f"slot '{slot}': mapping names unknown intent '{name}'")
    conditions = spec.get("conditions") or []
    if not isinstance(conditions, list) or any(
        not isinstance(c, dict) or set(c) - {"active_loop", "requested_slot"} for c in conditions
    ):
        raise DataError(
            where, f"slot '{slot}': conditions may only use active_loop and requested_slot"
        )
    return SlotMapping(
        type=kind,
        entity=spec.get("entity"),
        role=spec.get("role"),
        group=spec.get("group"),
        value=spec.get("value"),
        intent=intent,
        not_intent=not_intent,
        conditions=tuple(conditions),
    )


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _parse_form(
    name: str, spec: Any, where: str, slots: dict[str, Slot], intents: list[str]
) -> Form:
    if not isinstance(spec, dict) or not isinstance(spec.get("required_slots"), list):
        raise DataError(where, f"form '{name}' needs a 'required_slots' list")
    unknown = set(spec) - {"required_slots", "ignored_intents"}
    if unknown:
        raise DataError(where, f"form '{name}': unsupported key(s) {sorted(unknown)}")
    for slot in spec["required_slots"]:
        if slot not in slots:
            raise DataError(where, f"form '{name}': required slot '{slot}' is not declared")
    ignored = _as_tuple(spec.get("ignored_intents"))
    for intent in ignored:
        if intent not in intents:
            raise DataError(where, f"form '{name}': ignored intent '{intent}' is not declared")
    return Form(name=name, required_slots=tuple(spec["required_slots"]), ignored_intents=ignored)


def _check_response(
    name: str, spec: Any, where: str, slots: dict[str, Slot]
) -> list[dict[str, Any]]:
    if not name.startswith("utter_"):
        raise DataError(where, f"response '{name}' must start with 'utter_'")
    if not isinstance(spec, list) or not spec:
        raise DataError(where, f"response '{name}' must be a non-empty list of variations")
    for variation in spec:
        if not isinstance(variation, dict):
            raise DataError(where, f"response '{name}': each variation must be a mapping")
        unknown = set(variation) - {
            "text",
            "buttons",
            "image",
            "custom",
            "condition",
            "channel",
            "id",
        }
        if unknown:
            raise DataError(where, f"response '{name}': unsupported key(s) {sorted(unknown)}")
        if not any(k in variation for k in ("text", "image", "custom")):
            raise DataError(where, f"response '{name}': a variation needs text, image or custom")
        for button in variation.get("buttons") or []:
            if not isinstance(button, dict) or not {"title", "payload"} <= set(button):
                raise DataError(where, f"response '{name}': a button needs title and payload")
        for condition in variation.get("condition") or []:
            if (
                not isinstance(condition, dict)
                or condition.get("type") != "slot"
                or condition.get("name") not in slots
            ):
                raise DataError(
                    where,
                    f"response '{name}': a condition must be "
                    "{type: slot, name: <declared slot>, value: ...}",
                )
    return spec
