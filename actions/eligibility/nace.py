"""NACE Rev. 2 codes as the rules use them: a section letter and a division, e.g. ``C10.1``."""

from __future__ import annotations

import re

NACE_PATTERN = r"^[A-Ua-u](\d{2}(\.\d{1,2})?)?$"
_NACE = re.compile(NACE_PATTERN)

# Divisions of each section (NACE Rev. 2).
_SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}  # fmt: skip


def normalise_nace(code: str) -> str | None:
    """The code upper-cased, or None when it is not a section letter with a matching division.

    ``"c10.1"`` -> ``"C10.1"``; ``"A10"`` is None (division 10 belongs to section C).
    """
    text = code.strip()
    if not _NACE.match(text):
        return None
    text = text.upper()
    if len(text) > 1:
        low, high = _SECTIONS[text[0]]
        if not low <= int(text[1:3]) <= high:
            return None
    return text


def nace_matches(code: str, excluded: str) -> bool:
    """Whether `code` lies within `excluded`: a section ``K``, division ``A01``, group ``C10.2``."""
    return code.startswith(excluded)


def nace_contains(code: str, excluded: str) -> bool:
    """Whether `excluded` is a part of `code` finer than it (``A01`` within ``A``): `code`
    alone cannot tell whether the company is in it."""
    return len(excluded) > len(code) and excluded.startswith(code)
