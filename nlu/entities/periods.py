"""Founding years ("founded in 2019", "since 2015", "founded in March 2025", "since 03/2025",
"2025-03") and durations in months ("18 months")."""

from __future__ import annotations

import calendar
import datetime
import re

from spacy.language import Language
from spacy.tokens import Doc

from nlu.entities.base import EntityNormaliser
from nlu.entities.headcount import longest_non_overlapping
from nlu.entities.lexicon import within_one_edit
from nlu.entities.numbers import NUMBER, parse_number
from nlu.entities.text import Entity, make_entity

EARLIEST_YEAR = 1800
# Month names and their usual abbreviations ("March", "Mar", "Sept"), English (the C locale).
MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
FULL_MONTHS = {calendar.month_name[n].casefold(): n for n in range(1, 13)}
MAX_MONTH_ANSWER_WORDS = 8  # a longer text is a sentence about something else
_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
# A month before the year ("March 2025", "Mar. 2025", "03/2025", "3.2025") or after it
# ("2025-03", "2025/03").
_MONTH_BEFORE = rf"(?:(?P<month>{_MONTH_NAME})\.?\s+(?:of\s+)?|(?P<mm>0?[1-9]|1[0-2])\s*[/.]\s*)"
_MONTH_AFTER = r"(?:\s*[-/]\s*(?P<mm_after>0[1-9]|1[0-2])\b(?![-/.]\d))"
_YEAR = re.compile(
    r"\b(?:founded|established|incorporated|registered|started|set\s+up|created|launched|"
    r"since|est\.|founding\s+year|year\s+of\s+(?:foundation|establishment|incorporation)|"
    r"operating\s+since|in\s+business\s+since|around\s+since|dating\s+back\s+to)"
    r"(?:\s+(?:in|on|back\s+in|around|about|the\s+year|is|was|:)|\s*:)*\s+"
    rf"{_MONTH_BEFORE}?(?P<year>\d{{4}})\b{_MONTH_AFTER}?"
    r"(?![.,]\d|\s*(?:employees|people|staff|eur|euros?|€|%))",
    re.IGNORECASE,
)
# A founding date typed on its own as an answer: "March 2025", "03/2025", "2025-03", "2019".
_DATE_ANSWER = re.compile(
    rf"^\W*(?:in\s+|since\s+)?{_MONTH_BEFORE}?(?P<year>\d{{4}}){_MONTH_AFTER}?\W*$",
    re.IGNORECASE,
)
_UNIT = r"(?P<unit>years?|yrs?|months?|mos?|weeks?)"
_DURATIONS = [
    # "3 years", "18 months", "1.5 years", "two-year", "six-month"
    re.compile(rf"(?P<num>{NUMBER})(?:\s*-\s*|\s+){_UNIT}\b", re.IGNORECASE),
    # "for a year", "in about a month" (a bare "a year" is often "per year")
    re.compile(
        rf"\b(?:for|within|over|after|in|takes?|lasts?|lasted|lasting)\s+(?:about\s+|around\s+)?"
        rf"(?P<span>an?\s+{_UNIT})\b",
        re.IGNORECASE,
    ),
]
_FIXED = re.compile(
    r"\b(?P<span>(?:(?:a|one)\s+(?:year|and)\s+(?:and\s+)?a\s+half(?:\s+years?)?)|"
    r"half\s+a\s+year|a\s+half\s+year|half-year|half\s+year|a\s+couple\s+of\s+years|"
    r"a\s+couple\s+of\s+months|a\s+decade|one\s+decade|two\s+decades)\b",
    re.IGNORECASE,
)
_FIXED_MONTHS = {
    "half a year": 6, "a half year": 6, "half-year": 6, "half year": 6,
    "a couple of years": 24, "a couple of months": 2, "a decade": 120, "one decade": 120,
    "two decades": 240,
}  # fmt: skip
# Durations need a unit word: texts without one are skipped cheaply.
_HINT = re.compile(r"year|yr|month|mo|week|decade", re.IGNORECASE)
_MONTHS_PER = {"y": 12.0, "m": 1.0, "w": 12 / 52}


