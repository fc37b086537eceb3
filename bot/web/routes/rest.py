"""Rasa's REST channel: ``POST /webhooks/rest/webhook``, as Rasa clients expect it."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.dialogue.messages import UserMessage
from bot.web.deps import AgentDep
from bot.web.errors import ApiError
from bot.web.payload import message_id_of, parse_rest_message
from bot.web.schemas import RasaMessageOut, RestMessageIn, error_responses

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks/rest", tags=["rest"])

DEFAULT_SENDER = "default"

_REQUEST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": RestMessageIn.model_json_schema()}},
}


@router.get("/")
async def read_status() -> dict[str, str]:
    """Answer Rasa's channel health check."""
    return {"status": "ok"}


@router.post(
    "/webhook",
    response_model=list[RasaMessageOut],
    responses=error_responses(400, 413, 422, 503),
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def create_message(request: Request, agent: AgentDep) -> JSONResponse:
    """Pass one user message to the agent and return its replies as Rasa does."""
    payload = parse_rest_message(await request.body())
    sender = payload.sender or DEFAULT_SENDER
    metadata: dict[str, Any] = payload.metadata or {}
    message = UserMessage(
        sender_id=sender,
        text=payload.message,
        channel="rest",
        message_id=message_id_of(sender, metadata),
        metadata=metadata,
    )
    started = time.perf_counter()
    try:
        replies = await agent.handle(message)
    except Exception as exc:
        logger.exception(
            "agent failed on rest message sender=%s message_id=%s chars=%d",
            sender,
            message.message_id,
            len(message.text),
        )
        raise ApiError(
            503,
            "unavailable",
            "the assistant could not answer right now; please retry",
            headers={"Retry-After": "1"},
        ) from exc
    logger.info(
        "rest turn sender=%s message_id=%s chars=%d replies=%d ms=%.1f",
        sender,
        message.message_id,
        len(message.text),
        len(replies),
        (time.perf_counter() - started) * 1000,
    )
    # JSONResponse directly: the replies are already in Rasa's shape; no re-validation.
    return JSONResponse([reply.to_rasa(sender) for reply in replies])
