"""Masking personal data in the console's lists: e-mail addresses and phone numbers go,
the rest of the sentence (dates, amounts, years) stays readable."""

from __future__ import annotations

import pytest

from bot.web.console.masking import mask_personal


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("write to maija.meikalainen@yritys.fi please", "maija.meikalainen@yritys.fi"),
        ("Mail: A.B+tag@sub.example.co.uk.", "A.B+tag@sub.example.co.uk"),
        ("call +358 40 123 4567 today", "+358 40 123 4567"),
        ("call 040-1234567", "040-1234567"),
        ("tel (09) 123 45 678", "09) 123 45 678"),
    ],
)
def test_contacts_are_masked(text: str, hidden: str) -> None:
    masked = mask_personal(text)
    assert hidden not in masked
    assert "•••" in masked


@pytest.mark.parametrize(
    "text",
    [
        "We have 45 employees and a turnover of 2 500 000 euros",
        "Founded in 2019, NACE 62.01",
        "Grant up to 10000 EUR",
    ],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask_personal(text) == text


def test_masked_forms_keep_a_hint() -> None:
    assert mask_personal("maija@yritys.fi") == "m•••@•••.fi"
    assert mask_personal("+358401234567") == "•••67"


def test_a_phone_number_in_groups_of_three_from_zero_is_masked() -> None:
    assert "123" not in mask_personal("soita 040 123 456")