def _month(match: re.Match[str]) -> int | None:
    """The founding month a match names, if any (1-12)."""
    name, number = match.group("month"), match.group("mm") or match.group("mm_after")
    if name:
        return MONTHS[name.casefold()]
    return int(number) if number else None


def find_years(text: str, extractor: str = "PeriodExtractor") -> list[Entity]:
    """Founding years in ``text``: ints from 1800 to next year; the span is the year itself.

    A month given with the year ("founded in March 2025", "since 03/2025", "founded
    2025-03") is kept as the entity's ``month`` (1-12), so months of operation can be counted
    from the founding month.
    """
    latest = datetime.date.today().year + 1
    entities = []
    for match in _YEAR.finditer(text):
        year = int(match.group("year"))
        if EARLIEST_YEAR <= year <= latest:
            start, end = match.span("year")
            month = _month(match)
            extra = {"month": month} if month else {}
            entities.append(make_entity("year", start, end, year, text, extractor, **extra))
    return entities


def read_month(text: str) -> int | None:
    """The month a short answer names ("March", "mar", "uh, march i think", "3", "03"), the
    last one when it names several ("march, no wait, may"); a month name typed with one
    letter wrong ("febuary", "septmber") counts. None when it names no month.
    """
    if re.fullmatch(r"\W*(0?[1-9]|1[0-2])\W*", text):
        return int(re.sub(r"\D", "", text))
    words = re.findall(r"[a-z]+", text.casefold())
    if len(words) > MAX_MONTH_ANSWER_WORDS:
        return None
    found = None
    for word in words:
        if word in MONTHS:
            found = MONTHS[word]
        elif len(word) >= 5:
            close = [n for name, n in FULL_MONTHS.items() if within_one_edit(word, name)]
            found = close[0] if len(close) == 1 else found
    return found


def read_founding_date(text: str) -> tuple[int, int | None] | None:
    """A founding year and month typed as an answer ("March 2025", "03/2025", "2025-03",
    "2019"), or None when the text is not only a date.

    Returns:
        The year and the month (None when only the year is given).
    """
    match = _DATE_ANSWER.match(text.strip())
    if not match:
        return None
    return int(match.group("year")), _month(match)


def find_durations(text: str, extractor: str = "PeriodExtractor") -> list[Entity]:
    """Durations in ``text``, as whole months (weeks are rounded; under a month is skipped)."""
    candidates: list[Entity] = []
    if not _HINT.search(text):
        return candidates
    for regex in _DURATIONS:
        for match in regex.finditer(text):
            number = 1.0 if match.groupdict().get("span") else parse_number(match.group("num"))
            unit = match.group("unit").lower()
            if number is None or number <= 0:
                continue
            months = round(number * _MONTHS_PER[unit[0]])
            start, end = match.span("span") if match.groupdict().get("span") else match.span()
            if 1 <= months <= 1200:
                candidates.append(
                    make_entity("duration", start, end, months, text, extractor, unit="month")
                )
    for match in _FIXED.finditer(text):
        phrase = re.sub(r"\s+", " ", match.group("span").lower())
        months = _FIXED_MONTHS.get(phrase, 18)
        start, end = match.span("span")
        candidates.append(
            make_entity("duration", start, end, months, text, extractor, unit="month")
        )
    return longest_non_overlapping(candidates)


class PeriodEntities(EntityNormaliser):
    """Finds founding years (int) and durations (int months)."""

    extractor = "PeriodExtractor"

    def find(self, doc: Doc) -> list[Entity]:
        return find_years(doc.text, self.extractor) + find_durations(doc.text, self.extractor)


@Language.factory("s3_periods_v1")
def make_periods(nlp: Language, name: str) -> PeriodEntities:
    """Create the year and duration extractor."""
    return PeriodEntities(nlp, name)
