"""What a verdict says about applying: who applies, and what the application must declare.

The demo scheme's `application` section (data/vouchers/bsr_demo.yml) lists the declarations
and attachments (V7, V8, V15, V17, V19, V20) with the condition under which each matters, so
a short chat reply names only those that apply to this company; no rasa-sdk here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from actions.eligibility.company import to_decimal
from actions.eligibility.scheme import Scheme, SchemeError, pick
from actions.formatting import format_number


@dataclass(frozen=True)
class Situation:
    """The facts the conditions read: the profile's values and whether a national scheme is
    on file for the company's country."""

    values: Mapping[str, Any]
    national_scheme: bool


def who_applies(scheme: Scheme, language: str) -> str:
    """The note on who submits the application (V18's description), or '' if none is named."""
    rule_id = scheme.application.get("note_rule")
    return pick(scheme.rule(str(rule_id)).description, language) if rule_id else ""


def declarations(scheme: Scheme, verdict: str, situation: Situation, language: str) -> list[str]:
    """The declarations that matter for this company, in the order of the scheme's list.

    Raises:
        SchemeError: a declaration names an unknown condition.
    """
    section = scheme.application
    if verdict not in (section.get("for_verdicts") or ()):
        return []
    found = []
    for item in section.get("declarations") or ():
        params = scheme.rule(str(item["rule"])).params
        if _matters(item.get("when"), params, situation):
            shown = {k: _shown(v, language) for k, v in params.items()}
            found.append(pick(item["text"], language).format(**shown))
    return found


def _matters(when: Any, params: Mapping[str, Any], situation: Situation) -> bool:
    """Whether a declaration's condition holds (see the `application` section's comment)."""
    if when == "always":
        return True
    if when == "national_scheme":
        return situation.national_scheme
    if isinstance(when, Mapping) and "fact" in when:
        value = situation.values.get(str(when["fact"]))
        if "over_param" not in when:
            return value is True
        amount = to_decimal(value)
        limit = Decimal(str(params[str(when["over_param"])]))
        return amount is not None and amount > limit
    raise SchemeError(f"application: unknown condition {when!r}")


def _shown(value: Any, language: str) -> Any:
    """A param as a reason text shows it: numbers grouped as the language writes them."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(Decimal(str(value)), language)
    return value
