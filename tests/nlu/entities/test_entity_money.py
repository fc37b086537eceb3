"""Money: amounts in BSR currencies and formats, converted to EUR with the stated rates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nlu.entities.money import find_money
from nlu.entities.vocabulary import DEFAULT_DATA_DIR, rate_data


@pytest.fixture(scope="module")
def rates() -> dict[str, Any]:
    return rate_data(DEFAULT_DATA_DIR)


@pytest.mark.parametrize(
    ("text", "amount", "currency", "raw"),
    [
        ("EUR 2.5M", 2_500_000, "EUR", "EUR 2.5M"),
        ("€2,5 milj.", 2_500_000, "EUR", "€2,5 milj."),
        ("300k euros", 300_000, "EUR", "300k euros"),
        ("SEK 10 million", 10_000_000, "SEK", "SEK 10 million"),
        ("4 million euros", 4_000_000, "EUR", "4 million euros"),
        ("four million euros", 4_000_000, "EUR", "four million euros"),
        ("NOK 3m", 3_000_000, "NOK", "NOK 3m"),
        ("PLN 500 000", 500_000, "PLN", "PLN 500 000"),
        ("DKK 1.2 mio", 1_200_000, "DKK", "DKK 1.2 mio"),
        ("2 mio. kr", 2_000_000, "DKK", "2 mio. kr"),
        ("10 MSEK", 10_000_000, "SEK", "10 MSEK"),
        ("5 mnkr", 5_000_000, "SEK", "5 mnkr"),
        ("500 tkr", 500_000, "SEK", "500 tkr"),
        ("1,5 miljoonaa euroa", 1_500_000, "EUR", "1,5 miljoonaa euroa"),
        ("2,5 miljoner kronor", 2_500_000, "SEK", "2,5 miljoner kronor"),
        ("3 M€", 3_000_000, "EUR", "3 M€"),
        ("EUR 1.200,50", 1200.5, "EUR", "EUR 1.200,50"),
        ("turnover 1,200,000 EUR", 1_200_000, "EUR", "1,200,000 EUR"),
        ("$5k", 5_000, "USD", "$5k"),
    ],
)
def test_find_money_normalises(
    rates: dict[str, Any], text: str, amount: float, currency: str, raw: str
) -> None:
    (entity,) = find_money(text, rates)
    value = entity["value"]
    assert entity["raw"] == raw
    assert value["amount"] == pytest.approx(amount)
    assert value["currency"] == currency
    assert value["rate"] == rates["units_per_eur"][currency]
    assert value["amount_eur"] == pytest.approx(amount / value["rate"], abs=0.01)
    assert value["rate_date"] == "2024-12-31"


def test_find_money_kroner_follow_the_country(rates: dict[str, Any]) -> None:
    (entity,) = find_money("we are Norwegian, turnover 4 million kroner", rates)
    assert entity["value"]["currency"] == "NOK"


@pytest.mark.parametrize("text", ["turnover 2 million", "35 employees", "in 2019", "3 m long"])
def test_find_money_needs_a_currency(rates: dict[str, Any], text: str) -> None:
    assert find_money(text, rates) == []


def test_rates_file_states_date_and_source() -> None:
    data = rate_data(Path(DEFAULT_DATA_DIR))
    assert data["date"] == "2024-12-31"
    assert "European Central Bank" in data["source"]
    assert {"EUR", "SEK", "NOK", "DKK", "PLN"} <= set(data["units_per_eur"])


def test_find_money_reads_the_lithuanian_cases_of_euro(rates: dict[str, Any]) -> None:
    found = [(e["raw"], e["value"]["amount_eur"]) for e in find_money("apie 1,2 mln. eurų", rates)]
    assert found == [("1,2 mln. eurų", 1_200_000.0)]
