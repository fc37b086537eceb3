"""Reading numbers as SMEs type them: digits with separators, and English number words.

Separators: a space, a no-break space or an apostrophe between groups of three digits is a
thousands separator ("500 000"). When both ``,`` and ``.`` occur, the last one is the decimal
mark ("1.200,50", "1,200.50"). A lone comma followed by exactly three digits is a thousands
separator ("1,200"), otherwise a decimal comma ("2,5"). A lone dot followed by exactly three
digits is a decimal point if a multiplier follows ("1.500 million") and a thousands separator
otherwise ("500.000").
"""

from __future__ import annotations

import re

# A number in digits: grouped thousands or plain digits, with an optional decimal part.
DIGITS = (
    r"(?<![\w.,])(?:\d{1,3}(?:(?:[ \u00a0\u202f']\d{3})+|(?:[.,]\d{3})+)(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)(?![\d])"
)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000}
_WORD = "|".join(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
# "twenty-five", "two hundred and fifty", "a dozen", "a hundred", "three thousand".
_JOIN = r"(?:[ \t]+and[ \t]+|[ \t]*-[ \t]*|[ \t]+)"
WORDS = (
    rf"(?:\ban?[ \t]+(?=(?:dozen|hundred|thousand)\b))?"
    rf"\b(?:{_WORD})\b(?:{_JOIN}\b(?:{_WORD})\b)*"
)
NUMBER = rf"(?:{DIGITS}|{WORDS})"


def parse_digits(text: str, *, scaled: bool = False) -> float | None:
    """Read a number written in digits.

    Args:
        text: The digits with their separators, e.g. ``"2,5"`` or ``"500 000"``.
        scaled: Whether a multiplier ("million", "k") follows; decides a lone ``.ddd``.

    Returns:
        The number, or None if the text is not a number.
    """
    cleaned = re.sub(r"[ \u00a0\u202f']", "", text.strip())
    if not cleaned or not re.fullmatch(r"[\d.,]+", cleaned):
        return None
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    elif "," in cleaned:
        cleaned = _single_mark(cleaned, ",", thousands_if_three=True)
    elif "." in cleaned:
        cleaned = _single_mark(cleaned, ".", thousands_if_three=not scaled)
    try:
        return float(cleaned)
    except ValueError:
        return None


def _single_mark(text: str, mark: str, *, thousands_if_three: bool) -> str:
    parts = text.split(mark)
    if len(parts) > 2 or (thousands_if_three and len(parts[1]) == 3):
        return "".join(parts)
    return ".".join(parts)


def parse_words(text: str) -> int | None:
    """Read English number words: "twenty-five", "two hundred and fifty", "a dozen".

    Args:
        text: The words.

    Returns:
        The number, or None if the words do not form one.
    """
    words = [w for w in re.split(r"[\s-]+", text.casefold()) if w and w != "and"]
    if words and words[0] in ("a", "an"):
        words[0] = "one"
    total = current = 0
    seen = False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in ("dozen", "hundred"):
            current = max(current, 1) * _SCALES[word]
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_number(text: str, *, scaled: bool = False) -> float | None:
    """Read a number in digits or in words (see ``parse_digits`` and ``parse_words``)."""
    if any(ch.isdigit() for ch in text):
        return parse_digits(text, scaled=scaled)
    words = parse_words(text)
    return None if words is None else float(words)
