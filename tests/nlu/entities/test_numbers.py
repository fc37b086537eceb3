"""One reading of typed numbers: the public readers, the money and the headcount entities agree."""

from __future__ import annotations

from typing import Any

import pytest

from nlu import find_numbers, parse_amount, parse_count, parse_number
from nlu.entities.headcount import find_headcounts
from nlu.entities.money import find_money
from nlu.entities.numbers import SCALE_WORDS, scale_factor
from nlu.entities.vocabulary import DEFAULT_DATA_DIR, rate_data

NBSP, NARROW_NBSP = "\u00a0", "\u202f"

# (typed, amount): figures typed alone as the answer to "What is your annual turnover?".
FIGURES = [
    ("4.500", 4_500),  # a lone dot before three digits separates thousands
    ("4.500.000", 4_500_000),
    ("1.200,50", 1_200.5),
    ("1,200.50", 1_200.5),
    ("1,200", 1_200),
    ("1,2", 1.2),
    ("2.5", 2.5),  # implausible as a turnover, but that is the validator's to say
    ("4,50", 4.5),
    ("500 000", 500_000),
    (f"500{NBSP}000", 500_000),
    (f"4{NARROW_NBSP}500{NARROW_NBSP}000", 4_500_000),
    ("4 500 000", 4_500_000),
    ("4'500'000", 4_500_000),
    ("4\u2019500\u2019000", 4_500_000),
    ("2,5 mln", 2_500_000),
    ("3 milj.", 3_000_000),
    ("3 milj", 3_000_000),
    ("1.2 mio", 1_200_000),
    ("1.500 million", 1_500_000),  # before a scale word the dot is a decimal point
    ("800k", 800_000),
    ("3 mn", 3_000_000),
    ("2,5 miljoner", 2_500_000),
    ("150 tūkst.", 150_000),
    ("400 tusen", 400_000),
    ("0", 0),
]
# The same with currencies, words, ranges and years around them.
AMOUNTS = FIGURES + [
    ("€ 800k", 800_000),
    ("800K€", 800_000),
    ("about 4 million", 4_000_000),
    ("four million", 4_000_000),
    ("EUR 2 bn", 2_000_000_000),
    ("2-3 million", 3_000_000),  # a range: its upper end
    ("arond 4.500.000 eur i think", 4_500_000),
    ("Turnover in 2023 was 4.500", 4_500),  # a year is not an amount
    ("2023: 4,5 mln", 4_500_000),
]


@pytest.mark.parametrize(("text", "amount"), AMOUNTS)
def test_parse_amount_reads_european_and_english_formats(text: str, amount: float) -> None:
    assert parse_amount(text) == pytest.approx(amount)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("45", 45),
        ("Employees - 45", 45),  # a dash between words is no minus
        ("40 devs + 5 admin so 45", 45),  # the total the user states is the answer
        ("40 devs, 5 admin = 45", 45),
        ("45 in total", 45),
        ("40 + 5 and 2 interns, 47 people in total", 47),
        ("total 45", 45),
        ("total of 45", 45),
        ("40 devs + 5 admin", 45),  # no total stated: the sum
        ("12-15 people", 15),
        ("12 – 15", 15),
        ("12 to 15", 15),
        ("1.200", 1_200),
        ("1 200", 1_200),
        ("1,200", 1_200),
        ("4'500", 4_500),
        ("2k", 2_000),
        ("around twenty-five", 25),
        ("one team of 40", 40),  # digits win over number words
        ("since 2019 we are 12", 12),
        ("2019", 2019),  # alone it is the number typed
    ],
)
def test_parse_count_prefers_a_stated_total(text: str, count: int) -> None:
    assert parse_count(text) == count
    assert type(parse_count(text)) is int


