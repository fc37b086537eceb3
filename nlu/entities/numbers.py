"""Reading numbers as SMEs type them: digits with separators, English number words, scale words.

The rules, in one place for the entity extractors and for every action that reads a typed
number (through ``nlu.numbers``):

* A space, a no-break or thin space, or an apostrophe (``'`` or ``’``) between groups of three
  digits is a thousands separator ("500 000", "4'500'000").
* When both ``,`` and ``.`` occur, the last one is the decimal mark ("1.200,50", "1,200.50").
* Repeated ``,`` or ``.`` separate thousands ("4.500.000", "1,200,000").
* A lone comma followed by exactly three digits is a thousands separator ("1,200"),
  otherwise a decimal comma ("2,5", "1,20").
* A lone dot followed by exactly three digits is a decimal point if a scale word follows
  ("1.500 million") and a thousands separator otherwise ("4.500", "500.000"): SMEs of the
  region write "4.500" for four thousand five hundred, while "4.5" or "4.50" stay decimals.

Scale words ("k", "mln", "milj.", "mio.", "tusen" ...) live in ``SCALE_WORDS``, one table per
language; a word written there with a final dot may be typed with or without it.
"""

from __future__ import annotations

import re

# Characters that may separate groups of three digits, besides "," and ".".
_GROUP = " \u00a0\u2009\u202f'\u2019"
# A number in digits: grouped thousands or plain digits, with an optional decimal part.
DIGITS = (
    rf"(?<![\w.,])(?:\d{{1,3}}(?:(?:[{_GROUP}]\d{{3}})+|(?:[.,]\d{{3}})+)(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)(?![\d])"
)

