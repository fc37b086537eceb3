"""Voucher facts read from one typed sentence (pure functions, no NLU)."""

from __future__ import annotations

from actions.voucher_answers import voucher_facts


def _money(text: str, part: str, eur: float) -> dict:  # type: ignore[type-arg]
    start = text.index(part)
    return {
        "entity": "money",
        "start": start,
        "end": start + len(part),
        "value": {"amount_eur": eur},
    }


def test_one_sentence_gives_every_fact_it_states() -> None:
    text = (
        "EUR 9 500 for corrosion testing of coatings at a polish test lab, never worked with "
        "them, no vouchers, no difficulty, no arrears"
    )
    start = text.index("polish")
    country = {"entity": "country", "start": start, "end": start + 6, "value": "PL"}
    facts = voucher_facts({"text": text, "entities": [_money(text, "EUR 9 500", 9500), country]})
    assert facts == {
        "eligible_cost_eur": 9500,
        "service_type": "material_testing",
        "provider_type": "test_bed",
        "provider_country": "PL",
        "related_to_provider": False,
        "vouchers_last_12_months": 0,
        "in_difficulty": False,
        "tax_arrears": False,
    }


def test_yes_facts_and_counts() -> None:
    facts = voucher_facts(
        {"text": "we have a business plan and we got 2 vouchers last year", "entities": []}
    )
    assert facts["has_business_plan"] is True
    assert facts["vouchers_last_12_months"] == 2


def test_a_sentence_without_voucher_facts_gives_none() -> None:
    assert voucher_facts({"text": "we make smart packaging sensors", "entities": []}) == {}
    wanting = voucher_facts({"text": "we want a voucher", "entities": []})
    assert "vouchers_last_12_months" not in wanting
