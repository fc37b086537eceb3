"""Choosing the next action: followups, the active form, rules, then fallback.

This is the decision order of Rasa's RulePolicy with forms: a scheduled followup runs first; an
active form gets the first try at a user message; if it rejects the message, rules for the
interruption decide; when nothing fits a user message, the default fallback answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.rules import RuleSet
from bot.dialogue.tracker import ACTION_LISTEN, DialogueTracker, Turn

DEFAULT_FALLBACK = "action_default_fallback"


@dataclass(frozen=True)
class Prediction:
    """The next action and why it was chosen (kept in the action event as its `policy`)."""

    action: str
    reason: str


class Policy:
    """Owns the decision order; the rules themselves live in data/rules.yml and data/rules/."""

    def __init__(self, rules: RuleSet) -> None:
        self._rules = rules

    def next_action(self, tracker: DialogueTracker) -> Prediction:
        """The action to run next in this conversation."""
        followup = tracker.followup_action
        if followup:
            return Prediction(followup, "followup")
        kind = tracker.latest_event_kind()
        loop = tracker.active_loop
        # Rules look at the end of the conversation only: one turn more than the longest rule
        # has, for the state before it, whatever the length of the conversation.
        turns, earlier = tracker.recent_turns(self._rules.longest + 1)
        if kind == "user":
            if loop:
                return Prediction(loop, "active_loop")
            return self._from_rules(tracker, turns, earlier) or Prediction(
                DEFAULT_FALLBACK, "no_rule"
            )
        if kind == "action_execution_rejected":
            match = self._rules.predict(
                turns, skip_action=loop, start=tracker.state_before_turns, earlier=earlier
            )
            if match and match[0] != ACTION_LISTEN:
                return Prediction(match[0], f"rule:{match[1]}")
            return Prediction(DEFAULT_FALLBACK, "loop_rejected")
        predicted = self._from_rules(tracker, turns, earlier)
        listening = predicted is None or predicted.action == ACTION_LISTEN
        if loop and listening and tracker.latest_action_name != loop:
            return Prediction(loop, "resume_loop")  # an interruption was answered: ask again
        return predicted or Prediction(ACTION_LISTEN, "default")

    def _from_rules(
        self, tracker: DialogueTracker, turns: list[Turn], earlier: int
    ) -> Prediction | None:
        match = self._rules.predict(turns, start=tracker.state_before_turns, earlier=earlier)
        return Prediction(match[0], f"rule:{match[1]}") if match else None
