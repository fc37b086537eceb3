"""Founding years ("founded in 2019", "since 2015") and durations in months ("18 months")."""

from __future__ import annotations

import datetime
import re

from spacy.language import Language
from spacy.tokens import Doc

from nlu.entities.base import EntityNormaliser
from nlu.entities.headcount import longest_non_overlapping
from nlu.entities.numbers import NUMBER, parse_number
from nlu.entities.text import Entity, make_entity

EARLIEST_YEAR = 1800
_YEAR = re.compile(
    r"\b(?:founded|established|incorporated|registered|started|set\s+up|created|launched|"
    r"since|est\.|founding\s+year|year\s+of\s+(?:foundation|establishment|incorporation)|"
    r"operating\s+since|in\s+business\s+since|around\s+since|dating\s+back\s+to)"
    r"(?:\s+(?:in|on|back\s+in|around|about|the\s+year|is|was|:)|\s*:)*\s+(?P<year>\d{4})\b"
    r"(?![.,]\d|\s*(?:employees|people|staff|eur|euros?|€|%))",
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


def find_years(text: str, extractor: str = "PeriodExtractor") -> list[Entity]:
    """Founding years in ``text``: ints from 1800 to next year; the span is the year itself."""
    latest = datetime.date.today().year + 1
    entities = []
    for match in _YEAR.finditer(text):
        year = int(match.group("year"))
        if EARLIEST_YEAR <= year <= latest:
            start, end = match.span("year")
            entities.append(make_entity("year", start, end, year, text, extractor))
    return entities


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
