"""Making any received text safe to understand and to store, without changing its meaning."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters except tab and newline; they carry no meaning in a chat
# message, and NUL cannot be stored in PostgreSQL text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str, max_chars: int) -> tuple[str, bool]:
    """The text with control characters removed and lone surrogates replaced, and cut to size.

    Returns:
        `(clean, truncated)`; `truncated` is True when the text was longer than `max_chars`.
    """
    safe = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    safe = unicodedata.normalize("NFC", _CONTROL.sub("", safe))
    if len(safe) > max_chars:
        return safe[:max_chars], True
    return safe, False
