"""NACE codes in the notations registers send, read as the scheme's NACE Rev. 2 codes.

The rules compare canonical codes: a Rev. 2 section letter, a division and, when known, the
group and class digits (``C10.20``). A register may send ``62.01``, ``6201``, ``62``,
``J62.01``, ``j 62.01``, ``62.0`` or only the section ``J``; the section is derived from the
division. NACE Rev. 2.1 (Regulation (EU) 2023/137, used from 2025) keeps the two-digit
divisions but regroups them under new section letters from J on (Rev. 2 ``J62`` is Rev. 2.1
``K62``, Rev. 2 ``L68`` is Rev. 2.1 ``M68``): a letter that does not fit the division in
Rev. 2 but does in Rev. 2.1 is read as Rev. 2.1 and shown with the Rev. 2 letter. A section
letter alone is read in Rev. 2, the scheme's revision. Below the division, digits are kept
as sent; the demo's exclusions are by division or group, which both revisions share for the
activities they name. Codes are checked down to the division: one that does not exist, or
whose letter fits neither revision, is refused with a reason (`NaceError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Accepted notations: optional section letter, optional blank, division, optional dot,
# up to two more digits (group and class).
NACE_PATTERN = r"^\s*[A-Va-v]?\s*(\d{2}\.?\d{0,2})?\s*$"
_NACE = re.compile(r"^(?P<letter>[A-Za-z])?\s*(?P<division>\d{2})(?:\.?(?P<rest>\d{1,2}))?$")
_LETTER_ONLY = re.compile(r"^(?P<letter>[A-Za-z])$")
# "NACE 62.01", "NACE Rev. 2: J62", "code 6201" name the notation before the code.
_PREFIX = re.compile(r"^(?:nace\b\s*(?:rev\.?\s*2(?:\.1)?)?\s*(?:code)?|code)\s*:?\s*", re.I)

# The divisions of each section (first, last), by revision. Every number inside a range is
# a division; the numbers between sections (04, 34, 40, ...) are none.
SECTIONS_REV2: dict[str, tuple[int, int]] = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}  # fmt: skip
# Rev. 2.1 where its letters differ from Rev. 2 (sections A to I keep theirs).
SECTIONS_REV21: dict[str, tuple[int, int]] = {
    "J": (58, 60), "K": (61, 63), "L": (64, 66), "M": (68, 68), "N": (69, 75), "O": (77, 82),
    "P": (84, 84), "Q": (85, 85), "R": (86, 88), "S": (90, 93), "T": (94, 96), "U": (97, 98),
    "V": (99, 99),
}  # fmt: skip


class NaceError(ValueError):
    """A text that is no NACE code; `key` names the reason text in data/vouchers/nace.yml."""

    def __init__(self, key: str, values: dict[str, str]) -> None:
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


@dataclass(frozen=True)
class NaceCode:
    """A code as the rules read it: the Rev. 2 section, the division and finer digits."""

    section: str
    division: str | None = None  # "62"
    rest: str = ""  # group and class digits after the division: "", "0", "01"
    revision: str = "2"  # how the sent letter was read: "2" or "2.1"

    @property
    def code(self) -> str:
        """The canonical code: ``J``, ``J62``, ``J62.0``, ``J62.01``."""
        if self.division is None:
            return self.section
        return f"{self.section}{self.division}" + (f".{self.rest}" if self.rest else "")


def section_of(division: int, sections: dict[str, tuple[int, int]] = SECTIONS_REV2) -> str | None:
    """The section letter a division belongs to, or None when there is no such division."""
    return next((s for s, (low, high) in sections.items() if low <= division <= high), None)


def read_nace(text: str) -> NaceCode:
    """Read a NACE code in any of the accepted notations.

    Raises:
        NaceError: the text is no code (``not_a_code``), names no existing division
            (``no_division``), or its letter fits the division in neither revision
            (``wrong_section``).
    """
    text = text.strip()
    bare = _PREFIX.sub("", text, count=1)
    only = _LETTER_ONLY.match(bare)
    if only:
        letter = only.group("letter").upper()
        if letter in SECTIONS_REV2:
            return NaceCode(letter)
        if letter in SECTIONS_REV21:  # V: extraterritorial organisations in Rev. 2.1
            low, _ = SECTIONS_REV21[letter]
            return NaceCode(str(section_of(low)), revision="2.1")
        raise NaceError("not_a_code", {"code": text})
    match = _NACE.match(bare)
    if not match:
        raise NaceError("not_a_code", {"code": text})
    division = match.group("division")
    rest = match.group("rest") or ""
    section = section_of(int(division))
    values = {"code": text, "division": division}
    if section is None:
        raise NaceError("no_division", values)
    sent = (match.group("letter") or "").upper()
    if not sent or sent == section:
        return NaceCode(section, division, rest)
    if section_of(int(division), SECTIONS_REV21) == sent:
        return NaceCode(section, division, rest, revision="2.1")
    raise NaceError("wrong_section", values | {"letter": sent, "section": section})


# A typed answer that gives a code: "62.01", "J 62.01", "our NACE code is 6201", "nace: J".
_ANSWER = re.compile(
    r"^\W*(?:.*?\b(?:nace(?:\s+rev\.?\s*2(?:\.1)?)?(?:\s+code)?|code)\b(?:\s+is)?\s*:?\s*)?"
    r"(?P<code>[A-Za-z]?\s?\d+(?:\.\d+)*|[A-Za-z])\W*$",
    re.IGNORECASE,
)


def code_in_answer(text: str) -> NaceCode | None:
    """The NACE code a typed answer gives, or None when the answer is words, not a code.

    Raises:
        NaceError: the answer is a code, or names one after "NACE", that does not exist.
    """
    match = _ANSWER.match(text.strip())
    if not match:
        return None
    code = match.group("code")
    named = match.group(0)[: match.start("code")].strip() != ""
    if code.isalpha() and not named and len(text.strip()) > 1:
        return None
    return read_nace(code)


def normalise_nace(code: str) -> str | None:
    """The canonical Rev. 2 code of `code`, or None when it is not a NACE code.

    ``"6201"`` -> ``"J62.01"``; ``"K62.10"`` (Rev. 2.1) -> ``"J62.10"``; ``"A10"`` is None
    (division 10 belongs to section C in both revisions).
    """
    try:
        return read_nace(code).code
    except NaceError:
        return None


def nace_matches(code: str, excluded: str) -> bool:
    """Whether `code` lies within `excluded`: a section ``K``, division ``A01``, group ``C10.2``."""
    return code.startswith(excluded)


def nace_contains(code: str, excluded: str) -> bool:
    """Whether `excluded` is a part of `code` finer than it (``A01`` within ``A``): `code`
    alone cannot tell whether the company is in it."""
    return len(excluded) > len(code) and excluded.startswith(code)
