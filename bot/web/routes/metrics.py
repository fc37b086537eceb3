"""Prometheus metrics: ``GET /metrics``, for the operators' scraper (needs API_TOKEN)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from bot.observability.metrics import exposition
from bot.web.deps import ApiTokenDep
from bot.web.schemas import error_responses

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}, **error_responses(401, 403)},
)
async def read_metrics(_: ApiTokenDep) -> Response:
    """Return this process's metrics in Prometheus' text format (needs API_TOKEN)."""
    body, content_type = exposition()
    return Response(body, media_type=content_type)
