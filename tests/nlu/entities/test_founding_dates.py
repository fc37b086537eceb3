"""Founding dates with their month: in a sentence (the `year` entity's `month`) and typed alone."""

from __future__ import annotations

import pytest

from nlu.entities.periods import find_years, read_founding_date, read_month


@pytest.mark.parametrize(
    ("text", "year", "month"),
    [
        ("founded in March 2025", 2025, 3),
        ("we've been operating since 03/2025", 2025, 3),
        ("founded 2025-03, 12 staff", 2025, 3),
        ("established in Sept. 2024", 2024, 9),
        ("founded in 2019 and have 12 people", 2019, None),
        ("founded in 2025-2026", 2025, None),  # a range, not a month
    ],
)
def test_find_years_keeps_the_month(text: str, year: int, month: int | None) -> None:
    (entity,) = find_years(text)
    assert (entity["value"], entity.get("month")) == (year, month)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 2025", (2025, 3)),
        ("03/2025", (2025, 3)),
        ("2025-03", (2025, 3)),
        ("in may 2024", (2024, 5)),
        ("2019", (2019, None)),
        ("2025-13", None),
        ("we started small", None),
    ],
)
def test_read_founding_date(text: str, expected: tuple[int, int | None] | None) -> None:
    assert read_founding_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March", 3),
        ("uh, march i think", 3),
        ("03", 3),
        ("febuary", 2),  # one letter off
        ("march, no wait, may", 5),  # the correction counts
        ("13", None),
        ("it was the 5th", None),
        ("we were founded in the spring", None),
    ],
)
def test_read_month(text: str, expected: int | None) -> None:
    assert read_month(text) == expected
