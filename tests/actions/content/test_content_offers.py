"""Modules offer journeys with their answers: known intents, with a button title per language."""

from __future__ import annotations

import pytest
import yaml

from actions.content import content_dir, load_modules
from actions.content.modules import ModuleError, parse_module
from bot.config import get_settings

MODULE = """---
id: demo
title: Demo
order: 1
summary: A module.
sources: [https://example.org/]
offers: OFFERS
check:
  question: Q?
  choices: {a: A., b: B., c: C.}
  answer: a
  explanation: "Because (source: example.org)."
---
## Step
Text (source: example.org).
"""


def test_offers_are_read_from_the_front_matter() -> None:
    assert parse_module(MODULE.replace("OFFERS", "[check_voucher]"), "d.md").offers == (
        "check_voucher",
    )
    assert parse_module(MODULE.replace("offers: OFFERS\n", ""), "d.md").offers == ()


@pytest.mark.parametrize("offers", ["check_voucher", "[Check Voucher]", "[1]"])
def test_offers_that_are_not_intent_names_are_rejected(offers: str) -> None:
    with pytest.raises(ModuleError, match="offers"):
        parse_module(MODULE.replace("OFFERS", offers), "d.md")


def test_every_offered_journey_is_an_intent_with_a_button_title() -> None:
    data = get_settings().DATA_DIR
    intents: set[str] = set()
    for path in (data / "domain").glob("*.yml"):
        intents |= set((yaml.safe_load(path.read_text("utf-8")) or {}).get("intents") or [])
    directory = content_dir("en")
    ui = yaml.safe_load((directory / "ui.yml").read_text("utf-8"))
    offered = {intent for m in load_modules(directory) for intent in m.offers}
    assert offered == {"check_voucher", "find_partners"}
    for intent in offered:
        assert intent in intents
        assert ui[f"offer_{intent}"]
