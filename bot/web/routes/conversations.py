"""Rasa's tracker endpoints: read a conversation's slots and events, and append bot or slot
events to it between its turns (a staff reply, a reminder), for operators and tests."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from bot.web.deps import AgentDep, ApiTokenDep
from bot.web.errors import ApiError, validation_error
from bot.web.fields import storable
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


#: Events one request may append.
MAX_EVENTS = 100


class ButtonIn(BaseModel):
    """A button of a bot message."""

    title: str = Field(min_length=1, max_length=200)
    payload: str = Field(min_length=1, max_length=500)


class BotDataIn(BaseModel):
    """The parts of a bot message besides its text."""

    model_config = ConfigDict(extra="ignore")

    buttons: list[ButtonIn] | None = Field(default=None, max_length=20)
    image: str | None = Field(default=None, max_length=2000)
    custom: dict[str, Any] | None = None


class BotEventIn(BaseModel):
    """Rasa's `bot` event: a message from the assistant (or a person speaking for it)."""

    model_config = ConfigDict(extra="ignore")

    event: Literal["bot"]
    text: str | None = Field(default=None, max_length=4000)
    data: BotDataIn | None = None
    metadata: dict[str, Any] | None = None
    timestamp: float | None = Field(default=None, allow_inf_nan=False)


class SlotEventIn(BaseModel):
    """Rasa's `slot` event: set a slot of the domain."""

    model_config = ConfigDict(extra="ignore")

    event: Literal["slot"]
    name: str = Field(min_length=1, max_length=100)
    value: Any = None
    timestamp: float | None = Field(default=None, allow_inf_nan=False)


TrackerEventIn = Annotated[BotEventIn | SlotEventIn, Field(discriminator="event")]


def _check_storable(value: Any, where: str) -> None:
    """Refuse what no database can store as JSON: lone surrogates, NaN and infinities.

    Raises:
        ApiError: 422 naming the field.
    """
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, field = stack.pop()
        problem = None
        if isinstance(item, float) and not math.isfinite(item):
            problem = "must be a finite number"
        elif isinstance(item, str):
            try:
                storable(item)
            except ValueError as error:
                problem = str(error)
        elif isinstance(item, dict):
            stack.extend((key, field) for key in item)
            stack.extend((child, f"{field}.{key}") for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, f"{field}.{i}") for i, child in enumerate(item))
        if problem is not None:
            raise validation_error([{"field": field, "message": problem}])


def _rasa_event(event: BotEventIn | SlotEventIn, slots: set[str]) -> dict[str, Any]:
    """The event as it is stored, in Rasa's shape.

    Raises:
        ApiError: 422 for a slot the domain does not have, a bot event with nothing to say, or
            a value that cannot be stored.
    """
    _check_storable(event.model_dump(), "body")
    if isinstance(event, SlotEventIn):
        if event.name not in slots:
            raise validation_error([{"field": "name", "message": f"no slot {event.name!r}"}])
        return {
            "event": "slot",
            "timestamp": event.timestamp,
            "name": event.name,
            "value": event.value,
        }
    data = event.data.model_dump(exclude_none=True) if event.data else {}
    if not event.text and not data:
        raise validation_error([{"field": "text", "message": "a bot event needs text or data"}])
    return {
        "event": "bot",
        "timestamp": event.timestamp,
        "text": event.text,
        "data": {key: data.get(key) for key in ("buttons", "image", "custom")},
        "metadata": event.metadata or {},
    }


@router.post(
    "/{conversation_id:path}/tracker/events",
    responses=error_responses(401, 403, 404, 413, 415, 422),
)
async def create_tracker_events(
    conversation_id: Annotated[str, Path(min_length=1, max_length=MAX_SENDER_CHARS)],
    events: Annotated[
        TrackerEventIn
        | Annotated[list[TrackerEventIn], Field(min_length=1, max_length=MAX_EVENTS)],
        Body(description="One Rasa event, or a list; only `bot` and `slot` events."),
    ],
    _: ApiTokenDep,
    agent: AgentDep,
    include_events: Annotated[
        Literal["ALL", "APPLIED", "AFTER_RESTART", "NONE"], Query()
    ] = "AFTER_RESTART",
) -> dict[str, Any]:
    """Append events to a conversation between its turns and deliver its new bot messages on
    the conversation's channel; return the tracker (needs API_TOKEN)."""
    slots = set(agent.domain.slots)
    given = events if isinstance(events, list) else [events]
    appended = await agent.append_events(conversation_id, [_rasa_event(e, slots) for e in given])
    if appended is None:
        raise ApiError(404, "not_found", "no conversation with this id")
    state = await agent.tracker_state(conversation_id, include_events)
    if state is None:  # erased in between
        raise ApiError(404, "not_found", "no conversation with this id")
    return state
