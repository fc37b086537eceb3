"""Full-text search over user messages, the same question on SQLite and on PostgreSQL.

The messages are in `conversation_text` (folded: lower case, no accents). SQLite indexes
them with an FTS5 table over that table (`conversation_text_fts`, kept by triggers);
PostgreSQL with a GIN index on `to_tsvector('simple', text)`. Both are created by migration
0008. Each word of a query matches as a prefix, and a message must hold all of them; a query
that is a sender id finds that conversation.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    column,
    false,
    func,
    literal_column,
    select,
    table,
    text,
    union,
)

from bot.storage.models_console import ConversationSummary, ConversationText
from nlu.entities.text import fold

FTS_TABLE = "conversation_text_fts"
PG_INDEX = "ix_conversation_text_document"
#: Objects the migrations create that the models cannot describe (the schema check skips them).
UNMAPPED = frozenset(
    {
        FTS_TABLE,
        *(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config", "content")),
    }
    | {PG_INDEX}
)
_SUMMARY = ConversationSummary.__table__  # type: ignore[attr-defined]
_TEXT = ConversationText.__table__  # type: ignore[attr-defined]
_FTS = table(FTS_TABLE, column("rowid"))
_WORD = re.compile(r"\w+")
#: At most this many words of a query count (a longer one only narrows further).
MAX_WORDS = 8


def query_words(query: str) -> list[str]:
    """The words of a search query, folded like the indexed text."""
    return _WORD.findall(fold(query))[:MAX_WORDS]


def matching_conversations(query: str, dialect: str) -> ColumnElement[bool]:
    """A condition on `conversation_summary` that holds for the conversation whose sender id
    is `query` and those one of whose messages holds every word of it.

    One `IN` over the union of both (each found by its own index), not an `OR` of two
    conditions, which would make the database walk every row.
    """
    sender = query.strip()
    if not sender:
        return false()  # type: ignore[no-any-return]
    ids = select(_SUMMARY.c.conversation_id).where(_SUMMARY.c.sender_id == sender)
    words = query_words(query)
    if words:
        ids = union(ids, _conversations_saying(words, dialect))  # type: ignore[assignment]
    return _SUMMARY.c.conversation_id.in_(ids)  # type: ignore[no-any-return]


def _conversations_saying(words: list[str], dialect: str) -> Any:
    """The conversation ids of the messages holding every word (each as a prefix)."""
    if dialect == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        document = func.to_tsvector(literal_column("'simple'"), _TEXT.c.text)
        return select(_TEXT.c.conversation_id).where(
            document.op("@@")(func.to_tsquery(literal_column("'simple'"), query))
        )
    match = " AND ".join(f'"{word}"*' for word in words)
    rowids = select(_FTS.c.rowid).where(
        text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=match)
    )
    return select(_TEXT.c.conversation_id).where(_TEXT.c.id.in_(rowids))


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: leave out the search index objects the models do not describe."""
    return name not in UNMAPPED
