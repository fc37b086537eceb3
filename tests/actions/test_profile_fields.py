"""Which amount of a sentence is the turnover, the balance sheet or the owner's (no NLU)."""

from __future__ import annotations

from typing import Any

import pytest

from actions.profile_fields import money_for, other_organisation_facts


def _message(text: str, *amounts: tuple[str, float]) -> dict[str, Any]:
    entities = []
    for part, eur in amounts:
        start = text.index(part)
        entities.append(
            {
                "entity": "money",
                "start": start,
                "end": start + len(part),
                "value": {"amount_eur": eur},
            }
        )
    return {"text": text, "entities": entities}


@pytest.mark.parametrize(
    ("message", "turnover", "balance"),
    [
        (_message("turnover 1.8 million EUR, balance sheet 1 million EUR",
                  ("1.8 million EUR", 1.8e6), ("1 million EUR", 1e6)), 1.8e6, 1e6),
        (_message("9 million euro revenue, 6 million euro balance sheet",
                  ("9 million euro", 9e6), ("6 million euro", 6e6)), 9e6, 6e6),
        (_message("revenue 5,5 million euro, total assets about 3 million euro",
                  ("5,5 million euro", 5.5e6), ("3 million euro", 3e6)), 5.5e6, 3e6),
        (_message("7 million eur turnover, 4 million balance sheet", ("7 million eur", 7e6)),
         7e6, 4e6),
    ],
)  # fmt: skip
def test_each_amount_goes_to_the_cue_of_its_clause(
    message: dict[str, Any], turnover: float, balance: float
) -> None:
    assert money_for(message, "annual_turnover_eur", None) == turnover
    assert money_for(message, "balance_sheet_eur", None) == balance


def _entity(text: str, part: str, entity: str, value: Any, role: str | None) -> dict[str, Any]:
    start = text.index(part)
    found = {"entity": entity, "start": start, "end": start + len(part), "value": value}
    return {**found, "role": role} if role else found


def test_owner_facts_become_linked_figures() -> None:
    text = "Nordvind Group A/S owns 60% of us, they have around 4000 employees"
    message = {
        "text": text,
        "entities": [
            _entity(text, "Nordvind Group A/S", "company_name", "Nordvind Group A/S", "owner"),
            _entity(text, "60", "number", "60", "owner"),
            _entity(text, "around 4000 employees", "headcount", 4000, "owner"),
        ],
    }
    assert other_organisation_facts(message, answering_about_it=False) == {
        "linked_relation": "owner",
        "linked_name": "Nordvind Group A/S",
        "linked_share_pct": 60.0,
        "linked_employees": 4000,
        "ownership_links": "linked",
        "linked_kind": "enterprise",  # a named company
    }


def test_an_investor_is_a_partner_of_its_kind_for_the_sme_test_to_weigh() -> None:
    text = "a vc fund has 30% of us"
    message = {"text": text, "entities": [_entity(text, "30", "number", "30", "investor")]}
    assert other_organisation_facts(message, answering_about_it=False) == {
        "linked_relation": "investor",
        "linked_share_pct": 30.0,
        "ownership_links": "partner",
        "linked_kind": "venture_capital",
    }


def test_an_investor_under_a_quarter_is_no_link() -> None:
    text = "the city owns 20 % of us"
    message = {"text": text, "entities": [_entity(text, "20", "number", "20", "owner")]}
    assert other_organisation_facts(message, answering_about_it=False) == {
        "ownership_links": "none"
    }


def test_figures_without_a_role_count_only_when_answering_about_the_other() -> None:
    text = "its a vc fund, like 10 people"
    message = {"text": text, "entities": [_entity(text, "10 people", "headcount", 10, None)]}
    assert other_organisation_facts(message, answering_about_it=False) == {}
    assert other_organisation_facts(message, answering_about_it=True) == {
        "linked_employees": 10,
        "linked_kind": "venture_capital",
    }