@pytest.mark.parametrize(
    "text",
    [
        "-5",
        "\u22125 000",
        "minus? -20 people",
        "99999999999999",  # absurd: a phone or account number, not a quantity
        "5 000 000 000 000 people",
        "",
        "no idea",
        "in 2019",  # a year, not a quantity
        "2,5",  # not a whole count
        "1,5 people",
    ],
)
def test_parse_count_refuses_negative_absurd_and_missing(text: str) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize("text", ["-4.500", "-2,5 mln", "EUR -800k", "2 000 bn", "in 2023", "n/a"])
def test_parse_amount_refuses_negative_absurd_and_missing(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [("about 40", 40), ("2,5", 2.5), ("25,5 %", 25.5), ("2,5 mln", 2.5), ("1.200", 1_200)],
)
def test_parse_number_reads_without_scale_words(text: str, number: float) -> None:
    assert parse_number(text) == pytest.approx(number)


def test_find_numbers_keeps_ranges_years_and_totals() -> None:
    readings = find_numbers("in 2019 we were 40 + 5 = 45, now 12-15 staff")
    assert [(r.low, r.value) for r in readings] == [
        (None, 2019), (None, 40), (None, 5), (None, 45), (12, 15)
    ]  # fmt: skip
    assert [r.year for r in readings] == [True, False, False, False, False]
    assert [r.total for r in readings] == [False, False, False, True, False]


def test_hyphen_between_numbers_is_a_range_not_a_minus() -> None:
    (reading,) = find_numbers("15-12")
    assert (reading.low, reading.value, reading.negative) == (12, 15, False)


def test_scale_words_each_mean_one_factor_in_every_language() -> None:
    for language, words in SCALE_WORDS.items():
        for word, factor in words.items():
            assert scale_factor(word) == factor, (language, word)
            assert scale_factor(word.upper().rstrip(".")) == factor, (language, word)
            assert parse_amount(f"3 {word}") == pytest.approx(3 * factor), (language, word)


# --- the entities read the same values ---


@pytest.fixture(scope="module")
def rates() -> dict[str, Any]:
    return rate_data(DEFAULT_DATA_DIR)


@pytest.mark.parametrize(("text", "amount"), FIGURES)
def test_money_entity_reads_what_parse_amount_reads(
    rates: dict[str, Any], text: str, amount: float
) -> None:
    for typed in (f"EUR {text}", f"{text} €"):
        (entity,) = find_money(typed, rates)
        assert entity["value"]["amount"] == pytest.approx(parse_amount(text)) == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("EUR 4.500", 4_500),
        ("4.500.000 €", 4_500_000),
        ("EUR 1.200,50", 1_200.5),
        ("€ 800k", 800_000),
        ("EUR 2 bn", 2_000_000_000),
        ("2,5 mln EUR", 2_500_000),
        ("3 milj. euroa", 3_000_000),
        ("1.2 mio EUR", 1_200_000),
        ("4'500'000 EUR", 4_500_000),
        (f"4{NBSP}500{NBSP}000 €", 4_500_000),
        ("150 tūkst. EUR", 150_000),
    ],
)
def test_money_entity_reads_formats(rates: dict[str, Any], text: str, amount: float) -> None:
    (entity,) = find_money(text, rates)
    assert entity["value"]["amount_eur"] == pytest.approx(amount)


@pytest.mark.parametrize("text", ["-5 000 EUR", "EUR -4.500", "loss of -2 mln €"])
def test_money_entity_refuses_negative_amounts(rates: dict[str, Any], text: str) -> None:
    assert find_money(text, rates) == []


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("12-15 people", 15, [12, 15]),
        ("12 to 15 employees", 15, [12, 15]),
        ("1.200 employees", 1_200, None),
        ("1 200 employees", 1_200, None),
        ("4'500 staff", 4_500, None),
        ("1,200 people", 1_200, None),
    ],
)
def test_headcount_entity_reads_what_parse_count_reads(
    text: str, value: int, span: list[int] | None
) -> None:
    (entity,) = find_headcounts(text)
    assert entity["value"] == value == parse_count(text)
    assert entity.get("range") == span


@pytest.mark.parametrize("text", ["-5 employees", "1,5 people", "2.5 staff"])
def test_headcount_entity_refuses_what_parse_count_refuses(text: str) -> None:
    assert find_headcounts(text) == []
    assert parse_count(text) is None
