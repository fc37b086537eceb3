"""Rasa's tracker endpoint: a conversation's slots and events, for operators and tests."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from bot.web.deps import AgentDep, ApiTokenDep
from bot.web.errors import ApiError
from bot.web.schemas import MAX_SENDER_CHARS, error_responses

router = APIRouter(prefix="/conversations", tags=["conversations"])


# `:path`, so that an id holding "/" (a REST sender may) is readable too, sent as it is or
# percent-encoded; the last "/tracker" ends the id.
@router.get("/{conversation_id:path}/tracker", responses=error_responses(401, 403, 404, 422))
async def read_tracker(
    conversation_id: Annotated[str, Path(min_length=1, max_length=MAX_SENDER_CHARS)],
    _: ApiTokenDep,
    agent: AgentDep,
    include_events: Annotated[
        Literal["ALL", "APPLIED", "AFTER_RESTART", "NONE"], Query()
    ] = "AFTER_RESTART",
) -> dict[str, Any]:
    """Return the conversation's tracker in Rasa's shape (needs API_TOKEN)."""
    state = await agent.tracker_state(conversation_id, include_events)
    if state is None:
        raise ApiError(404, "not_found", "no conversation with this id")
    return state
