"""The FastAPI application: Rasa's REST channel, the tracker, eligibility, partner and
metrics endpoints, health, the web widget's API, and the middleware that guards them."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from starlette.types import Lifespan

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.web.console import install_console
from bot.web.errors import install_error_handlers
from bot.web.middleware import (
    BodySizeLimitMiddleware,
    JsonBodyMiddleware,
    LastResortMiddleware,
    RequestContextMiddleware,
)
from bot.web.ratelimit import RateLimitMiddleware
from bot.web.routes import conversations, eligibility, health, metrics, partners, rest, widget
from bot.web.widget_cors import WidgetCorsMiddleware, origin_check
from bot.web.widget_state import WidgetLimits, WidgetState


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
        settings: read for API_TOKEN, MAX_REQUEST_BYTES, BODY_TIMEOUT_SECONDS and the
            RATE_LIMIT_* settings.
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
    # Added last = outermost. The request context (id, security headers, status counts)
    # wraps everything, so even the last-resort 503 carries them; the limits on the body
    # (type, size, pace) come before the rate limit, which may read the body.
    app.add_middleware(
        RateLimitMiddleware,
        per_address=settings.RATE_LIMIT_PER_ADDRESS,
        per_sender=settings.RATE_LIMIT_PER_SENDER,
    )
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.MAX_REQUEST_BYTES,
        timeout_seconds=settings.BODY_TIMEOUT_SECONDS,
    )
    app.add_middleware(JsonBodyMiddleware)
    app.add_middleware(LastResortMiddleware)
    # The widget's CORS sits outside every refusal (429, 413, 503...), so the widget's page
    # may read those too; it answers preflights and unknown origins itself.
    app.add_middleware(WidgetCorsMiddleware, origin_allowed=origin_check(lambda: agent.engine))
    app.add_middleware(RequestContextMiddleware)
    app.include_router(rest.router)
    app.include_router(conversations.router)
    app.include_router(health.router)
    app.include_router(eligibility.router)
    app.include_router(partners.router)
    app.include_router(metrics.router)
    app.include_router(widget.router)
    app.include_router(widget.assets)
    install_console(app)  # the staff console: HTML pages under /console
    limits = WidgetLimits(
        per_session=settings.WIDGET_RATE_LIMIT_PER_SESSION,
        per_site=settings.WIDGET_RATE_LIMIT_PER_SITE,
    )
    app.state.widget = WidgetState(limits)  # its streams are the widget's outbound port
    return app
