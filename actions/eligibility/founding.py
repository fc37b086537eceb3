"""How long a company has operated: from the founding month, or a span when only the year is known.

V3 asks for at least 6 months of operation. Counting from 1 January of the founding year
would let a company founded in October pass in March; counting from the founding month is
right, and when only the year is known the months lie between those from December and those
from January of that year. A rule decides on that span, and asks for the month only when the
span straddles its limit.
"""

from __future__ import annotations

from datetime import date

from actions.eligibility.company import CompanyProfile

MONTHS_PER_YEAR = 12


def months_since(year: int, month: int, today: date) -> int:
    """Whole calendar months from the founding month to this month (0 in the founding month)."""
    return max((today.year - year) * MONTHS_PER_YEAR + today.month - month, 0)


def operating_months(profile: CompanyProfile, today: date) -> tuple[int, int] | None:
    """The fewest and the most months the company may have operated, or None when unknown.

    Months stated outright (`months_operating`) are exact; a founding year and month give
    the count from that month; a founding year alone gives the span from December to
    January of that year.
    """
    if profile.months_operating is not None:
        months = int(profile.months_operating)
        return months, months
    year = profile.year_founded
    if year is None:
        return None
    month = profile.month_founded
    if month is not None and 1 <= month <= MONTHS_PER_YEAR:
        months = months_since(year, month, today)
        return months, months
    return months_since(year, MONTHS_PER_YEAR, today), months_since(year, 1, today)


def shown(span: tuple[int, int]) -> str:
    """A span of months as a reason shows it: ``20``, or ``11–22`` when only the year is known."""
    low, high = span
    return str(low) if low == high else f"{low}–{high}"
