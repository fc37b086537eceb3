"""A conversation's transcript page: the turns as the user saw them, with what the assistant
understood and did, and the staff's review marks. Each view is audited.

Its route takes the rest of the path as the sender id, so it is added after every other
`/console/conversations/...` route.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.storage import crud, crud_console, crud_staff, session
from bot.web.console import audit
from bot.web.console.auth import StaffDep
from bot.web.console.conversations import transcript_url
from bot.web.console.conversations_transcript import build_turns, staff_ids
from bot.web.console.scope import conversation_or_404
from bot.web.console.templating import render
from bot.web.deps import get_engine

router = APIRouter(prefix="/console/conversations", include_in_schema=False)


@router.get("/{sender_id:path}", response_class=HTMLResponse)
def read_conversation(sender_id: str, request: Request, staff: StaffDep) -> HTMLResponse:
    """The transcript of one conversation, with its review marks and exports."""
    with session(get_engine(request)) as db:
        conversation, conversation_id = conversation_or_404(db, staff, sender_id)
        events = crud.load_events(session=db, conversation_id=conversation_id)
        corrected = crud_console.corrected_intents(session=db, conversation_id=conversation_id)
        summary = crud_console.get_summary(session=db, conversation_id=conversation_id)
        review = crud_console.get_review(session=db, conversation_id=conversation_id)
        audit.record(db, staff, "conversation.view", audit.conversation_target(conversation_id))
        turns = build_turns(events, corrected)
        writers = crud_staff.staff_emails(session=db, staff_ids=staff_ids(turns))
    base = transcript_url(sender_id)
    context = {
        "conversation": conversation,
        "summary": summary,
        "review": review,
        "turns": turns,
        "staff_names": {str(k): v for k, v in writers.items()},
        "base_url": base,
        "erase_url": "/console/conversations/" + quote(sender_id, safe="") + "/erase",
    }
    return render(request, "transcript.html", context)
