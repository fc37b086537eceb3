"""Rules in Rasa's format, and matching them against a conversation.

A rule is a short sequence of intents and actions, each optionally followed by the state it
leaves (`active_loop`, `slot_was_set`). Matching compares the end of the conversation with a
prefix of a rule; the action after the longest matching prefix is the prediction, as in Rasa's
RulePolicy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bot.dialogue.domain import DEFAULT_ACTIONS, DEFAULT_INTENTS, Domain
from bot.dialogue.errors import DataError
from bot.dialogue.tracker import ACTION_LISTEN, Turn
from bot.dialogue.yaml_files import read_yaml

UNSET = object()
# Slots and active loop before a conversation's first turn, computed when a rule needs them.
StartState = Callable[[], tuple[dict[str, Any], str | None]]


@dataclass(frozen=True)
class RuleStep:
    """An intent or action step, with the state the rule expects right after it."""

    kind: str
    name: str
    active_loop: Any = UNSET
    slots: tuple[tuple[str, Any], ...] = ()
    entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One parsed rule."""

    name: str
    steps: tuple[RuleStep, ...]
    condition_loop: Any = UNSET
    condition_slots: tuple[tuple[str, Any], ...] = ()
    conversation_start: bool = False
    wait_for_user_input: bool = True


@dataclass
class RuleSet:
    """All rules, and the prediction they make for a conversation."""

    rules: list[Rule] = field(default_factory=list)

    _index: dict[tuple[str, str], list[tuple[Rule, int, str]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _indexed: int = field(default=-1, init=False, repr=False, compare=False)
    _longest: int = field(default=0, init=False, repr=False, compare=False)
    _longest_of: int = field(default=-1, init=False, repr=False, compare=False)

    def _candidates(self) -> dict[tuple[str, str], list[tuple[Rule, int, str]]]:
        """Every rule prefix that predicts an action, as `(rule, end, action)`, by the step it
        ends with: a prefix matches only if the conversation's last turn is that step, so a
        prediction looks at those alone. Kept in rule order; rebuilt if rules are added."""
        if self._indexed != len(self.rules):
            index: dict[tuple[str, str], list[tuple[Rule, int, str]]] = {}
            for rule in self.rules:
                for end in range(1, len(rule.steps) + 1):
                    if end < len(rule.steps):
                        if rule.steps[end].kind != "action":
                            continue
                        action = rule.steps[end].name
                    elif rule.wait_for_user_input:
                        action = ACTION_LISTEN
                    else:
                        continue
                    last = rule.steps[end - 1]
                    index.setdefault((last.kind, last.name), []).append((rule, end, action))
            self._index, self._indexed = index, len(self.rules)
        return self._index

    @property
    def longest(self) -> int:
        """The most steps any rule has: rules never look further back than this (asked
        several times a turn, so kept with the index)."""
        if self._longest_of != len(self.rules):
            self._longest = max((len(rule.steps) for rule in self.rules), default=0)
            self._longest_of = len(self.rules)
        return self._longest

    def predict(
        self,
        turns: list[Turn],
        skip_action: str | None = None,
        start: StartState = lambda: ({}, None),
        earlier: int = 0,
    ) -> tuple[str, str] | None:
        """The next action and the rule that predicts it, or None.

        Args:
            turns: the end of the conversation as intents and actions
                (`DialogueTracker.recent_turns`): at least one turn more than `longest`, or
                all of them.
            skip_action: an action that must not be predicted (a loop that just rejected).
            start: gives the slots and active loop before the first turn
                (`DialogueTracker.state_before_turns`), for the conditions of a rule that
                matches from the first turn on; called only then.
            earlier: how many turns came before `turns` (for `conversation_start` rules).

        Returns:
            `(action_name, rule_name)` for the most specific matching rule (the longest
            match, then the most conditions, then the most state checks in its steps), else
            None.
        """
        if not turns:
            return None
        start = cache(start)  # read the log at most once per prediction
        best: tuple[int, int, int, str, str] | None = None
        for rule, end, action in self._candidates().get((turns[-1].kind, turns[-1].name), ()):
            if action == skip_action or not _matches(rule, rule.steps[:end], turns, start, earlier):
                continue
            conditions = len(rule.condition_slots) + (rule.condition_loop is not UNSET)
            states = sum(
                len(step.slots) + (step.active_loop is not UNSET) for step in rule.steps[:end]
            )
            specificity = (end, conditions, states)
            if best is None or specificity > best[:3]:
                best = (end, conditions, states, action, rule.name)
        return (best[3], best[4]) if best else None


def _matches(
    rule: Rule,
    prefix: tuple[RuleStep, ...],
    turns: list[Turn],
    start_state: StartState = lambda: ({}, None),
    earlier: int = 0,
) -> bool:
    if len(prefix) > len(turns):
        return False
    start = len(turns) - len(prefix)
    if rule.conversation_start and earlier + start != 0:
        return False
    for step, turn in zip(prefix, turns[start:], strict=True):
        if step.kind != turn.kind or step.name != turn.name:
            return False
        if step.entities and set(step.entities) != set(turn.entities):
            return False
        if not _state_matches(step.active_loop, step.slots, turn.slots, turn.active_loop):
            return False
    before = turns[start - 1] if start > 0 else None
    if before is None and rule.condition_loop is UNSET and not rule.condition_slots:
        return True
    slots, loop = (before.slots, before.active_loop) if before else start_state()
    return _state_matches(rule.condition_loop, rule.condition_slots, slots, loop)


def _state_matches(
    loop: Any,
    expected_slots: tuple[tuple[str, Any], ...],
    slots: dict[str, Any],
    active_loop: str | None,
) -> bool:
    if loop is not UNSET and loop != active_loop:
        return False
    for name, value in expected_slots:
        actual = slots.get(name)
        if value is UNSET:
            if actual is None:
                return False
        elif actual != value:
            return False
    return True


def rule_files(data_dir: Path) -> list[Path]:
    """`data/rules.yml` and every `data/rules/*.yml` (one file per feature)."""
    main = [data_dir / "rules.yml"] if (data_dir / "rules.yml").exists() else []
    return main + sorted((data_dir / "rules").glob("*.yml"))


def load_rules(paths: Path | list[Path], domain: Domain) -> RuleSet:
    """Load and validate Rasa rules files against the domain.

    Raises:
        DataError: naming the file and the problem.
    """
    rules = []
    for path in [paths] if isinstance(paths, Path) else paths:
        content = read_yaml(path) or {}
        where = str(path)
        if not isinstance(content, dict) or set(content) - {"version", "rules"}:
            raise DataError(where, "a rules file must have only 'version' and 'rules'")
        for index, item in enumerate(content.get("rules") or [], start=1):
            rules.append(parse_rule(item, f"{where}: rule {index}", domain))
    return RuleSet(rules)


def parse_rule(item: Any, where: str, domain: Domain) -> Rule:
    """Parse one rule mapping (also used for the steps of test stories)."""
    if not isinstance(item, dict) or "rule" not in item or not isinstance(item.get("steps"), list):
        raise DataError(where, "a rule needs 'rule' (its name) and a 'steps' list")
    unknown = set(item) - {
        "rule",
        "steps",
        "condition",
        "conversation_start",
        "wait_for_user_input",
    }
    if unknown:
        raise DataError(where, f"unsupported key(s) {sorted(unknown)}")
    name = str(item["rule"])
    where = f"{where} ('{name}')"
    loop, slots = _parse_condition(item.get("condition") or [], where, domain)
    steps = _parse_steps(item["steps"], where, domain)
    if not steps:
        raise DataError(where, "a rule needs at least one intent or action step")
    return Rule(
        name=name,
        steps=tuple(steps),
        condition_loop=loop,
        condition_slots=slots,
        conversation_start=bool(item.get("conversation_start", False)),
        wait_for_user_input=bool(item.get("wait_for_user_input", True)),
    )


def _parse_condition(
    items: Any, where: str, domain: Domain
) -> tuple[Any, tuple[tuple[str, Any], ...]]:
    if not isinstance(items, list):
        raise DataError(where, "'condition' must be a list")
    loop: Any = UNSET
    slots: list[tuple[str, Any]] = []
    for entry in items:
        if isinstance(entry, dict) and "active_loop" in entry:
            loop = _check_loop(entry["active_loop"], where, domain)
        elif isinstance(entry, dict) and "slot_was_set" in entry:
            slots.extend(_parse_slots(entry["slot_was_set"], where, domain))
        else:
            raise DataError(where, f"unsupported condition {entry!r}")
    return loop, tuple(slots)


def _parse_steps(items: list[Any], where: str, domain: Domain) -> list[RuleStep]:
    steps: list[RuleStep] = []
    for entry in items:
        if not isinstance(entry, dict):
            raise DataError(where, f"invalid step {entry!r}")
        if "intent" in entry:
            intent = str(entry["intent"])
            if intent not in domain.intents and intent not in DEFAULT_INTENTS:
                raise DataError(where, f"unknown intent '{intent}'")
            entities = tuple(_entity_names(entry.get("entities") or [], where, domain))
            steps.append(RuleStep("intent", intent, entities=entities))
        elif "action" in entry:
            action = str(entry["action"])
            if action not in domain.actions and action not in DEFAULT_ACTIONS:
                raise DataError(where, f"unknown action '{action}'")
            steps.append(RuleStep("action", action))
        elif "active_loop" in entry or "slot_was_set" in entry:
            if not steps:
                raise DataError(where, "put state before the first step under 'condition'")
            last = steps[-1]
            if "active_loop" in entry:
                last = RuleStep(
                    last.kind,
                    last.name,
                    _check_loop(entry["active_loop"], where, domain),
                    last.slots,
                    last.entities,
                )
            else:
                extra = tuple(_parse_slots(entry["slot_was_set"], where, domain))
                last = RuleStep(
                    last.kind, last.name, last.active_loop, last.slots + extra, last.entities
                )
            steps[-1] = last
        else:
            raise DataError(where, f"unsupported step {entry!r} (the 'or' step is not supported)")
    return steps


def _check_loop(name: Any, where: str, domain: Domain) -> str | None:
    if name is not None and name not in domain.forms:
        raise DataError(where, f"active_loop '{name}' is not a form of the domain")
    return name


def _parse_slots(items: Any, where: str, domain: Domain) -> list[tuple[str, Any]]:
    if not isinstance(items, list):
        raise DataError(where, "'slot_was_set' must be a list")
    slots: list[tuple[str, Any]] = []
    for entry in items:
        name, value = (entry, UNSET) if isinstance(entry, str) else next(iter(entry.items()))
        if name not in domain.slots:
            raise DataError(where, f"unknown slot '{name}'")
        slots.append((name, value))
    return slots


def _entity_names(items: list[Any], where: str, domain: Domain) -> list[str]:
    names = []
    for entry in items:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name not in domain.entities:
            raise DataError(where, f"unknown entity '{name}'")
        names.append(name)
    return names
