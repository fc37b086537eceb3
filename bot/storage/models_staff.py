"""The staff console's tables: accounts, sessions, the audit log, sign-in failures and the
notes and status changes of introduction requests.

Nothing here holds a secret that could be replayed: an account keeps only its argon2 hash,
a session only the SHA-256 of its cookie's token, a sign-in failure only the SHA-256 of the
address or account it counts against. Audit records name their target by an opaque key
(a number or a hash), never by personal data, so the log may outlive an erasure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.storage.models import JSONDocument, UTCDateTime, utcnow

ROLES: Final = ("admin", "reviewer")


class StaffAccount(SQLModel, table=True):
    """A person who may sign in to the console; `organisation` limits a reviewer's view."""

    __tablename__ = "staff_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True, description="Lower case.")
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    organisation: str | None = Field(default=None, max_length=200)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StaffSession(SQLModel, table=True):
    """A signed-in browser: found by the hash of its cookie's token, never the token."""

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    staff_id: int = Field(foreign_key="staff_account.id", ondelete="CASCADE", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class AuditRecord(SQLModel, table=True):
    """One staff action; `target` and `details` never hold personal data."""

    __tablename__ = "audit_record"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    staff_id: int | None = Field(
        default=None, foreign_key="staff_account.id", ondelete="SET NULL", index=True
    )
    action: str = Field(max_length=64, index=True)
    target: str | None = Field(default=None, max_length=128)
    details: dict[str, Any] | None = Field(default=None, sa_type=JSONDocument)


class LoginFailure(SQLModel, table=True):
    """A failed sign-in, counted against `key` (a hash of an account or an address), so the
    throttle holds across worker processes and restarts."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class IntroductionNote(SQLModel, table=True):
    """A staff note on an introduction request, or a change of its status (or both).

    Deleted with its request (explicitly by the erasure, and by the foreign key).
    """

    __tablename__ = "introduction_note"

    id: int | None = Field(default=None, primary_key=True)
    introduction_id: int = Field(
        foreign_key="introduction_request.id", ondelete="CASCADE", index=True
    )
    staff_id: int | None = Field(default=None, foreign_key="staff_account.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    text: str | None = Field(default=None, max_length=4000)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
