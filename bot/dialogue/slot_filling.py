"""Slot mappings: which slot values a user message carries (Rasa 3 `from_*` mappings).

Slots that a form requires are filled only by that form, so every value passes its validation;
all other slots are filled after each user message, as Rasa's `action_extract_slots` does.

Roles and groups follow Rasa: a `from_entity` mapping takes only entities whose `role` and
`group` equal the mapping's, so a mapping without a role never takes an entity that the NLU gave
a role (the owner's headcount does not fill the company's own `employees`).
"""

from __future__ import annotations

from typing import Any

from bot.dialogue.domain import Domain, Slot, SlotMapping
from bot.dialogue.tracker import DialogueTracker


def form_owned_slots(domain: Domain) -> set[str]:
    """Every slot that some form requires."""
    return {slot for form in domain.forms.values() for slot in form.required_slots}


def extract_global_slots(tracker: DialogueTracker) -> dict[str, Any]:
    """Values for slots no form owns, from the latest user message."""
    owned = form_owned_slots(tracker.domain)
    names = [name for name in tracker.domain.slots if name not in owned]
    return extract_slots(
        tracker,
        names,
        active_loop=tracker.active_loop,
        requested_slot=tracker.get_slot("requested_slot"),
    )


def extract_slots(
    tracker: DialogueTracker,
    names: list[str],
    *,
    active_loop: str | None,
    requested_slot: str | None,
    trigger: bool = False,
) -> dict[str, Any]:
    """Slot candidates from the latest user message for the given slots.

    Args:
        tracker: the conversation.
        names: slots to consider, in order.
        active_loop: the form being run (it may be activating now).
        requested_slot: the slot the form asked for last, if any.
        trigger: whether the form is being activated by this message.

    Returns:
        `{slot: value}` for every slot a mapping fills; the first applicable mapping wins.
    """
    message = tracker.latest_message
    if not message:
        return {}
    required = (
        tracker.domain.forms[active_loop].required_slots
        if active_loop in tracker.domain.forms
        else ()
    )
    found: dict[str, Any] = {}
    for name in names:
        slot = tracker.domain.slots[name]
        for mapping in slot.mappings:
            if not _applies(mapping, name, message, active_loop, requested_slot, required, trigger):
                continue
            value = _value(mapping, slot, message)
            if value is not None:
                found[name] = value
                break
    return found


def _applies(
    mapping: SlotMapping,
    slot: str,
    message: dict[str, Any],
    active_loop: str | None,
    requested_slot: str | None,
    required: tuple[str, ...],
    trigger: bool,
) -> bool:
    intent = (message.get("intent") or {}).get("name")
    if mapping.intent and intent not in mapping.intent:
        return False
    if intent in mapping.not_intent:
        return False
    if mapping.conditions and not any(
        c.get("active_loop") == active_loop
        and ("requested_slot" not in c or c.get("requested_slot") == requested_slot)
        for c in mapping.conditions
    ):
        return False
    if mapping.type == "from_trigger_intent":
        return trigger
    if mapping.type in ("from_text", "from_intent") and slot in required:
        return slot == requested_slot
    return mapping.type != "custom"


def _value(mapping: SlotMapping, slot: Slot, message: dict[str, Any]) -> Any:
    if mapping.type == "from_entity":
        values = [
            e.get("value")
            for e in message.get("entities") or []
            if e.get("entity") == mapping.entity
            and e.get("role") == mapping.role
            and e.get("group") == mapping.group
        ]
        if not values:
            return None
        return values if slot.type == "list" else values[0]
    if mapping.type == "from_text":
        text = message.get("text")
        return text if isinstance(text, str) and text.strip() else None
    return mapping.value
