# ruff: noqa: E501  (one case per line reads as a table)
"""Which questions about the owner the profile form asks, and last year's figures typed."""

from __future__ import annotations

from typing import Any

import pytest

from actions.answers import owner_kind
from actions.previous_year import previous_year_figures
from actions.profile_holding import unneeded_questions

FIGURES = {"linked_employees", "linked_turnover_eur", "linked_balance_sheet_eur"}
CONDITIONS = {"linked_invested_eur", "linked_budget_eur", "linked_inhabitants"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [("our investor is a business angel who put in 300k", "business_angel"),
     ("the city of Tartu, 30 %", "local_authority"),
     ("Tartu municipality", "local_authority"),
     ("a venture capital fund", "venture_capital"),
     ("the ministry of economy holds 40%", "public_body"),
     ("University of Tartu", "university"),
     ("a pension fund owns a third", "institutional_investor"),
     ("a public investment fund", "public_investment_corporation"),
     ("our parent company", "enterprise"),
     ("not sure", None)],
)  # fmt: skip
def test_owner_kind_from_plain_words(text: str, kind: str | None) -> None:
    assert owner_kind({"text": text}) == kind


def _slots(**values: Any) -> dict[str, Any]:
    return {"ownership_links": "partner", "linked_share_pct": 30.0, **values}


@pytest.mark.parametrize(
    ("slots", "asked"),
    [(_slots(), FIGURES),  # who the owner is comes first, then its figures
     (_slots(linked_kind="enterprise"), FIGURES),
     (_slots(linked_kind="venture_capital"), set()),  # keeps the company autonomous
     (_slots(linked_kind="venture_capital", linked_share_pct=60.0, ownership_links="linked"), FIGURES),
     (_slots(linked_kind="business_angel"), {"linked_invested_eur"}),
     (_slots(linked_kind="business_angel", linked_invested_eur=300_000.0), {"linked_invested_eur"}),
     (_slots(linked_kind="business_angel", linked_invested_eur=2_000_000.0), FIGURES | {"linked_invested_eur"}),
     (_slots(linked_kind="local_authority"), {"linked_budget_eur", "linked_inhabitants"}),
     (_slots(linked_kind="local_authority", linked_budget_eur=30e6, linked_inhabitants=80_000), {"linked_budget_eur", "linked_inhabitants"}),
     (_slots(linked_kind="public_body"), set())],  # public control: no SME whatever the figures
)  # fmt: skip
def test_owner_questions_asked_only_when_they_matter(
    slots: dict[str, Any], asked: set[str]
) -> None:
    assert (FIGURES | CONDITIONS) - unneeded_questions(slots) == asked


def _money(text: str, part: str, amount: float) -> dict[str, Any]:
    start = text.index(part)
    return {
        "entity": "money",
        "start": start,
        "end": start + len(part),
        "value": {"amount_eur": amount},
    }


def test_previous_year_figures_from_one_sentence() -> None:
    text = "last year 230 people, balance sheet EUR 38 million and turnover EUR 45 million"
    start = text.index("230 people")
    headcount = {"entity": "headcount", "start": start, "end": start + 10, "value": 230}
    entities = [
        headcount,
        _money(text, "EUR 38 million", 38e6),
        _money(text, "EUR 45 million", 45e6),
    ]
    assert previous_year_figures({"text": text, "entities": entities}) == {
        "previous_employees": 230,
        "previous_turnover_eur": 45e6,
        "previous_balance_sheet_eur": 38e6,
    }


def test_previous_year_amounts_without_cues_follow_the_question() -> None:
    text = "240, EUR 48M, EUR 41M"
    entities = [_money(text, "EUR 48M", 48e6), _money(text, "EUR 41M", 41e6)]
    assert previous_year_figures({"text": text, "entities": entities}) == {
        "previous_turnover_eur": 48e6,
        "previous_balance_sheet_eur": 41e6,
    }
    assert previous_year_figures({"text": "240", "entities": []}) == {"previous_employees": 240}
    assert previous_year_figures({"text": "no idea", "entities": []}) == {}
