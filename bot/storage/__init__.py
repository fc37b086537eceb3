"""Storage: conversations, their Rasa event logs and the inbox, on SQLite or PostgreSQL.

The public API is re-exported here; `bot.storage.crud` holds the reads and writes.
"""

from typing import Any

from bot.storage.db import is_postgres, make_engine, normalize_url, session
from bot.storage.errors import EventLogConflict, NotFoundError, StorageError
from bot.storage.locks import ConversationLocks
from bot.storage.models import Conversation, ConversationPublic, Event, InboxEntry
from bot.storage.models_sites import PartnerSite, PartnerSitePublic
from bot.storage.models_staff import AuditRecord, StaffAccount, StaffSession

__all__ = [
    "AuditRecord",
    "Conversation",
    "ConversationLocks",
    "ConversationPublic",
    "Event",
    "EventLogConflict",
    "InboxEntry",
    "NotFoundError",
    "PartnerSite",
    "PartnerSitePublic",
    "StaffAccount",
    "StaffSession",
    "StorageError",
    "is_postgres",
    "make_engine",
    "normalize_url",
    "session",
    "upgrade_schema",
]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `python -m bot.storage.migrate` does not import itself twice.
    if name == "upgrade_schema":
        from bot.storage.migrate import upgrade_schema

        return upgrade_schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
