"""Liveness: answers without touching the database or the agent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def read_health(request: Request) -> dict[str, Any]:
    """Report that the web process is up, with the application version."""
    return {"status": "ok", "version": request.app.version}
