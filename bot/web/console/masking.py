"""Personal data masked for lists: e-mail addresses and phone numbers in free text.

A list shows many people's messages at a glance; the full text is for the transcript, which
is opened (and audited) one conversation at a time.
"""

from __future__ import annotations

import re
from typing import Final

_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
#: A phone number: an optional +, then at least 7 digits with spaces, dots, dashes or
#: brackets between them.
_PHONE: Final = re.compile(r"(?<![\w+])\+?\d(?:[\s().-]{0,2}\d){6,}(?!\w)")
MASK: Final = "•••"


def _mask_email(match: re.Match[str]) -> str:
    local, _, domain = match.group(0).partition("@")
    return f"{local[:1]}{MASK}@{MASK}.{domain.rsplit('.', 1)[-1]}"


#: A number grouped in thousands ("2 500 000", "1.250.000"): an amount, not a phone number,
#: unless it starts like one (with +, 0 or a bracket).
_AMOUNT: Final = re.compile(r"[1-9]\d{0,2}(?:([ .,])\d{3})(?:\1\d{3})*")


def _mask_phone(match: re.Match[str]) -> str:
    found = match.group(0)
    if _AMOUNT.fullmatch(found):
        return found
    digits = re.sub(r"\D", "", found)
    return f"{MASK}{digits[-2:]}"


def mask_personal(text: str) -> str:
    """`text` with e-mail addresses and phone numbers masked (``a•••@•••.fi``, ``•••67``)."""
    return _PHONE.sub(_mask_phone, _EMAIL.sub(_mask_email, text))
