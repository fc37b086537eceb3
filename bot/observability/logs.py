"""Log records that cannot forge log lines, as text (default) or JSON, with the request id.

Whatever a client sends may end up in a log record: a sender id, a message id, a path. A
newline in it would start what looks like a record of its own, so every control character
and line separator is escaped in the rendered record: C0 and C1 controls (U+0085 included),
DEL, U+2028 and U+2029. A traceback keeps its line breaks, each continuation line indented,
so a line that starts at column 0 is always the start of a real record.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["text", "json"]

#: The id of the HTTP request being handled (set by the web layer), for every record.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
CONTINUATION = "    "


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def escape_controls(text: str) -> str:
    """`text` with every control character and line separator written as an escape."""
    return _UNSAFE.sub(_escape_one, text)


def has_controls(text: str) -> bool:
    """Whether `text` holds a control character or a line separator (unsafe in an id)."""
    return _UNSAFE.search(text) is not None


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-") on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class SafeTextFormatter(logging.Formatter):
    """One line per record, controls escaped; tracebacks indented under it."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        return escape_controls(super().formatMessage(record))

    def formatException(self, ei: object) -> str:  # noqa: N802 - logging's name
        return _indented(super().formatException(ei))  # type: ignore[arg-type]

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return _indented(super().formatStack(stack_info))


def _indented(block: str) -> str:
    """A multi-line block with its controls escaped but its line breaks kept, each line
    indented so none can pass for the start of a record."""
    lines = _UNSAFE_BUT_NEWLINE.sub(_escape_one, block).split("\n")
    return "\n".join(CONTINUATION + line for line in lines)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception.

    `json.dumps` with ASCII output escapes every control character and line separator.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=True, default=str)


def make_handler(log_format: LogFormat = "text") -> logging.Handler:
    """A stderr handler rendering records safely in `log_format`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else SafeTextFormatter(TEXT_FORMAT)
    )
    return handler


#: Libraries whose INFO records tell of their own set-up or of every request, not of the
#: assistant's work: alembic's plugins and migration context, spaCy's vocabulary, rasa-sdk's
#: registered actions and slots it did not find, httpx's requests (a Telegram request's URL
#: holds the bot's token).
CHATTY_LIBRARIES = ("alembic", "spacy", "rasa_sdk", "httpx", "httpcore")


def configure_logging(
    level: str | int, log_format: LogFormat = "text", *, libraries_level: str | int | None = None
) -> None:
    """Send all records (the server's own included) through one safe handler on the root.

    Args:
        level: the root's level, so the least severe record shown.
        log_format: "text" or "json".
        libraries_level: the level of `CHATTY_LIBRARIES` (``"WARNING"`` hides their set-up
            chatter); None lets them follow the root. Any handler of their own is removed
            either way, since their records reach the root's handler too and would show twice.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.addHandler(make_handler(log_format))
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in CHATTY_LIBRARIES:
        library = logging.getLogger(name)
        for handler in list(library.handlers):
            library.removeHandler(handler)
        library.propagate = True
        if libraries_level is None:
            library.setLevel(logging.NOTSET)
        else:
            library.setLevel(
                libraries_level.upper() if isinstance(libraries_level, str) else libraries_level
            )
