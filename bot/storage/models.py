"""The tables: conversations, their append-only event logs, and the inbox of received messages.

Each entity is a small SQLModel family, after the FastAPI full-stack template: a `*Base`
with the fields a caller may set, the `table=True` class, and a `*Public` shape for reading.
Every datetime is timezone-aware UTC, on SQLite as well as on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints and indexes, so migrations can refer to them on every database
# (SQLite's batch mode needs names to drop or alter a constraint).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A `timestamp with time zone` that always hands back aware UTC datetimes.

    SQLite has no time zones, so values are stored there as naive UTC and made aware on
    the way out; naive datetimes are refused on the way in rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give it a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Plain JSON, not JSONB: PostgreSQL's `json` keeps the text exactly as written (key order,
# "\u0000" and all), and nothing queries inside these documents.
JSONDocument = JSON(none_as_null=True)


class ConversationBase(SQLModel):
    """What identifies a conversation: who talks, over which channel, in which language."""

    sender_id: str = Field(max_length=255, unique=True, index=True)
    channel: str = Field(max_length=64)
    language: str | None = Field(default=None, max_length=16)


class Conversation(ConversationBase, table=True):
    """One sender's conversation; its history is the `Event` log."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    #: The partner site (`models_sites.PartnerSite`) a widget conversation came through.
    partner_site_id: int | None = Field(
        default=None, foreign_key="partner_site.id", ondelete="SET NULL", index=True
    )


class ConversationPublic(ConversationBase):
    """A conversation as the staff console reads it."""

    id: int
    created_at: datetime
    updated_at: datetime
    partner_site_id: int | None = None


class EventBase(SQLModel):
    """One Rasa event at its place in a conversation's log."""

    seq: int = Field(description="Position in the conversation's log, from 0.")
    event_type: str = Field(max_length=64, description='Rasa\'s "event" key: user, bot, slot...')
    timestamp: float = Field(description="Rasa's unix time of the event.")
    data: dict[str, Any] = Field(sa_type=JSONDocument, nullable=False)


class Event(EventBase, table=True):
    """An entry of the append-only event log; (conversation_id, seq) is never written twice."""

    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE", index=True)


class InboxEntry(SQLModel, table=True):
    """A received message, keyed by (channel, message_id), so a redelivery is answered once.

    It holds no message text (the event log has it), only what is needed to recognise the
    message again and to repeat the reply that was given.
    """

    __tablename__ = "inbox_entry"
    __table_args__ = (UniqueConstraint("channel", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=64)
    message_id: str = Field(max_length=255)
    sender_id: str = Field(max_length=255, index=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE", index=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reply: list[dict[str, Any]] | None = Field(default=None, sa_type=JSONDocument)


class CompanyProfile(SQLModel, table=True):
    """The profile an SME confirmed, kept for its later sessions and erased with its data.

    `data` holds only the profile fields the journey asks for (name, country, size, finances,
    needs), keyed by slot name.
    """

    __tablename__ = "company_profile"

    id: int | None = Field(default=None, primary_key=True)
    sender_id: str = Field(max_length=255, unique=True, index=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE", index=True)
    data: dict[str, Any] = Field(sa_type=JSONDocument, nullable=False)
    confirmed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
