"""Storage: conversations, their Rasa event logs and the inbox, on SQLite or PostgreSQL.

The public API is re-exported here; `bot.storage.crud` holds the reads and writes.
"""

from bot.storage.db import is_postgres, make_engine, normalize_url, session
from bot.storage.errors import EventLogConflict, NotFoundError, StorageError
from bot.storage.locks import ConversationLocks
from bot.storage.migrate import upgrade_schema
from bot.storage.models import Conversation, ConversationPublic, Event, InboxEntry

__all__ = [
    "Conversation",
    "ConversationLocks",
    "ConversationPublic",
    "Event",
    "EventLogConflict",
    "InboxEntry",
    "NotFoundError",
    "StorageError",
    "is_postgres",
    "make_engine",
    "normalize_url",
    "session",
    "upgrade_schema",
]
