"""The founding date as the SME gives it: a year, and the month when it says one.

Months of operation count from the founding month (rule V3), so "founded in March 2025",
"since 03/2025" and "2025-03" keep the month. The words are read by the NLU's period reader
(`nlu.entities.periods`), the one place dates are parsed.
"""

from __future__ import annotations

from typing import Any

from actions import profile_fields as fields
from nlu.entities.periods import read_founding_date, read_month


def founding_date(value: Any, message: dict[str, Any] | None) -> tuple[int, int | None] | None:
    """The year and month (None if not given) from a slot value and the message it came from.

    `value` is the year entity's value (an int, whose entity may carry a ``month``) or the
    typed answer ("March 2025", "2025-03", "2019").
    """
    if isinstance(value, str):
        return read_founding_date(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    year = int(value)
    for entity in fields.entities_of(message, "year", (None,)):
        if entity.get("value") == year and entity.get("month"):
            return year, int(entity["month"])
    return year, None


def month_answer(value: Any) -> tuple[int | None, int] | None:
    """A founding month typed as an answer, with the year when one is given ("March 2024").

    Returns:
        (year or None, month), or None when the answer names no month.
    """
    text = str(value).strip() if isinstance(value, str | int | float) else ""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    found = read_founding_date(text)
    if found is not None and found[1] is not None:
        return found[0], found[1]
    month = read_month(text)
    return (None, month) if month is not None else None
