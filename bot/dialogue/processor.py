"""One turn of dialogue on an in-memory tracker: understand, decide, act, until listening.

The processor knows nothing of storage or channels; the agent loads the tracker, hands it
here with the user's message, and stores whatever events this appends.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.dialogue.action_runner import ActionRunner, action_payload
from bot.dialogue.domain import Domain
from bot.dialogue.errors import ActionFailed
from bot.dialogue.forms import StepOutcome, run_form
from bot.dialogue.policy import DEFAULT_FALLBACK, Policy, Prediction
from bot.dialogue.responses import render_response
from bot.dialogue.slot_filling import extract_global_slots
from bot.dialogue.tracker import (
    ACTION_LISTEN,
    DialogueTracker,
    action_event,
    bot_event,
    loop_event,
    now,
    simple_event,
    slot_event,
)
from bot.observability import metrics

logger = logging.getLogger(__name__)

MAX_ACTIONS_PER_TURN = 10
ACTION_FAILED_RESPONSE = "utter_action_failed"
DEFAULT_RESPONSE = "utter_default"
#: While a person has the conversation (paused), a message is logged for them and this
#: custom action, when the domain has it, may answer it (once: a person is on the way; a
#: contact left for staff); then the message is reverted, so no form, slot or rule sees it.
PAUSED_ACTION = "action_handoff_waiting"
#: Run, when the domain has it, after a restart that ended a pause: the person started over,
#: so the request for a person is withdrawn (staff do not take a conversation that moved on).
PAUSE_ENDED_ACTION = "action_handoff_withdrawn"
#: Requests that work even while a person has the conversation: privacy and erasure.
ALWAYS_INTENTS = frozenset({"delete_my_data", "ask_stored_data"})
#: Questions whose answer is also taken while paused (the erasure's confirmation).
ALWAYS_ANSWERED = frozenset({"action_ask_erasure_confirmation"})


class Processor:
    """Runs turns: owns the domain, the policy and the way custom actions are called."""

    def __init__(self, domain: Domain, policy: Policy, runner: ActionRunner) -> None:
        self.domain = domain
        self._policy = policy
        self._runner = runner

    async def start_session_if_due(self, tracker: DialogueTracker, at: float) -> None:
        """Start a session on a new conversation or after the configured idle time; never
        while a person has the conversation (a session start would end the pause)."""
        events = tracker.events
        if tracker.paused:
            return
        if events:
            idle_minutes = (at - float(events[-1].get("timestamp") or at)) / 60
            expiry = self.domain.session_expiration_minutes
            if not (expiry > 0 and idle_minutes > expiry):
                return
        await self._run_session_start(tracker)

    async def _run_session_start(self, tracker: DialogueTracker) -> None:
        """Rasa's session start; a custom `action_session_start` in the domain replaces it."""
        name = "action_session_start"
        if self.has_custom(name):
            try:
                answer = await self._call_custom(name, tracker)
            except ActionFailed as exc:
                logger.error(
                    "conversation %s: %s; using the default", tracker.sender_id, exc, exc_info=exc
                )
            else:
                tracker.append(action_event(name))
                self._append_messages(tracker, answer["responses"], name)
                for event in answer["events"]:
                    tracker.append(event)
                return
        carried = tracker.slots if self.domain.carry_over_slots else {}
        tracker.append(action_event(name))
        tracker.append(simple_event("session_started"))
        for slot, value in carried.items():
            if value is not None and value != self.domain.slots[slot].initial_value:
                tracker.append(slot_event(slot, value))
        tracker.append(action_event(ACTION_LISTEN))

    async def handle_user_event(self, tracker: DialogueTracker, event: dict[str, Any]) -> None:
        """Log a user event, fill global slots, then run actions until the bot listens."""
        tracker.append(event)
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent == "restart":
            was_paused = tracker.paused
            await self._run_named(tracker, "action_restart", "default")
            if was_paused and self.has_custom(PAUSE_ENDED_ACTION):
                await self._run_named(tracker, PAUSE_ENDED_ACTION, "restart")
            return
        if tracker.paused and not _answered_while_paused(tracker):
            await self._keep_for_staff(tracker)
            return
        for name, value in extract_global_slots(tracker).items():
            tracker.append(slot_event(name, value))
        await self.predict_and_run(tracker)

    async def _keep_for_staff(self, tracker: DialogueTracker) -> None:
        """A message while a person has the conversation: logged (staff read it in the
        transcript), answered only by `PAUSED_ACTION`, then reverted."""
        if self.has_custom(PAUSED_ACTION):
            await self._run_named(tracker, PAUSED_ACTION, "paused")
        tracker.append(simple_event("rewind"))

    async def resume(self, tracker: DialogueTracker, response: str | None = None) -> None:
        """Hand the conversation back to the assistant: Rasa's `resume`, `response` said if
        given, then the journey goes on where it was (an active form asks its question)."""
        tracker.append(simple_event("resume"))
        if response is not None and response in self.domain.responses:
            self._append_messages(tracker, [{"response": response}], response)
        await self.predict_and_run(tracker)

    async def reply_and_forget(
        self, tracker: DialogueTracker, event: dict[str, Any], response: str, **values: Any
    ) -> None:
        """Answer a message the dialogue should not see (too long, empty, in a language the
        assistant does not speak) and revert it; `values` fill the response's placeholders."""
        tracker.append(event)
        tracker.append(action_event(response, "input_check"))
        self._append_messages(tracker, [{"response": response, **values}], response)
        tracker.append(simple_event("rewind"))

    async def predict_and_run(self, tracker: DialogueTracker) -> None:
        """Run predicted actions until the policy says listen."""
        for _ in range(MAX_ACTIONS_PER_TURN):
            if tracker.paused and not _answered_while_paused(tracker):
                tracker.append(action_event(ACTION_LISTEN, "paused"))
                return
            prediction = self._policy.next_action(tracker)
            if tracker.paused and prediction.reason == "resume_loop":
                prediction = Prediction(ACTION_LISTEN, "paused")
            if prediction.action == ACTION_LISTEN:
                tracker.append(action_event(ACTION_LISTEN, prediction.reason))
                return
            if not await self._run_named(tracker, prediction.action, prediction.reason):
                tracker.append(action_event(ACTION_LISTEN, "action_failed"))
                return
        logger.error(
            "conversation %s: more than %d actions in one turn; listening",
            tracker.sender_id,
            MAX_ACTIONS_PER_TURN,
        )
        tracker.append(action_event(ACTION_LISTEN, "loop_guard"))

    async def _run_named(self, tracker: DialogueTracker, name: str, reason: str) -> bool:
        """Run one action and log it; False if it failed (the user was told politely)."""
        try:
            outcome = await self._dispatch(tracker, name)
        except ActionFailed as exc:
            # The traceback (the action's own, through its cause) goes with the conversation
            # id; never the message text.
            logger.error("conversation %s: %s", tracker.sender_id, exc, exc_info=exc)
            self._append_messages(tracker, [{"response": ACTION_FAILED_RESPONSE}], name)
            return False
        if not outcome.rejected:
            tracker.append(action_event(name, reason))
        self._append_messages(tracker, outcome.messages, name)
        for event in outcome.events:
            tracker.append(event)
        if name == "action_restart":
            await self._run_session_start(tracker)
        return True

    async def _dispatch(self, tracker: DialogueTracker, name: str) -> StepOutcome:
        if name in self.domain.forms:
            return await run_form(
                self.domain.forms[name], tracker, self._call_custom, self.has_custom
            )
        if name in self.domain.responses:
            return StepOutcome(messages=[{"response": name}])
        if name == "action_restart":
            restart_text = ["utter_restart"] if "utter_restart" in self.domain.responses else []
            return StepOutcome(
                events=[simple_event("restart")], messages=[{"response": r} for r in restart_text]
            )
        if name == "action_deactivate_loop":
            return StepOutcome(events=[loop_event(None), slot_event("requested_slot", None)])
        if name == DEFAULT_FALLBACK:
            return self._fallback(tracker)
        if name == "action_back":
            return StepOutcome(events=[simple_event("undo"), simple_event("rewind")])
        if self.has_custom(name):
            answer = await self._call_custom(name, tracker)
            return StepOutcome(events=answer["events"], messages=answer["responses"])
        raise ActionFailed(name, "no such action")

    def _fallback(self, tracker: DialogueTracker) -> StepOutcome:
        messages = [{"response": DEFAULT_RESPONSE}]
        if tracker.active_loop:  # keep the form's turn so that it asks its question again
            return StepOutcome(messages=messages)
        return StepOutcome(events=[simple_event("rewind")], messages=messages)

    async def close(self) -> None:
        """Release the action runner's connections."""
        await self._runner.close()

    def has_custom(self, name: str) -> bool:
        """Whether `name` is a custom action that the domain lists and the runner knows."""
        return self.domain.is_custom_action(name) and self._runner.has_action(name)

    async def _call_custom(self, name: str, tracker: DialogueTracker) -> dict[str, Any]:
        # Actions get the current session's events, as from Rasa after a session start.
        state = tracker.current_state(include_events="SESSION")
        payload = action_payload(name, state, self.domain.as_action_server_dict())
        with metrics.action(name):
            answer = await self._runner.run(payload)
        events = answer.get("events") or []
        responses = answer.get("responses") or []
        if not isinstance(events, list) or not all(
            isinstance(e, dict) and isinstance(e.get("event"), str) for e in events
        ):
            raise ActionFailed(name, "returned malformed events")
        stamp = now()
        for event in events:  # as Rasa does: an action's events happen when it returns
            if event.get("timestamp") is None:
                event["timestamp"] = stamp
        return {"events": events, "responses": [r for r in responses if isinstance(r, dict)]}

    def _append_messages(
        self, tracker: DialogueTracker, messages: list[dict[str, Any]], action_name: str
    ) -> None:
        channel = (tracker.latest_message or {}).get("input_channel")
        for message in messages:
            rendered = self._render(message, tracker, channel)
            if rendered:
                tracker.append(bot_event(rendered, message.get("response") or action_name))

    def _render(
        self, message: dict[str, Any], tracker: DialogueTracker, channel: str | None
    ) -> dict[str, Any] | None:
        response = message.get("response") or message.get("template")
        if not response:
            keep = ("text", "buttons", "image", "custom", "attachment", "elements")
            out = {k: message[k] for k in keep if message.get(k)}
            if message.get("json_message"):
                out["custom"] = message["json_message"]
            return out or None
        extra = {
            k: v
            for k, v in message.items()
            if k
            not in (
                "response",
                "template",
                "text",
                "buttons",
                "image",
                "custom",
                "elements",
                "attachment",
                "json_message",
            )
        }
        rendered = render_response(self.domain, response, tracker.slots, channel=channel, **extra)
        if rendered is not None and message.get("buttons"):  # as Rasa: the action's buttons
            rendered["buttons"] = [*rendered.get("buttons", []), *message["buttons"]]
        if rendered is None:
            logger.error("response '%s' has no variation for this conversation", response)
        return rendered


def _answered_while_paused(tracker: DialogueTracker) -> bool:
    """Whether the latest message is one the assistant answers even while paused: a privacy
    request, or the answer to the question such a request asked."""
    turns, _ = tracker.recent_turns(3)
    for index in range(len(turns) - 1, -1, -1):
        if turns[index].kind == "intent":
            if turns[index].name in ALWAYS_INTENTS:
                return True
            before = turns[index - 1] if index > 0 else None
            return before is not None and before.kind == "action" and before.name in ALWAYS_ANSWERED
    return False
