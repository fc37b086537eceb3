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


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return f"{MASK}{digits[-2:]}"


def mask_personal(text: str) -> str:
    """`text` with e-mail addresses and phone numbers masked (``a•••@•••.fi``, ``•••67``)."""
    return _PHONE.sub(_mask_phone, _EMAIL.sub(_mask_email, text))
