"""Last year's headcount, turnover and balance sheet from one typed answer (Annex Art. 4(2)).

The voucher check asks for them in one question only when this year's figures are over the
SME ceilings. People answer as they would to a colleague ("240 people, 48 M turnover and 40 M
balance sheet", "about 230 staff and EUR 45 million"): the headcount is the NLU's headcount
entity, and amounts go to the figure their cue names (the profile's own pairing,
`profile_fields.money_for`, which also reads "balance sheet 28 million"). Amounts without any
cue follow the question's order, but only in an answer that states nothing else: "EUR 9,000
for material testing" answers another question.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actions import profile_fields as fields
from actions.answers import means_none
from actions.eligibility.action import PREVIOUS_YEAR_SLOTS
from actions.profile import parse_count

MONEY = ("annual_turnover_eur", "balance_sheet_eur")  # the question's order


def previous_year_figures(
    message: dict[str, Any] | None,
    other_facts: bool = False,
    this_year: Mapping[str, Any] | None = None,
    language: str = "en",
) -> dict[str, float | int]:
    """The previous-year slots (`previous_employees`, ...) the answer states; may be empty.

    `other_facts`: the message also states other facts (a voucher answer), so only figures
    named as headcount, turnover or balance sheet count. `this_year`: the company's slots, for
    an answer such as "about the same" (answer words `same_as_this_year`).
    """
    text = str((message or {}).get("text") or "")
    if this_year is not None and means_none(text, language, kind="same_as_this_year"):
        return {
            slot: this_year[name]
            for name, slot in PREVIOUS_YEAR_SLOTS.items()
            if this_year.get(name) is not None
        }
    found: dict[str, float | int] = {}
    money = fields.entities_of(message, "money")
    headcounts = fields.entities_of(message, "headcount")
    count = parse_count(headcounts[0].get("value")) if headcounts else None
    if count is None and not money and not other_facts:
        count = parse_count(text)  # a bare "240"
    if count is not None:
        found[PREVIOUS_YEAR_SLOTS["employees"]] = count
    cues = [fields.money_cue(message, entity) for entity in money]
    uncued = [e for e, cue in zip(money, cues, strict=True) if cue is None]
    for name in MONEY:
        amount = fields.money_for(message, name, None)  # also "28 million balance sheet"
        if amount is None and uncued and not other_facts:
            amount = fields.amount_eur(uncued.pop(0).get("value"))
        if amount is not None:
            found[PREVIOUS_YEAR_SLOTS[name]] = amount
    return found
