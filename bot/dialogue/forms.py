"""The form loop: activate, extract, validate through `validate_<form>`, ask, or finish.

This is the engine's side of a Rasa form; the per-slot checks live in a rasa-sdk
`FormValidationAction`, exactly where a Rasa developer would put them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.dialogue.domain import Form
from bot.dialogue.slot_filling import extract_slots
from bot.dialogue.tracker import DialogueTracker, loop_event, simple_event, slot_event

REQUESTED_SLOT = "requested_slot"
# After a question was asked this many times in a row without an answer, the form also offers
# a way out (skip, help, a person) with `utter_form_stuck`, so nobody is trapped in a form.
MAX_ASKS_IN_A_ROW = 2
STUCK_RESPONSE = "utter_form_stuck"
SURE_INTERRUPTION = 0.5  # intent confidence above which a statement with facts interrupts

CustomCall = Callable[[str, DialogueTracker], Awaitable[dict[str, Any]]]


@dataclass
class StepOutcome:
    """What one action produced: events to log after it, messages, and whether it rejected."""

    events: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    rejected: bool = False


async def run_form(
    form: Form, tracker: DialogueTracker, call_custom: CustomCall, has_custom: Callable[[str], bool]
) -> StepOutcome:
    """Run one step of a form.

    Args:
        form: the form to run.
        tracker: the conversation so far.
        call_custom: runs a custom action on a tracker and returns `{events, responses}`.
        has_custom: whether a custom action exists (for `validate_<form>`, `action_ask_<slot>`).

    Returns:
        The outcome; `rejected` when the user's message filled nothing, so that rules can
        handle the interruption.
    """
    outcome = StepOutcome()
    activating = tracker.active_loop != form.name
    after_user = tracker.latest_event_kind() == "user"
    if after_user and not activating and _interrupts(tracker, form):
        # A question or a request in the middle of the form: not an answer. Rules answer it,
        # then the form asks its question again.
        return _rejection(form)
    if activating:
        outcome.events.append(loop_event(form.name))
    requested = None if activating else tracker.get_slot(REQUESTED_SLOT)
    candidates: dict[str, Any] = {}
    if after_user and _intent(tracker) not in form.ignored_intents:
        candidates = extract_slots(
            tracker,
            list(form.required_slots),
            active_loop=form.name,
            requested_slot=requested,
            trigger=activating,
        )
    slot_events = [slot_event(name, value) for name, value in candidates.items()]
    validator = f"validate_{form.name}"
    # The validator also runs custom `extract_<slot>` methods, so it sees every user message;
    # and it decides which slots are still required (skipped ones are not), so it also runs
    # when the form resumes after an interruption.
    if has_custom(validator):
        probe = tracker.fork(outcome.events + slot_events)
        answer = await call_custom(validator, probe)
        slot_events = [
            e for e in answer["events"] if e.get("event") in ("slot", "reset_slots", "followup")
        ]
        outcome.messages.extend(answer["responses"])
    filled = [e for e in slot_events if e.get("event") == "slot" and e["name"] != REQUESTED_SLOT]
    if after_user and not activating and not filled:
        rejection = _rejection(form)
        rejection.messages = outcome.messages
        return rejection
    outcome.events.extend(slot_events)
    await _ask_or_finish(form, tracker, outcome, call_custom, has_custom)
    return outcome


async def _ask_or_finish(
    form: Form,
    tracker: DialogueTracker,
    outcome: StepOutcome,
    call_custom: CustomCall,
    has_custom: Callable[[str], bool],
) -> None:
    state = tracker.fork(outcome.events)
    chosen = [e for e in outcome.events if e.get("event") == "slot" and e["name"] == REQUESTED_SLOT]
    if chosen:
        next_slot = chosen[-1].get("value")
    else:
        next_slot = next((s for s in form.required_slots if state.get_slot(s) is None), None)
    if next_slot is None:
        outcome.events.extend([loop_event(None), slot_event(REQUESTED_SLOT, None)])
        return
    if not chosen:
        outcome.events.append(slot_event(REQUESTED_SLOT, next_slot))
    asked = times_asked_in_a_row(tracker.events + outcome.events, next_slot, form.required_slots)
    stuck = asked > MAX_ASKS_IN_A_ROW
    await _ask(form, next_slot, tracker, outcome, call_custom, has_custom)
    if stuck and STUCK_RESPONSE in tracker.domain.responses:
        outcome.messages.append({"response": STUCK_RESPONSE})


async def _ask(
    form: Form,
    next_slot: str,
    tracker: DialogueTracker,
    outcome: StepOutcome,
    call_custom: CustomCall,
    has_custom: Callable[[str], bool],
) -> None:
    custom_ask = f"action_ask_{form.name}_{next_slot}"
    if not has_custom(custom_ask):
        custom_ask = f"action_ask_{next_slot}"
    if has_custom(custom_ask):
        state = tracker.fork(outcome.events)
        answer = await call_custom(custom_ask, state)
        outcome.messages.extend(answer["responses"])
        return
    for response in (f"utter_ask_{form.name}_{next_slot}", f"utter_ask_{next_slot}"):
        if response in tracker.domain.responses:
            outcome.messages.append({"response": response})
            return


def _rejection(form: Form) -> StepOutcome:
    return StepOutcome(
        events=[
            simple_event("action_execution_rejected", name=form.name, policy=None, confidence=1.0)
        ],
        rejected=True,
    )


def _interrupts(tracker: DialogueTracker, form: Form) -> bool:
    """Whether the latest message interrupts the form (an intent it ignores).

    A statement that carries entities is read as an answer all the same when the NLU is
    unsure of the interruption ("estonia or sweden, dont mind" is no "stop"); a question, or
    a request the NLU is sure of ("first tell me the Estonian S3 priorities"), never is.
    """
    message = tracker.latest_message or {}
    if _intent(tracker) not in form.ignored_intents:
        return False
    confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
    text = str(message.get("text") or "")
    return "?" in text or not message.get("entities") or confidence >= SURE_INTERRUPTION


def times_asked_in_a_row(events: list[dict[str, Any]], slot: str, required: tuple[str, ...]) -> int:
    """How often a form has asked for `slot` since it last made progress.

    Counts the `requested_slot` events for `slot`, walking back through `events` until the
    form asked for another slot, filled one of its `required` slots, or was (de)activated.
    """
    count = 0
    for event in reversed(events):
        kind = event.get("event")
        if kind == "active_loop":
            break
        if kind != "slot":
            continue
        if event.get("name") == REQUESTED_SLOT:
            if event.get("value") != slot:
                break
            count += 1
        elif event.get("name") in required and event.get("value") is not None:
            break
    return count


def _intent(tracker: DialogueTracker) -> str | None:
    message = tracker.latest_message or {}
    return (message.get("intent") or {}).get("name")
