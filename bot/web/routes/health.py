"""Liveness and readiness.

`/health` (liveness) answers without touching the database or the agent: a process that
answers it is alive and should not be restarted. `/ready` (readiness) says whether this
process should get traffic: the database answers, the NLU model is loaded, and the server is
not draining for a shutdown; a load balancer takes a worker out of rotation on its 503.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.dialogue.agent import RETRY_AFTER_SECONDS, Agent

router = APIRouter(tags=["health"])


@router.get("/health")
async def read_health(request: Request) -> dict[str, Any]:
    """Report that the web process is up, with the application version."""
    return {"status": "ok", "version": request.app.version}


@router.get("/ready", responses={503: {"description": "not ready: see `checks`"}})
async def read_ready(request: Request) -> JSONResponse:
    """Report whether this process can answer messages now, check by check."""
    agent: Agent = request.app.state.agent
    checks = {
        "database": await agent.database_ready(),
        "model": agent.model_loaded(),
        "accepting": not agent.draining,
    }
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    if ready:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
