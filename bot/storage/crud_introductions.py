"""Introduction requests as staff follow them up: lists by status, one request with its
partner and history, status changes and notes.

A request's status moves new ("pending", as the dialogue stores it) → contacted → met →
closed, or to declined from any open status. A reviewer limited to an organisation sees only
requests whose sender's conversation came through a partner site of that organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlmodel import Session, col, select

from bot.storage.errors import NotFoundError
from bot.storage.models import Conversation
from bot.storage.models_partners import IntroductionRequest, Organisation
from bot.storage.models_sites import PartnerSite
from bot.storage.models_staff import IntroductionNote, StaffAccount

#: The statuses staff set, in the order a request moves through them.
STATUSES: Final = ("pending", "contacted", "met", "closed", "declined")
#: The statuses a request may move to from each status.
TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    "pending": ("contacted", "declined"),
    "contacted": ("met", "closed", "declined"),
    "met": ("closed", "declined"),
    "closed": (),
    "declined": (),
}
#: Statuses the dialogue or earlier versions may have stored; open to every staff status.
_OTHER_NEXT: Final = ("contacted", "met", "closed", "declined")


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a request may move to from `status`."""
    return TRANSITIONS.get(status, _OTHER_NEXT)


@dataclass(frozen=True)
class IntroductionRow:
    """One line of the list: the request, its partner's name and the conversation's channel."""

    request: IntroductionRequest
    partner_name: str
    partner_ref: str


@dataclass(frozen=True)
class HistoryEntry:
    """A note or status change, with who made it (None: an account since deleted)."""

    note: IntroductionNote
    author: str | None


def _scoped(statement: Any, organisation: str | None) -> Any:
    """`statement` limited to requests whose sender's conversation came through a site of
    `organisation` (None: no limit)."""
    if organisation is None:
        return statement
    senders = (
        select(Conversation.sender_id)
        .join(PartnerSite, col(PartnerSite.id) == col(Conversation.partner_site_id))
        .where(col(PartnerSite.organisation) == organisation)
    )
    return statement.where(col(IntroductionRequest.sender_id).in_(senders))


def list_introductions(
    *,
    session: Session,
    organisation: str | None,
    status: str | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[IntroductionRow]:
    """A page of introduction requests, newest first.

    Args:
        session: The database session.
        organisation: Only requests of conversations from this organisation's sites
            (None: all).
        status: Only requests with this status.
        limit: At most this many.
        before_id: Only requests older than this one (the next page).

    Returns:
        The rows, each with its partner's name and ref.
    """
    statement = (
        select(IntroductionRequest, Organisation.name, Organisation.ref)
        .join(Organisation, col(Organisation.id) == col(IntroductionRequest.organisation_id))
        .order_by(col(IntroductionRequest.id).desc())
        .limit(limit)
    )
    if status:
        statement = statement.where(col(IntroductionRequest.status) == status)
    if before_id is not None:
        statement = statement.where(col(IntroductionRequest.id) < before_id)
    statement = _scoped(statement, organisation)
    return [IntroductionRow(request, name, ref) for request, name, ref in session.exec(statement)]


def get_introduction(
    *, session: Session, introduction_id: int, organisation: str | None
) -> tuple[IntroductionRequest, Organisation] | None:
    """One request with its partner organisation, if it exists within the scope."""
    statement = (
        select(IntroductionRequest, Organisation)
        .join(Organisation, col(Organisation.id) == col(IntroductionRequest.organisation_id))
        .where(col(IntroductionRequest.id) == introduction_id)
    )
    found = session.exec(_scoped(statement, organisation)).first()
    return (found[0], found[1]) if found is not None else None


def introduction_history(*, session: Session, introduction_id: int) -> list[HistoryEntry]:
    """A request's notes and status changes, oldest first."""
    statement = (
        select(IntroductionNote, StaffAccount.email)
        .join(StaffAccount, col(StaffAccount.id) == col(IntroductionNote.staff_id), isouter=True)
        .where(col(IntroductionNote.introduction_id) == introduction_id)
        .order_by(col(IntroductionNote.id))
    )
    return [HistoryEntry(note, email) for note, email in session.exec(statement)]


def update_introduction(
    *,
    session: Session,
    introduction_id: int,
    staff_id: int | None,
    status: str | None,
    note: str | None,
    now: datetime | None = None,
) -> IntroductionNote | None:
    """Move a request to `status` and/or add a note; None when there was nothing to do.

    Args:
        session: The database session.
        introduction_id: The request.
        staff_id: Who made the change.
        status: The new status (None or the current one: unchanged).
        note: A note to keep with the request (blank: none).
        now: The time of the change (default: now).

    Returns:
        The history entry written, or None.

    Raises:
        NotFoundError: No request has this id.
        ValueError: The request may not move to `status`.
    """
    request = session.get(IntroductionRequest, introduction_id)
    if request is None:
        raise NotFoundError(f"no introduction request {introduction_id}")
    changed = status is not None and status != request.status
    if changed and status not in next_statuses(request.status):
        raise ValueError(f"a {request.status} request cannot become {status}")
    text = (note or "").strip() or None
    if not changed and text is None:
        return None
    entry = IntroductionNote(
        introduction_id=introduction_id,
        staff_id=staff_id,
        text=text,
        from_status=request.status if changed else None,
        to_status=status if changed else None,
    )
    if now is not None:
        entry.at = now
    if changed:
        request.status = str(status)
        session.add(request)
    session.add(entry)
    session.flush()
    return entry
