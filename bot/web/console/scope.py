"""Which conversations a staff member may see: admins all; a reviewer with an organisation
only those that came through a partner site of that organisation; a reviewer without one all.

Rows outside the scope are answered as if they did not exist (404), so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from bot.storage.models import Conversation
from bot.storage.models_sites import PartnerSite
from bot.web.console.auth import Staff, not_found


def limited_to(staff: Staff) -> str | None:
    """The organisation `staff` is limited to, or None when it sees every conversation."""
    return None if staff.is_admin else staff.organisation


def scope_condition(staff: Staff) -> Any | None:
    """A condition on `Conversation` for the rows `staff` may see (None: no limit).

    Use it as ``statement.where(condition)`` when not None.
    """
    organisation = limited_to(staff)
    if organisation is None:
        return None
    sites = select(PartnerSite.id).where(col(PartnerSite.organisation) == organisation)
    return col(Conversation.partner_site_id).in_(sites)


def conversation_in_scope(session: Session, staff: Staff, sender_id: str) -> Conversation | None:
    """The sender's conversation if `staff` may see it, else None."""
    statement = select(Conversation).where(Conversation.sender_id == sender_id)
    condition = scope_condition(staff)
    if condition is not None:
        statement = statement.where(condition)
    return session.exec(statement).first()


def conversation_or_404(session: Session, staff: Staff, sender_id: str) -> tuple[Conversation, int]:
    """The sender's conversation and its id if `staff` may see it.

    Raises:
        ConsoleError: 404, the same for a conversation outside the scope as for none at all.
    """
    conversation = conversation_in_scope(session, staff, sender_id)
    if conversation is None or conversation.id is None:
        raise not_found()
    return conversation, conversation.id
