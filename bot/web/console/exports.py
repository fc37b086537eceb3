"""A conversation's exports: a Rasa test story (YAML) and its event log (JSON), audited.

The story carries the intents staff corrected in the NLU inbox, so a relabelled message
replays with its right intent under `s3bot test stories`.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.storage import crud, crud_console, session
from bot.web.console import audit
from bot.web.console.auth import StaffDep
from bot.web.console.exports_formats import story_steps, story_yaml
from bot.web.console.scope import conversation_or_404
from bot.web.deps import get_agent, get_engine

router = APIRouter(prefix="/console/conversations", include_in_schema=False)


def _download(body: str, media_type: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/{sender_id:path}/export.yml")
def export_story(sender_id: str, request: Request, staff: StaffDep) -> Response:
    """The conversation as a Rasa test story, with the intents staff corrected."""
    with session(get_engine(request)) as db:
        conversation, conversation_id = conversation_or_404(db, staff, sender_id)
        events = crud.load_events(session=db, conversation_id=conversation_id)
        corrected = crud_console.corrected_intents(session=db, conversation_id=conversation_id)
        audit.record(
            db,
            staff,
            "conversation.export",
            audit.conversation_target(conversation_id),
            {"format": "yml"},
        )
    steps = story_steps(events, get_agent(request).domain, corrected)
    body = story_yaml(f"conversation {conversation.id}", steps)
    return _download(body, "application/yaml", f"conversation-{conversation.id}.yml")


@router.get("/{sender_id:path}/export.json")
def export_json(sender_id: str, request: Request, staff: StaffDep) -> Response:
    """The conversation's event log as JSON, as stored."""
    with session(get_engine(request)) as db:
        conversation, conversation_id = conversation_or_404(db, staff, sender_id)
        events = crud.load_events(session=db, conversation_id=conversation_id)
        audit.record(
            db,
            staff,
            "conversation.export",
            audit.conversation_target(conversation_id),
            {"format": "json"},
        )
        document = {
            "conversation_id": conversation.id,
            "sender_id": conversation.sender_id,
            "channel": conversation.channel,
            "created_at": conversation.created_at.isoformat(),
            "events": events,
        }
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return _download(body, "application/json", f"conversation-{conversation.id}.json")
