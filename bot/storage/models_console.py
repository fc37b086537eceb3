"""The staff console's tables: a summary per conversation, its searchable text, the staff's
review of it, and the NLU inbox's annotations.

The summary and the text are views of the event log kept up to date as events are appended
(`bot.storage.summary`), so the console lists 100,000 conversations without reading a log.
Every row hangs off its conversation (ON DELETE CASCADE) and is also deleted explicitly with
the sender's data, so an erasure leaves nothing here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.models import JSONDocument, UTCDateTime, utcnow

#: The verdicts of the eligibility check, as its responses name them (`utter_voucher_<v>`).
VERDICTS = ("eligible", "not_eligible", "needs_info")
#: The states of an NLU inbox entry.
ANNOTATION_STATUSES = ("new", "accepted", "rejected")


class ConversationSummary(SQLModel, table=True):
    """What the console's list shows and filters on, one row per conversation."""

    __tablename__ = "conversation_summary"
    __table_args__ = (Index("ix_conversation_summary_recent", "last_at", "conversation_id"),)

    conversation_id: int = Field(
        primary_key=True, foreign_key="conversation.id", ondelete="CASCADE"
    )
    sender_id: str = Field(max_length=255, index=True)
    channel: str = Field(max_length=64, index=True)
    language: str | None = Field(default=None, max_length=16, index=True)
    first_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    last_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    user_messages: int = 0
    #: The first message a person typed (not a button), as written, cut to 200 characters.
    preview: str | None = Field(default=None, max_length=200)
    #: A confirmed profile was saved.
    profiled: bool = False
    #: The last verdict given (one of `VERDICTS`), or None.
    verdict: str | None = Field(default=None, max_length=32, index=True)
    partners_shown: bool = False
    introduction_requested: bool = False
    #: The NLU fell back, or the fallback action ran.
    fallback: bool = False
    #: The user asked to talk to a person.
    handed_over: bool = False


class ConversationText(SQLModel, table=True):
    """A user message's text, case- and accent-folded, for full-text search.

    On SQLite an FTS5 index mirrors this table (kept by triggers); on PostgreSQL a GIN index
    on its `tsvector` does the same (see `bot.storage.search`).
    """

    __tablename__ = "conversation_text"

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE", index=True)
    seq: int
    text: str


class ConversationReview(SQLModel, table=True):
    """The staff's marks on a conversation: notes, reviewed, flagged, and who set them last."""

    __tablename__ = "conversation_review"

    conversation_id: int = Field(
        primary_key=True, foreign_key="conversation.id", ondelete="CASCADE"
    )
    notes: str = Field(default="", max_length=10_000)
    reviewed: bool = Field(default=False, index=True)
    flagged: bool = Field(default=False, index=True)
    updated_by: int | None = Field(default=None)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ConversationTag(SQLModel, table=True):
    """One tag a member of staff put on a conversation."""

    __tablename__ = "conversation_tag"
    __table_args__ = (UniqueConstraint("conversation_id", "tag"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE", index=True)
    tag: str = Field(max_length=64, index=True)


class NluAnnotation(SQLModel, table=True):
    """A user message the NLU was unsure of, and what staff said it meant.

    Entered when the message fell back; `status` goes from "new" to "accepted" (with
    `accepted_intent` and `entities`) or "rejected". `text_key` groups similar messages.
    """

    __tablename__ = "nlu_annotation"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE", index=True)
    seq: int
    text: str = Field(max_length=10_000)
    text_key: str = Field(max_length=10_000, index=True)
    language: str = Field(max_length=16)
    predicted_intent: str | None = Field(default=None, max_length=128)
    confidence: float = 0.0
    accepted_intent: str | None = Field(default=None, max_length=128)
    entities: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONDocument)
    status: str = Field(default="new", max_length=16, index=True)
    updated_by: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
