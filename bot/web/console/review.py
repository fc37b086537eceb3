"""Staff marks on a conversation: notes, the reviewed mark, the flag and tags, each a form
post with the session's CSRF token, audited (without the notes' text)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from bot.storage import crud_console, session
from bot.web.console import audit
from bot.web.console.auth import CsrfDep, StaffDep
from bot.web.console.conversations import transcript_url
from bot.web.console.scope import conversation_or_404
from bot.web.deps import get_engine

router = APIRouter(prefix="/console/conversations", include_in_schema=False)

MAX_NOTES_CHARS = 10_000


def _back(sender_id: str) -> RedirectResponse:
    return RedirectResponse(transcript_url(sender_id) + "#review", status_code=303)


@router.post("/{sender_id:path}/review")
def update_review(
    sender_id: str,
    request: Request,
    staff: StaffDep,
    _csrf: CsrfDep,
    notes: Annotated[str, Form(max_length=MAX_NOTES_CHARS)] = "",
    reviewed: Annotated[bool, Form()] = False,
    flagged: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    """Save the conversation's notes, reviewed mark and flag."""
    with session(get_engine(request)) as db:
        _, conversation_id = conversation_or_404(db, staff, sender_id)
        before = crud_console.get_review(session=db, conversation_id=conversation_id)
        crud_console.set_review(
            session=db,
            conversation_id=conversation_id,
            staff_id=staff.id,
            notes=notes,
            reviewed=reviewed,
            flagged=flagged,
        )
        details = {"reviewed": reviewed, "flagged": flagged, "notes_changed": notes != before.notes}
        audit.record(
            db, staff, "conversation.review", audit.conversation_target(conversation_id), details
        )
    return _back(sender_id)


@router.post("/{sender_id:path}/tags")
def update_tags(
    sender_id: str,
    request: Request,
    staff: StaffDep,
    _csrf: CsrfDep,
    tag: Annotated[str, Form(max_length=200)],
    remove: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    """Add a tag to the conversation, or take one off."""
    with session(get_engine(request)) as db:
        _, conversation_id = conversation_or_404(db, staff, sender_id)
        change = crud_console.remove_tag if remove else crud_console.add_tag
        if change(session=db, conversation_id=conversation_id, tag=tag):
            action = "conversation.untag" if remove else "conversation.tag"
            details = {"tag": crud_console.clean_tag(tag)}
            audit.record(db, staff, action, audit.conversation_target(conversation_id), details)
    return _back(sender_id)
