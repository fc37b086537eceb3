"""Founding years and durations (in months)."""

from __future__ import annotations

import datetime

import pytest

from nlu.entities.periods import find_durations, find_years


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("founded in 2019", 2019),
        ("since 2015", 2015),
        ("established 1998", 1998),
        ("Est. 1998", 1998),
        ("founded: 2012", 2012),
        ("we were incorporated back in 2001", 2001),
    ],
)
def test_find_years_with_context(text: str, year: int) -> None:
    (entity,) = find_years(text)
    assert entity["entity"] == "year"
    assert entity["value"] == year
    assert entity["raw"] == str(year)


def test_find_years_rejects_impossible_years() -> None:
    too_late = datetime.date.today().year + 2
    assert find_years("founded in 1750") == []
    assert find_years(f"founded in {too_late}") == []
    assert find_years(f"founded in {too_late - 1}")[0]["value"] == too_late - 1


def test_find_years_needs_a_founding_word() -> None:
    assert find_years("in 2019 we had 300 people") == []
    assert find_years("since 2015 employees") == []


@pytest.mark.parametrize(
    ("text", "months", "raw"),
    [
        ("for 3 years", 36, "3 years"),
        ("18 months", 18, "18 months"),
        ("half a year", 6, "half a year"),
        ("a year and a half", 18, "a year and a half"),
        ("1.5 years", 18, "1.5 years"),
        ("1,5 years", 18, "1,5 years"),
        ("a two-year project", 24, "two-year"),
        ("for a year", 12, "a year"),
        ("a couple of years", 24, "a couple of years"),
        ("8 weeks", 2, "8 weeks"),
    ],
)
def test_find_durations_in_months(text: str, months: int, raw: str) -> None:
    (entity,) = find_durations(text)
    assert entity["entity"] == "duration"
    assert entity["value"] == months
    assert entity["raw"] == raw
    assert entity["unit"] == "month"


def test_find_durations_ignores_rates_and_tiny_periods() -> None:
    assert find_durations("EUR 2M a year") == []
    assert find_durations("1 week") == []
