"""Rule matching: the longest matching rule wins, conditions and state steps count."""

from __future__ import annotations

from bot.config import get_settings
from bot.dialogue.bot_data import load_bot_data
from bot.dialogue.rules import RuleSet, parse_rule
from bot.dialogue.tracker import Turn

DOMAIN = load_bot_data(get_settings().DATA_DIR).domain


def _rules(*items: dict) -> RuleSet:  # type: ignore[type-arg]
    return RuleSet([parse_rule(item, "test", DOMAIN) for item in items])


def _turn(kind: str, name: str, loop: str | None = None, **slots: object) -> Turn:
    return Turn(kind, name, dict(slots), loop)


GREET = {"rule": "greet", "steps": [{"intent": "greet"}, {"action": "utter_greet"}]}
MENU_AFTER_GREET = {"rule": "menu", "steps": [{"action": "utter_greet"}, {"action": "utter_menu"}]}


def test_predict_next_action_after_intent() -> None:
    assert _rules(GREET).predict([_turn("intent", "greet")]) == ("utter_greet", "greet")


def test_predict_listen_when_rule_is_complete() -> None:
    turns = [_turn("intent", "greet"), _turn("action", "utter_greet")]
    assert _rules(GREET).predict(turns) == ("action_listen", "greet")


def test_predict_longest_prefix_wins() -> None:
    turns = [_turn("intent", "greet"), _turn("action", "utter_greet")]
    assert _rules(MENU_AFTER_GREET, GREET).predict(turns) == ("action_listen", "greet")
    assert _rules(MENU_AFTER_GREET).predict(turns) == ("utter_menu", "menu")


def test_predict_nothing_for_unknown_situation() -> None:
    assert _rules(GREET).predict([_turn("intent", "goodbye")]) is None


def test_predict_respects_condition_on_active_loop() -> None:
    stop_in_form = {
        "rule": "stop",
        "condition": [{"active_loop": "profile_form"}],
        "steps": [{"intent": "stop"}, {"action": "action_deactivate_loop"}],
    }
    stop_plain = {"rule": "plain", "steps": [{"intent": "stop"}, {"action": "utter_menu"}]}
    rules = _rules(stop_plain, stop_in_form)
    in_form = [_turn("action", "profile_form", "profile_form"), _turn("intent", "stop")]
    outside = [_turn("action", "utter_greet"), _turn("intent", "stop")]
    assert rules.predict(in_form) == ("action_deactivate_loop", "stop")
    assert rules.predict(outside) == ("utter_menu", "plain")


def test_predict_checks_state_after_a_step() -> None:
    submit = {
        "rule": "submit",
        "steps": [
            {"action": "profile_form"},
            {"active_loop": None},
            {"action": "action_profile_summary"},
        ],
    }
    rules = _rules(submit)
    assert rules.predict([_turn("action", "profile_form", None)]) == (
        "action_profile_summary",
        "submit",
    )
    assert rules.predict([_turn("action", "profile_form", "profile_form")]) is None


def test_predict_conversation_start_only_at_start() -> None:
    first = {
        "rule": "first",
        "conversation_start": True,
        "steps": [{"intent": "greet"}, {"action": "utter_greet"}],
    }
    rules = _rules(first)
    assert rules.predict([_turn("intent", "greet")]) == ("utter_greet", "first")
    assert rules.predict([_turn("action", "utter_menu"), _turn("intent", "greet")]) is None


def test_predict_without_wait_for_user_input_does_not_listen() -> None:
    chained = {
        "rule": "chain",
        "wait_for_user_input": False,
        "steps": [{"intent": "greet"}, {"action": "utter_greet"}],
    }
    turns = [_turn("intent", "greet"), _turn("action", "utter_greet")]
    assert _rules(chained).predict(turns) is None


def test_predict_skips_rejected_loop() -> None:
    activate = {
        "rule": "activate",
        "steps": [{"intent": "check_voucher"}, {"action": "profile_form"}],
    }
    turns = [_turn("intent", "check_voucher")]
    assert _rules(activate).predict(turns, skip_action="profile_form") is None
