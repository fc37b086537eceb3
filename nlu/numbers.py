"""Reading the number a user typed: a plain number, an amount, or a count of people or things.

Every reader here applies the rules of ``nlu.entities.numbers`` (separators, decimal marks,
scale words), so the NLU's entities and the actions that read a typed answer agree. On top
of them, a text is read as one answer:

* A range ("12-15", "2 to 3 million") gives its upper end; ``find_numbers`` keeps the range.
* A total the user states wins ("40 devs + 5 admin so 45", "= 45", "45 in total");
  without one, numbers joined by ``+`` are added ("40 + 5"); otherwise the first number counts.
* Numbers in digits win over number words ("one team of 40" is 40).
* A four-digit year after a year word or before a colon ("in 2019", "2023: 4.5 mln") is
  not a quantity.
* A negative number, or one above ``MAX_VALUE``, is refused (None), never read as positive.

Currencies are not read here: the money extractor converts them. An amount typed alone is
read by the same rules, so "4.500" is 4500 and "2.5" is 2.5; whether 2.5 is a plausible
turnover is for the caller to judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.entities.numbers import (
    NUMBER,
    ORDINAL_WORDS,
    RANGE_JOIN,
    SCALE,
    TOTAL_AFTER,
    TOTAL_BEFORE,
    TOTAL_SYMBOLS,
    YEAR_CUES,
    any_of,
    minus_before,
    scale_factor,
)
from nlu.entities.numbers import parse_number as read_token

# Larger numbers are typing accidents (a phone or account number), not quantities.
MAX_VALUE = 1e12
EARLIEST_YEAR, LATEST_YEAR = 1800, 2100
# How far before a number its cue words ("so", "in total", "since") are looked for.
_CONTEXT = 40

_READING = re.compile(
    rf"(?P<num>{NUMBER})(?:\s*(?P<scale>{SCALE}))?"
    rf"(?:{RANGE_JOIN}(?P<num2>{NUMBER})(?:\s*(?P<scale2>{SCALE}))?)?",
    re.IGNORECASE,
)
_YEAR_BEFORE = re.compile(rf"(?<!\w){any_of(YEAR_CUES)}\s*$", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"\s*:")
_TOTAL_BEFORE = re.compile(
    rf"(?:(?<!\w){any_of(TOTAL_BEFORE)}|{any_of({}, TOTAL_SYMBOLS)})[\s:~]*$", re.IGNORECASE
)
_TOTAL_AFTER = re.compile(rf"(?:\s+[^\W\d_]+)?\s+{any_of(TOTAL_AFTER)}", re.IGNORECASE)


_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)
# "one" as a pronoun after an ordinal or a determiner: "the 2nd one", "the last one".
_PRONOUN_ONE = re.compile(
    r"(?:\b(?:the|this|that|which|any|each|last|next|other|another|"
    + "|".join(sorted({w for ws in ORDINAL_WORDS.values() for w in ws}, key=len, reverse=True))
    + r")|\d(?:st|nd|rd|th))\s+one$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reading:
    """One number found in a text, with what its surroundings say about it.

    Attributes:
        value: The number times its scale word; the upper end of a range.
        low: The lower end of a range ("12-15" gives 12), else None.
        start: Start offset of the number (or range) in the text.
        end: End offset, after any scale word.
        in_words: Written in words ("forty"), not in digits.
        year: A year ("in 2019", "2023:"), not a quantity.
        negative: Preceded by a minus sign.
        total: Stated as a total ("so 45", "= 45", "45 in total").
    """

    value: float
    low: float | None
    start: int
    end: int
    in_words: bool = False
    year: bool = False
    negative: bool = False
    total: bool = False


def find_numbers(text: str, *, scales: bool = True) -> list[Reading]:
    """Every number in ``text``, in text order, read by the rules of ``nlu.entities.numbers``.

    Args:
        text: What the user typed.
        scales: Whether scale words multiply ("2,5 mln" -> 2500000.0); if not, they are
            ignored ("2,5 mln" -> 2.5).

    Returns:
        The readings; numbers the rules cannot read are left out.
    """
    readings = []
    for match in _READING.finditer(text):
        if _ORDINAL_SUFFIX.match(text, match.end()) or _PRONOUN_ONE.search(text[: match.end()]):
            continue  # "the 2nd one", "this one" name a position (parse_position), no quantity
        reading = _reading(match, text, scales=scales)
        if reading is not None:
            readings.append(reading)
    return readings


def _reading(match: re.Match[str], text: str, *, scales: bool) -> Reading | None:
    scale = (match["scale"] or match["scale2"] or "") if scales else ""
    scale2 = (match["scale2"] or match["scale"] or "") if scales else ""
    first = _value(match["num"], scale)
    second = _value(match["num2"], scale2) if match["num2"] else first
    if first is None or second is None:
        return None
    high, low = max(first, second), (min(first, second) if match["num2"] else None)
    start, end = match.span()
    before = max(0, start - _CONTEXT)
    plain = match["num"]
    is_year = (
        not match["num2"]
        and not match["scale"]
        and plain.isdigit()
        and len(plain) == 4
        and EARLIEST_YEAR <= int(plain) <= LATEST_YEAR
        and bool(_YEAR_BEFORE.search(text, before, start) or _YEAR_AFTER.match(text, end))
    )
    return Reading(
        value=high,
        low=low,
        start=start,
        end=end,
        in_words=not any(ch.isdigit() for ch in match.group()),
        year=is_year,
        negative=minus_before(text, start),
        total=bool(_TOTAL_BEFORE.search(text, before, start) or _TOTAL_AFTER.match(text, end)),
    )


def _value(number: str, scale: str) -> float | None:
    value = read_token(number, scaled=bool(scale))
    if value is None:
        return None
    return value * (scale_factor(scale) or 1.0) if scale else value


def _answer(text: str, *, scales: bool) -> Reading | None:
    """The one number a typed answer gives (see the module docstring), or None."""
    readings = [r for r in find_numbers(text, scales=scales) if not r.year]
    digits = [r for r in readings if not r.in_words]
    readings = digits or readings
    if not readings:
        return None
    totals = [r for r in readings if r.total]
    if totals:
        chosen = totals[-1]
    elif len(readings) > 1 and all(
        "+" in text[a.end : b.start] for a, b in zip(readings, readings[1:], strict=False)
    ):
        if any(r.negative for r in readings):
            return None
        chosen = Reading(sum(r.value for r in readings), None, readings[0].start, readings[-1].end)
    else:
        chosen = readings[0]
    if chosen.negative or not 0 <= chosen.value <= MAX_VALUE:
        return None
    return chosen


def parse_number(text: str) -> float | None:
    """The number a user typed, without scale words ("about 40" -> 40.0, "2,5" -> 2.5).

    Args:
        text: What the user typed.

    Returns:
        The number (the upper end of a range, a stated total if any), or None if the text
        has none or it is negative or absurdly large.
    """
    chosen = _answer(text, scales=False)
    return None if chosen is None else chosen.value


def parse_amount(text: str) -> float | None:
    """An amount with its scale word, in the currency it was typed in (none is converted).

    "4.500" -> 4500.0, "2.5" -> 2.5, "1.200,50" -> 1200.5, "2,5 mln" -> 2500000.0,
    "€ 800k" -> 800000.0, "EUR 2 bn" -> 2e9, "4'500'000" -> 4500000.0.

    Args:
        text: What the user typed, e.g. the answer to a turnover question.

    Returns:
        The amount, or None if the text has no number, or it is negative or absurd.
    """
    chosen = _answer(text, scales=True)
    return None if chosen is None else chosen.value


def parse_count(text: str) -> int | None:
    """A whole number of people or things, preferring a total the user states.

    "40 devs + 5 admin so 45" -> 45, "12-15 people" -> 15, "1,200" -> 1200, "2k" -> 2000.

    Args:
        text: What the user typed, e.g. the answer to a headcount question.

    Returns:
        The count, or None if the text has no number, or it is not whole, negative or absurd.
    """
    chosen = _answer(text, scales=True)
    if chosen is None or not chosen.value.is_integer():
        return None
    return int(chosen.value)


_ORDINAL = re.compile(
    r"\b(?:"
    + "|".join(sorted({w for ws in ORDINAL_WORDS.values() for w in ws}, key=len, reverse=True))
    + r")\b|\b(\d{1,3})(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)


def parse_position(text: str) -> int | None:
    """Which item of a list the user means: "the second one" -> 2, "2nd" -> 2, "#3" -> 3,
    "number two" -> 2, "the last one" -> -1 (counted from the end).

    Args:
        text: What the user typed, e.g. "introduce me to the 2nd one".

    Returns:
        The position (1 for the first item, -1 for the last), or None if the text names none.
    """
    match = _ORDINAL.search(text)
    if match:
        if match.group(1):
            return int(match.group(1))
        word = match.group(0).casefold()
        return next(ws[word] for ws in ORDINAL_WORDS.values() if word in ws)
    count = parse_count(text)
    return count if count is not None and count > 0 else None