# Number words per language, added up as they come ("twenty-five", "tjugo fem"). The reader
# does not know the language, so a word must be no ordinary word of another language: the
# Scandinavian "en"/"ett" (a), "to" (two), "fire" (four), "ni" (nine; "you" in Swedish),
# "ti" and "sex" are left out.
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
        "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
        "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
        "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    },
    "sv": {
        "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
        "elva": 11, "tolv": 12, "femton": 15, "tjugo": 20, "trettio": 30, "fyrtio": 40,
        "femtio": 50,
    },
    "da": {
        "tre": 3, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "elleve": 11, "tolv": 12,
        "femten": 15, "tyve": 20, "tredive": 30, "fyrre": 40, "halvtreds": 50,
    },
    "no": {
        "tre": 3, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "elleve": 11, "tolv": 12,
        "femten": 15, "tjue": 20, "tretti": 30, "førti": 40, "femti": 50,
    },
}  # fmt: skip
_UNITS = {word: value for words in NUMBER_WORDS.values() for word, value in words.items()}
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
    cleaned = re.sub(f"[{_GROUP}]", "", text.strip())
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
    """Read number words: "twenty-five", "two hundred and fifty", "a dozen", "tre", "tjugo".

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


# Scale words after a number, per language; a final dot means the dot is optional ("milj."
# matches "milj" and "milj."). A word must mean the same factor in every language it appears
# in (the reader does not know the language), so the long-scale "billion" (10^12 in Danish,
# German, Norwegian) is not listed outside English. Add a language as a new entry.
SCALE_WORDS: dict[str, dict[str, float]] = {
    "en": {
        "k": 1e3, "thousand": 1e3, "thousands": 1e3,
        "m": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6, "mill.": 1e6, "million": 1e6,
        "millions": 1e6,
        "bn": 1e9, "billion": 1e9, "billions": 1e9,
        # common typos in chat
        "thousend": 1e3, "tousand": 1e3, "milion": 1e6, "millon": 1e6, "milions": 1e6,
        "millio": 1e6, "milllion": 1e6, "billon": 1e9,
    },
    "fi": {
        "tuhatta": 1e3, "milj.": 1e6, "miljoona": 1e6, "miljoonaa": 1e6,
        "mrd.": 1e9, "miljardi": 1e9, "miljardia": 1e9,
    },
    "sv": {
        "tusen": 1e3, "tkr": 1e3, "milj.": 1e6, "mn": 1e6, "miljon": 1e6, "miljoner": 1e6,
        "mdr": 1e9, "md.": 1e9, "miljard": 1e9, "miljarder": 1e9,
    },
    "da": {"tusind": 1e3, "mio.": 1e6, "millioner": 1e6, "mia.": 1e9, "milliard": 1e9},
    "no": {"tusen": 1e3, "mill.": 1e6, "millioner": 1e6, "mrd.": 1e9, "milliarder": 1e9},
    "de": {
        "tausend": 1e3, "mio.": 1e6, "millionen": 1e6,
        "mrd.": 1e9, "milliarde": 1e9, "milliarden": 1e9,
    },
    "pl": {"tys.": 1e3, "mln": 1e6, "mld": 1e9},
    "lt": {"tūkst.": 1e3, "mln.": 1e6, "mlrd.": 1e9},
}  # fmt: skip


def _scale_factors() -> dict[str, float]:
    """All scale words without their optional dot, checked to mean one factor each."""
    factors: dict[str, float] = {}
    for words in SCALE_WORDS.values():
        for word, factor in words.items():
            key = word.casefold().rstrip(".")
            if factors.setdefault(key, factor) != factor:
                raise ValueError(f"scale word {word!r} has two factors")
    return factors


_FACTORS = _scale_factors()
_OPTIONAL_DOT = {
    w.casefold().rstrip(".") for words in SCALE_WORDS.values() for w in words if w[-1] == "."
}
# A scale word that is not the start of a longer word ("3 mm" is not "3 million m").
SCALE = (
    "(?:"
    + "|".join(
        re.escape(w) + (r"\.?" if w in _OPTIONAL_DOT else "")
        for w in sorted(_FACTORS, key=len, reverse=True)
    )
    + r")(?![^\W\d_])"
)


def scale_factor(word: str) -> float | None:
    """The factor of a scale word ("mln" -> 1e6, "milj." -> 1e6), or None if it is not one.

    Args:
        word: The word as typed, in any case, with or without its final dot.

    Returns:
        The factor, or None.
    """
    return _FACTORS.get(word.strip().casefold().rstrip("."))


# Words that introduce the total of a sum ("40 devs + 5 admin so 45"), per language: before
# the number, and after it ("45 in total"). Symbols ("=", "→") need no language.
TOTAL_BEFORE: dict[str, tuple[str, ...]] = {
    "en": ("so", "so that's", "that's", "that is", "makes", "total", "total of", "total is",
           "in total", "altogether", "all together", "overall", "all in all", "sum"),
}  # fmt: skip
TOTAL_AFTER: dict[str, tuple[str, ...]] = {
    "en": ("in total", "total", "altogether", "all together", "overall", "in all", "all told"),
}
TOTAL_SYMBOLS = ("=", "=>", "->", "→")
# Words between the two ends of a range ("12 to 15"), per language; dashes need no language.
RANGE_WORDS: dict[str, tuple[str, ...]] = {"en": ("to",)}
RANGE_SYMBOLS = ("-", "–", "—", "..")
# Ordinal words: which item of a list the user means ("the second one"), per language.
ORDINAL_WORDS: dict[str, dict[str, int]] = {
    "en": {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
           "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1},
}  # fmt: skip
# Words before a four-digit number that make it a year, not an amount or count ("in 2019").
YEAR_CUES: dict[str, tuple[str, ...]] = {
    "en": ("in", "since", "year", "fy", "from", "until", "till", "during", "founded",
           "established"),
}  # fmt: skip


def any_of(table: dict[str, tuple[str, ...]], symbols: tuple[str, ...] = ()) -> str:
    """A regex alternation of every language's words in ``table`` and of ``symbols``.

    Words match whole words with any whitespace between them; longer ones are tried first.
    """
    words = {w for ws in table.values() for w in ws}
    alternatives = [r"\s+".join(re.escape(p) for p in w.split()) + r"\b" for w in words]
    alternatives += [re.escape(s) for s in symbols]
    return "(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + ")"


# Between the two ends of a range: "12-15", "12 – 15", "12 to 15".
RANGE_JOIN = rf"\s*{any_of(RANGE_WORDS, RANGE_SYMBOLS)}\s*"

_MINUS_BEFORE = re.compile(r"(?:^|[^\w.,])[-\u2212]$")


def minus_before(text: str, start: int) -> bool:
    """Whether a minus sign is attached to ``text[start:]`` ("-5", "EUR -800k"), not a dash
    between two numbers ("12-15"), inside a word ("x-5") or between words ("staff - 45").

    Args:
        text: The message.
        start: Where the number (or its currency) starts.

    Returns:
        True if the number is negative.
    """
    return bool(_MINUS_BEFORE.search(text, max(0, start - 2), start))
