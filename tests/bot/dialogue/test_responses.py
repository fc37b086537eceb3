"""Choosing a response variation: conditions, and the conversation's language."""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.domain import Domain, load_domain
from bot.dialogue.responses import render_response

DOMAIN = """
version: "3.1"
slots:
  language: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  journey_goal: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_saved:
    - text: Saved. Let's check the voucher.
      condition: [{type: slot, name: journey_goal, value: voucher}]
    - text: Saved.
"""
SWEDISH = """
version: "3.1"
responses:
  utter_saved:
    - text: Sparat. Nu kollar vi checken.
      condition:
        - {type: slot, name: language, value: sv}
        - {type: slot, name: journey_goal, value: voucher}
    - text: Sparat.
      condition: [{type: slot, name: language, value: sv}]
"""


def _domain(tmp_path: Path) -> Domain:
    (tmp_path / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (tmp_path / "responses_sv.yml").write_text(SWEDISH, encoding="utf-8")
    return load_domain(tmp_path)


def _text(domain: Domain, name: str, channel: str | None = None, **slots: str) -> str:
    rendered = render_response(domain, name, dict(slots), channel=channel)
    assert rendered is not None
    return str(rendered["text"])


def test_conditions_win_over_plain_variations(tmp_path: Path) -> None:
    domain = _domain(tmp_path)
    assert _text(domain, "utter_saved") == "Saved."
    assert _text(domain, "utter_saved", journey_goal="voucher") == "Saved. Let's check the voucher."


def test_the_conversations_language_wins_over_a_default_language_condition(
    tmp_path: Path,
) -> None:
    """The English journey variation holds in a Swedish conversation too; the Swedish one,
    read later from its own file, must still be the one said."""
    domain = _domain(tmp_path)
    assert _text(domain, "utter_saved", language="sv") == "Sparat."
    swedish = _text(domain, "utter_saved", language="sv", journey_goal="voucher")
    assert swedish == "Sparat. Nu kollar vi checken."
    english = _text(domain, "utter_saved", language="en", journey_goal="voucher")
    assert english == "Saved. Let's check the voucher."
