"""Figures as readers of each language write them, from Babel's locale data (CLDR).

"50,000,000" and "4,000.8" in English, "50 000 000" and "4 000,8" in Finnish, Swedish or
Lithuanian, "50.000.000" in Danish or German: a verdict or a profile summary reads as its
reader writes. One place for it, so every reason and summary agrees.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

FALLBACK_LOCALE = "en"


@lru_cache(maxsize=32)
def locale_of(language: str | None) -> Locale:
    """Babel's locale of a conversation language (English when Babel does not know it)."""
    try:
        return Locale.parse(language or FALLBACK_LOCALE)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)


def format_number(value: Decimal | int | float, language: str | None = "en") -> str:
    """A figure in the language's digits grouping and decimal mark, with at most two
    decimals and no trailing zeros ("252.5", not "252.50")."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number != number.to_integral_value():
        number = number.quantize(Decimal("0.01"))
    return str(format_decimal(number, format="#,##0.##", locale=locale_of(language)))


def format_count(count: int, one: str, other: str, language: str | None = "en") -> str:
    """`count` and the words that follow it in the form the language's plural rule (CLDR)
    asks for: "1 organisation", "2 organisations", "0 organisations", "1,200 rows"."""
    words = one if locale_of(language).plural_form(count) == "one" else other
    return f"{format_number(count, language)} {words}"
