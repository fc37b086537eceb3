"""A person in the same chat: the requests waiting for staff, taking one, replying into the
conversation and handing it back to the assistant.

Scoped like conversations: a reviewer limited to an organisation sees the requests of the
conversations that came through its sites; any other id answers 404. A reply is stored in
the conversation's event log as a `bot` event whose metadata names the staff account
(`{"staff": <id>}`), then delivered on the conversation's channel through the agent's
outbound port; handing back appends Rasa's `resume` and the journey goes on. Taking,
replying and handing back are audited by the request's number, never with the text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.storage import crud, crud_handoff, crud_staff, session
from bot.storage.models import utcnow
from bot.storage.models_handoff import HandoffRequest
from bot.web.console import audit
from bot.web.console.auth import ConsoleError, CsrfDep, Staff, StaffDep, not_found
from bot.web.console.conversations import transcript_url
from bot.web.console.conversations_transcript import build_turns, staff_ids
from bot.web.console.masking import mask_personal
from bot.web.console.scope import limited_to
from bot.web.console.templating import render
from bot.web.deps import get_agent, get_engine

router = APIRouter(prefix="/console/handoffs", include_in_schema=False)

#: The longest staff reply, as the widget and Telegram show it comfortably.
MAX_REPLY_CHARS: Final = 4000


def target(request_id: int) -> str:
    """A handoff request as an audit target."""
    return f"handoff:{request_id}"


def waited(since: datetime, now: datetime | None = None) -> str:
    """A waiting time as staff read it: `4 min`, `2 h 05 min`, `3 d 4 h`."""
    minutes = max(0, int(((now or utcnow()) - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def _row(request: HandoffRequest, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": request.id,
        "created_at": request.created_at,
        "waited": waited(request.created_at),
        "channel": request.channel,
        "language": request.language,
        "summary": {k: mask_personal(str(v)) for k, v in request.summary.items()},
        "outside_hours": request.outside_hours,
        "has_contact": request.contact is not None,
        "taken_by": names.get(request.taken_by or 0),
        "sender_id": request.sender_id,
    }


def _list(request: Request, staff: Staff) -> dict[str, Any]:
    with session(get_engine(request)) as db:
        waiting, taken = crud_handoff.list_requests(session=db, organisation=limited_to(staff))
        ids = [r.taken_by for r in taken if r.taken_by is not None]
        names = crud_staff.staff_emails(session=db, staff_ids=ids)
    return {
        "waiting": [_row(r, names) for r in waiting],
        "taken": [_row(r, names) for r in taken],
    }


@router.get("")
async def read_handoffs(request: Request, staff: StaffDep) -> Response:
    """The requests waiting for a person (the longest wait first), and those being answered."""
    context = await run_in_threadpool(_list, request, staff)
    return render(request, "handoffs.html", context)


def _found(request: Request, staff: Staff, request_id: int) -> HandoffRequest:
    with session(get_engine(request)) as db:
        found = crud_handoff.get_request(
            session=db, request_id=request_id, organisation=limited_to(staff)
        )
    if found is None:
        raise not_found()
    return found


def _detail(request: Request, staff: Staff, request_id: int) -> dict[str, Any]:
    handoff = _found(request, staff, request_id)
    with session(get_engine(request)) as db:
        events = crud.load_events(session=db, conversation_id=handoff.conversation_id)
        turns = build_turns(events)
        writers = crud_staff.staff_emails(
            session=db, staff_ids=[*staff_ids(turns), handoff.taken_by or 0]
        )
        audit.record(db, staff, "handoff.view", target(request_id))
    return {
        "handoff": handoff,
        "row": _row(handoff, writers),
        "turns": turns,
        "staff_names": {str(k): v for k, v in writers.items()},
        "transcript_url": transcript_url(handoff.sender_id),
        "mine": handoff.taken_by == staff.id,
        "admin": staff.is_admin,
        "max_reply": MAX_REPLY_CHARS,
    }


@router.get("/{request_id}")
async def read_handoff(
    request: Request, request_id: int, staff: StaffDep, error: str | None = None
) -> Response:
    """One request: the summary, the conversation so far, and the forms to take it, reply
    and hand it back."""
    context = await run_in_threadpool(_detail, request, staff, request_id)
    return render(request, "handoff.html", {**context, "error": error})


def _redirect(request_id: int, error: str | None = None) -> RedirectResponse:
    suffix = f"?error={error}" if error else ""
    return RedirectResponse(f"/console/handoffs/{request_id}{suffix}", status_code=303)


def _take(request: Request, staff: Staff, request_id: int) -> bool:
    _found(request, staff, request_id)
    with session(get_engine(request)) as db:
        taken = crud_handoff.take(session=db, request_id=request_id, staff_id=staff.id)
        if taken:
            audit.record(db, staff, "handoff.take", target(request_id))
    return taken


@router.post("/{request_id}/take")
async def take_handoff(
    request: Request, request_id: int, staff: StaffDep, _csrf: CsrfDep
) -> Response:
    """Take a waiting request: this member of staff answers it from now on."""
    taken = await run_in_threadpool(_take, request, staff, request_id)
    return _redirect(request_id, None if taken else "taken")


def _answering(request: Request, staff: Staff, request_id: int) -> HandoffRequest:
    """The request, if open and taken by this member of staff.

    Raises:
        ConsoleError: 409 when it is not (someone else has it, or it was handed back).
    """
    handoff = _found(request, staff, request_id)
    if handoff.closed_at is not None or handoff.taken_by != staff.id:
        raise ConsoleError(409, "conflict", "handoff_not_yours", "take the request first")
    return handoff


def _closable(request: Request, staff: Staff, request_id: int) -> HandoffRequest:
    """The request, if open and taken by this member of staff, or taken by anyone when this
    is an admin: a request whose taker has left must not keep a conversation silent.

    Raises:
        ConsoleError: 409 when it may not be handed back by this member of staff.
    """
    handoff = _found(request, staff, request_id)
    if handoff.closed_at is None and handoff.taken_by is not None and staff.is_admin:
        return handoff
    return _answering(request, staff, request_id)


def _record(request: Request, staff: Staff, action: str, request_id: int) -> None:
    with session(get_engine(request)) as db:
        audit.record(db, staff, action, target(request_id))


@router.post("/{request_id}/reply")
async def create_reply(
    request: Request,
    request_id: int,
    staff: StaffDep,
    _csrf: CsrfDep,
    text: Annotated[str, Form(min_length=1, max_length=MAX_REPLY_CHARS)],
) -> Response:
    """Write into the conversation: stored as a bot event naming this member of staff, then
    delivered on the conversation's channel."""
    handoff = await run_in_threadpool(_answering, request, staff, request_id)
    if not text.strip():
        return _redirect(request_id, "empty")
    event = {"event": "bot", "text": text.strip(), "metadata": {"staff": staff.id}}
    appended = await get_agent(request).append_events(handoff.sender_id, [event])
    if appended is None:  # erased meanwhile
        raise not_found()
    await run_in_threadpool(_record, request, staff, "handoff.reply", request_id)
    return _redirect(request_id)


def _close(request: Request, staff: Staff, request_id: int) -> None:
    with session(get_engine(request)) as db:
        found = crud_handoff.get_request(
            session=db, request_id=request_id, organisation=limited_to(staff)
        )
        if found is not None and crud_handoff.close(session=db, request=found):
            audit.record(db, staff, "handoff.close", target(request_id))


@router.post("/{request_id}/close")
async def close_handoff(
    request: Request, request_id: int, staff: StaffDep, _csrf: CsrfDep
) -> Response:
    """Hand the conversation back to the assistant: `resume`, and the journey goes on."""
    handoff = await run_in_threadpool(_closable, request, staff, request_id)
    await get_agent(request).hand_back(handoff.sender_id)
    await run_in_threadpool(_close, request, staff, request_id)
    return RedirectResponse("/console/handoffs", status_code=303)
