"""The FastAPI application: Rasa's REST channel, the tracker endpoint and health."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from starlette.types import Lifespan

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.web.errors import install_error_handlers
from bot.web.middleware import BodySizeLimitMiddleware, LastResortMiddleware
from bot.web.routes import conversations, eligibility, health, partners, rest


def _app_version() -> str:
    """The installed package version, or "unknown" when running from a bare checkout."""
    try:
        return version("s3-onboarding-assistant")
    except PackageNotFoundError:
        return "unknown"


def create_web_app(
    agent: Agent, settings: Settings, *, lifespan: Lifespan[FastAPI] | None = None
) -> FastAPI:
    """Build the web app around a ready `agent`.

    Args:
        agent: answers messages and reports trackers; the caller owns its lifecycle.
        settings: read for API_TOKEN and MAX_REQUEST_BYTES.
        lifespan: optional startup/shutdown context, for a composition root that starts
            the agent with the server.

    Returns:
        The app, with the agent and settings on `app.state`.
    """
    app = FastAPI(
        title="S3 Onboarding Assistant",
        version=_app_version(),
        lifespan=lifespan,
    )
    app.state.agent = agent
    app.state.settings = settings
    install_error_handlers(app)
    # Added last = outermost: the last-resort net wraps the size limit.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.MAX_REQUEST_BYTES)
    app.add_middleware(LastResortMiddleware)
    app.include_router(rest.router)
    app.include_router(conversations.router)
    app.include_router(health.router)
    app.include_router(eligibility.router)
    app.include_router(partners.router)
    return app
