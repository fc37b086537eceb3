"""CORS for the widget API (``/widget/v1/``): preflights, the Origin gate, the response headers.

Pure ASGI, and only for the widget's paths; every other route stays without CORS. A request
must carry an ``Origin`` that some active partner site allows (browsers always send one on
cross-origin ``fetch`` and ``EventSource``), or it is refused with 403 before any route runs.
The route then checks the origin against its own site (named by the body or the token).
Responses to an allowed origin name exactly that origin, never ``*``, and no credentials.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.storage import crud_sites, session
from bot.web.errors import error_response

PREFIX = "/widget/v1/"
ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type"
#: Seconds a browser may reuse a preflight's answer.
MAX_AGE_SECONDS = 600
#: Response headers the widget's script may read besides the safe ones.
EXPOSE_HEADERS = "Retry-After"
ORIGIN_REFUSED_MESSAGE = "this page's origin may not use the widget of this site"

#: Whether any active site allows an origin (runs a database query; awaited).
OriginCheck = Callable[[str], Awaitable[bool]]


def origin_refused() -> Response:
    """The one refusal of an origin, also for an unknown site key, so keys cannot be probed."""
    return error_response(403, "origin_not_allowed", ORIGIN_REFUSED_MESSAGE)


def _origin(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"origin":
            return str(value.decode("latin-1"))
    return None


def add_cors_headers(headers: MutableHeaders, origin: str) -> None:
    """The headers that let a page on `origin` read the response."""
    headers["Access-Control-Allow-Origin"] = origin
    headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    headers.add_vary_header("Origin")


class WidgetCorsMiddleware:
    """Answers the widget API's preflights and refuses requests from origins no site allows."""

    def __init__(self, app: ASGIApp, *, origin_allowed: OriginCheck) -> None:
        self.app = app
        self.origin_allowed = origin_allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        origin = _origin(scope)
        if origin is None or not await self.origin_allowed(origin):
            await origin_refused()(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await self._preflight(origin)(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_cors_headers(MutableHeaders(scope=message), origin)
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def _preflight(origin: str) -> Response:
        response = Response(status_code=204)
        add_cors_headers(response.headers, origin)
        response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = str(MAX_AGE_SECONDS)
        return response


def origin_check(engine: Callable[[], Engine]) -> OriginCheck:
    """The check that some active site allows an origin, reading the sites in a thread from
    the database `engine()` returns."""

    def allowed(origin: str) -> bool:
        with session(engine()) as db:
            return crud_sites.origin_is_allowed(session=db, origin=origin)

    async def check(origin: str) -> bool:
        return await run_in_threadpool(allowed, origin)

    return check
