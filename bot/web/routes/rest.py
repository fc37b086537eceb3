"""Rasa's REST channel: ``POST /webhooks/rest/webhook``, as Rasa clients expect it."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from bot.dialogue.messages import UserMessage
from bot.storage.identity import REST_CHANNEL, namespace_of
from bot.web.deps import AgentDep, SettingsDep
from bot.web.errors import ApiError, validation_error
from bot.web.payload import message_id_of, parse_rest_message
from bot.web.schemas import RasaMessageOut, RestMessageIn, error_responses
from bot.web.turns import answer

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks/rest", tags=["rest"])

DEFAULT_SENDER = "default"

_REQUEST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": RestMessageIn.model_json_schema()}},
}


def require_rest_token(
    settings: SettingsDep,
    token: Annotated[
        str | None, Query(description="REST_CHANNEL_TOKEN, when the server requires one.")
    ] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> None:
    """Let a message through only with `REST_CHANNEL_TOKEN`, when one is configured.

    Off by default, so a local widget or script needs nothing; a production server sets it,
    since otherwise anyone reaching the port may talk as any REST sender.

    Raises:
        ApiError: 401 when the token is required and missing or wrong.
    """
    expected = settings.REST_CHANNEL_TOKEN
    if expected is None:
        return
    candidates = [token] if token is not None else []
    if authorization is not None:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer":
            candidates.append(credentials.strip())
    # Every candidate is compared, in constant time, so timing tells nothing about the token.
    matches = [_same_secret(candidate, expected) for candidate in candidates]
    if not any(matches):
        raise ApiError(
            401,
            "unauthorized",
            "missing or invalid REST channel token",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison that also accepts non-ASCII input."""
    return secrets.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def _own_sender(sender: str) -> str:
    """The sender, if it is a REST conversation id: another channel's namespace
    (``telegram:<chat id>``) would let any client read and write that channel's users.

    Raises:
        ApiError: 422 naming the namespace.
    """
    namespace = namespace_of(sender)
    if namespace is not None:
        message = (
            f"names a conversation of the {namespace} channel; "
            f"REST senders must not start with '{namespace}:'"
        )
        raise validation_error([{"field": "sender", "message": message}])
    return sender


@router.get("/")
async def read_status() -> dict[str, str]:
    """Answer Rasa's channel health check."""
    return {"status": "ok"}


@router.post(
    "/webhook",
    response_model=list[RasaMessageOut],
    responses=error_responses(400, 401, 413, 422, 503),
    openapi_extra={"requestBody": _REQUEST_BODY},
    dependencies=[Depends(require_rest_token)],
)
async def create_message(request: Request, agent: AgentDep) -> JSONResponse:
    """Pass one user message to the agent and return its replies as Rasa does."""
    body = await request.body()
    payload = parse_rest_message(body)
    sender = _own_sender(payload.sender or DEFAULT_SENDER)
    metadata: dict[str, Any] = payload.metadata or {}
    message = UserMessage(
        sender_id=sender,
        text=payload.message,
        channel=REST_CHANNEL,
        message_id=message_id_of(sender, metadata, body),
        metadata=metadata,
    )
    started = time.perf_counter()
    replies = await answer(agent, message)
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
