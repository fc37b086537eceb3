"""Erasing a user from the console (admins only): a confirmation page, then the erasure.

The erasure is the application's one erasure (`Agent.erase_sender_data`: conversation, event
log, inbox, profile, introduction requests with their notes, listings), run under the
conversation's lock so it cannot interleave with a turn. The confirmation asks for the
conversation id to be typed, so a slip of the mouse erases nothing. The audit record names
no one: its target is a salted hash that cannot be traced back.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bot.storage import Conversation, session
from bot.web.console import audit
from bot.web.console.auth import AdminDep, CsrfDep, Staff, not_found
from bot.web.console.scope import conversation_in_scope
from bot.web.console.templating import render
from bot.web.deps import get_agent, get_engine

router = APIRouter(prefix="/console/conversations", include_in_schema=False)


def _conversation(request: Request, staff: Staff, sender_id: str) -> Conversation:
    with session(get_engine(request)) as db:
        conversation = conversation_in_scope(db, staff, sender_id)
    if conversation is None:
        raise not_found()
    return conversation


@router.get("/{sender_id:path}/erase")
async def read_erase(request: Request, sender_id: str, staff: AdminDep) -> Response:
    """The confirmation page of an erasure."""
    conversation = await run_in_threadpool(_conversation, request, staff, sender_id)
    return render(request, "erase.html", {"conversation": conversation, "mismatch": False})


def _record(request: Request, staff: Staff, sender_id: str, channel: str, rows: int) -> None:
    with session(get_engine(request)) as db:
        target = audit.opaque_target("sender", sender_id)
        audit.record(db, staff, "erase", target, {"channel": channel, "rows": rows})


@router.post("/{sender_id:path}/erase")
async def delete_conversation(
    request: Request,
    sender_id: str,
    staff: AdminDep,
    _csrf: CsrfDep,
    confirm: Annotated[str, Form(max_length=512)] = "",
) -> Response:
    """Erase everything stored about the sender, once its id has been typed to confirm."""
    conversation = await run_in_threadpool(_conversation, request, staff, sender_id)
    if confirm.strip() != sender_id:
        context = {"conversation": conversation, "mismatch": True}
        return render(request, "erase.html", context, status_code=422)
    rows = await get_agent(request).erase_sender_data(sender_id)
    await run_in_threadpool(_record, request, staff, sender_id, conversation.channel, rows)
    return render(request, "erased.html", {})
