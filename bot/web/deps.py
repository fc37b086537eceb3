"""Dependencies of the routes, as `Annotated` aliases: the agent, its database and the settings."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.web.errors import ApiError


def get_agent(request: Request) -> Agent:
    """The agent this app was built with."""
    agent: Agent = request.app.state.agent
    return agent


def get_engine(request: Request) -> Engine:
    """The process's one engine for the database, the agent's own (never one per request)."""
    return get_agent(request).engine


def get_settings(request: Request) -> Settings:
    """The settings this app was built with."""
    settings: Settings = request.app.state.settings
    return settings


AgentDep = Annotated[Agent, Depends(get_agent)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison that also accepts non-ASCII input."""
    return secrets.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def require_api_token(
    settings: SettingsDep,
    token: Annotated[str | None, Query(description="API_TOKEN, as Rasa's `?token=`.")] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> None:
    """Let the request through only with `API_TOKEN`, as `?token=` or a Bearer header.

    Raises:
        ApiError: 403 when no API_TOKEN is configured, 401 when it is missing or wrong.
    """
    if not settings.API_TOKEN:
        raise ApiError(403, "forbidden", "tracker API disabled: set API_TOKEN")
    candidates = [token] if token is not None else []
    if authorization is not None:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer":
            candidates.append(credentials.strip())
    # Check every candidate so the timing does not reveal which one was tried.
    valid = [_same_secret(c, settings.API_TOKEN) for c in candidates]
    if not any(valid):
        raise ApiError(
            401,
            "unauthorized",
            "missing or invalid API token",
            headers={"WWW-Authenticate": "Bearer"},
        )


ApiTokenDep = Annotated[None, Depends(require_api_token)]
