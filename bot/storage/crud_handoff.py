"""Reads and writes of handoff requests (a person asked for a member of staff).

Every function works inside the caller's session; the caller commits. `organisation` limits
the rows to conversations that came through a partner site of that organisation (a reviewer
of one organisation), None reads them all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.storage.models import utcnow
from bot.storage.models_handoff import HandoffRequest
from bot.storage.models_sites import PartnerSite


def create_request(
    *,
    session: Session,
    conversation_id: int,
    sender_id: str,
    channel: str,
    partner_site_id: int | None,
    language: str | None,
    summary: dict[str, Any],
    outside_hours: bool,
) -> HandoffRequest:
    """A new open request; an open one of the same conversation is returned instead, so
    asking twice makes one request."""
    existing = open_request_of(session=session, sender_id=sender_id)
    if existing is not None:
        return existing
    request = HandoffRequest(
        conversation_id=conversation_id,
        sender_id=sender_id,
        channel=channel,
        partner_site_id=partner_site_id,
        language=language,
        summary=summary,
        outside_hours=outside_hours,
    )
    session.add(request)
    session.flush()
    return request


def open_request_of(*, session: Session, sender_id: str) -> HandoffRequest | None:
    """The sender's request that is not closed yet, if any."""
    statement = (
        select(HandoffRequest)
        .where(HandoffRequest.sender_id == sender_id, col(HandoffRequest.closed_at).is_(None))
        .order_by(col(HandoffRequest.id).desc())
    )
    return session.exec(statement).first()


def set_contact(*, session: Session, sender_id: str, contact: str) -> bool:
    """Keep a contact on the sender's open request; False when there is none."""
    request = open_request_of(session=session, sender_id=sender_id)
    if request is None:
        return False
    request.contact = contact[:320]
    session.add(request)
    return True


def _scoped(statement: Any, organisation: str | None) -> Any:
    if organisation is None:
        return statement
    sites = select(PartnerSite.id).where(col(PartnerSite.organisation) == organisation)
    return statement.where(col(HandoffRequest.partner_site_id).in_(sites))


def list_requests(
    *, session: Session, organisation: str | None, limit: int = 100
) -> tuple[list[HandoffRequest], list[HandoffRequest]]:
    """The open requests (not taken; oldest first: the longest wait leads) and those taken
    and not closed yet (most recently taken first)."""
    waiting = _scoped(
        select(HandoffRequest)
        .where(col(HandoffRequest.closed_at).is_(None), col(HandoffRequest.taken_at).is_(None))
        .order_by(col(HandoffRequest.created_at), col(HandoffRequest.id))
        .limit(limit),
        organisation,
    )
    taken = _scoped(
        select(HandoffRequest)
        .where(col(HandoffRequest.closed_at).is_(None), col(HandoffRequest.taken_at).is_not(None))
        .order_by(col(HandoffRequest.taken_at).desc(), col(HandoffRequest.id).desc())
        .limit(limit),
        organisation,
    )
    return list(session.exec(waiting).all()), list(session.exec(taken).all())


def get_request(
    *, session: Session, request_id: int, organisation: str | None
) -> HandoffRequest | None:
    """One request, if within the organisation's scope."""
    statement = _scoped(select(HandoffRequest).where(HandoffRequest.id == request_id), organisation)
    found: HandoffRequest | None = session.exec(statement).first()
    return found


def take(*, session: Session, request_id: int, staff_id: int) -> bool:
    """Take an open request; False when it was taken or closed already. One conditional
    UPDATE, so of two staff taking the same request at once exactly one gets it."""
    statement = (
        update(HandoffRequest)
        .where(
            col(HandoffRequest.id) == request_id,
            col(HandoffRequest.taken_at).is_(None),
            col(HandoffRequest.closed_at).is_(None),
        )
        .values(taken_at=utcnow(), taken_by=staff_id)
    )
    taken = bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    session.expire_all()
    return taken


def close(*, session: Session, request: HandoffRequest, at: datetime | None = None) -> bool:
    """Close a request (handed back); False when it was closed already."""
    if request.closed_at is not None:
        return False
    request.closed_at = at or utcnow()
    session.add(request)
    return True
