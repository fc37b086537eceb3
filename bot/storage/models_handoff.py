"""Handoff requests: a person asked to talk to a member of staff in the same chat.

A request is open until a member of staff takes it (`taken_at`, `taken_by`) and closed when
the conversation is handed back to the assistant (`closed_at`). It keeps only what the
console's list needs: where the conversation is (sender id, channel, partner site), a short
summary made from the profile slots, and a contact the person may leave outside staffed
hours. Message text stays in the event log; the request hangs off its conversation and is
deleted with the sender's data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.storage.models import JSONDocument, UTCDateTime, utcnow


class HandoffRequest(SQLModel, table=True):
    """One request for a person, from the moment it is made until it is handed back."""

    __tablename__ = "handoff_request"
    __table_args__ = (Index("ix_handoff_request_open", "closed_at", "taken_at", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE", index=True)
    sender_id: str = Field(max_length=255, index=True)
    channel: str = Field(max_length=64)
    partner_site_id: int | None = Field(
        default=None, foreign_key="partner_site.id", ondelete="SET NULL", index=True
    )
    language: str | None = Field(default=None, max_length=16)
    #: Profile slots known when the request was made (company, country, sector, size...).
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument, nullable=False)
    #: Made outside the staffed hours of the conversation's organisation.
    outside_hours: bool = False
    #: An e-mail address or phone number the person left for staff to reach them.
    contact: str | None = Field(default=None, max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    taken_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The staff account that took the request (kept as a number: accounts may go).
    taken_by: int | None = Field(default=None)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
