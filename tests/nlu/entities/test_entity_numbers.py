"""Reading numbers: separators, decimal commas and number words."""

from __future__ import annotations

import pytest

from nlu.entities.numbers import parse_digits, parse_number, parse_words


@pytest.mark.parametrize(
    ("text", "scaled", "expected"),
    [
        ("2,5", False, 2.5),
        ("2.5", False, 2.5),
        ("500 000", False, 500000.0),
        ("500\u00a0000", False, 500000.0),
        ("1,200", False, 1200.0),
        ("1.200,50", False, 1200.5),
        ("1,200.50", False, 1200.5),
        ("500.000", False, 500000.0),
        ("1.500", True, 1.5),
        ("1'000'000", False, 1000000.0),
        ("35", False, 35.0),
    ],
)
def test_parse_digits_separators(text: str, scaled: bool, expected: float) -> None:
    assert parse_digits(text, scaled=scaled) == expected


def test_parse_digits_rejects_non_numbers() -> None:
    assert parse_digits("") is None
    assert parse_digits("12a") is None
    assert parse_digits("1,2,3.4.5") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twelve", 12),
        ("twenty-five", 25),
        ("twenty five", 25),
        ("two hundred and fifty", 250),
        ("a dozen", 12),
        ("a hundred", 100),
        ("three thousand five hundred", 3500),
        ("nineteen thousand", 19000),
    ],
)
def test_parse_words_english_numbers(text: str, expected: int) -> None:
    assert parse_words(text) == expected


def test_parse_words_rejects_other_words() -> None:
    assert parse_words("twelve apples") is None
    assert parse_words("") is None
    assert parse_number("many") is None
