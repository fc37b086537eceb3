"""The console's audit log: what staff did, to what, never with personal data.

A conversation is named by `conversation_target` (its numeric id), or, once erased, by
`opaque_target` (a salted hash that cannot be turned back into the sender id).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlmodel import Session

from bot.storage import crud_staff
from bot.storage.models_staff import AuditRecord
from bot.web.console.auth import Staff


def record(
    session: Session,
    staff: Staff | None,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append an audit record in the caller's unit of work (so it commits with the action)."""
    return crud_staff.add_audit_record(
        session=session,
        staff_id=staff.id if staff is not None else None,
        action=action,
        target=target,
        details=details,
    )


def conversation_target(conversation_id: int | None) -> str:
    """A conversation as an audit target: its numeric id."""
    return f"conversation:{conversation_id}"


def opaque_target(kind: str, value: str) -> str:
    """An opaque audit target for something that must not be named (an erased sender).

    The hash is salted with random bytes that are kept nowhere, so not even someone holding
    the sender id can find its record: the log shows that an erasure happened, not whose.
    """
    salt = secrets.token_bytes(16)
    digest = hashlib.sha256(salt + f"{kind}:{value}".encode("utf-8", "surrogatepass"))
    return f"{kind}:{digest.hexdigest()[:32]}"
