"""Pure ASGI middleware: request ids and security headers, JSON bodies only, a request
body size limit and read timeout, and a last-resort error net.

All are plain ASGI (not ``BaseHTTPMiddleware``) so they see the raw byte stream and
the response start, and cost nothing on requests that behave.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.observability import metrics
from bot.observability.logs import request_id_var
from bot.web.errors import error_response

logger = logging.getLogger(__name__)


class _BodyTooLarge(Exception):
    """Raised from `receive` when the streamed body passes the limit."""


class _BodyTooSlow(Exception):
    """Raised from `receive` when the body is not complete by its deadline."""


class BodySizeLimitMiddleware:
    """Answers 413 when a request body is over `max_bytes`, 408 when it is not all sent
    within `timeout_seconds` of the headers.

    Checks the declared Content-Length first (without reading the body), then counts
    the bytes actually received, so a missing Content-Length (chunked upload) cannot
    get past the limit. The deadline is for the whole body, so a client trickling a byte
    at a time cannot hold a connection open; both refusals close the connection.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_seconds: float | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._too_large(scope, receive, send)
            return

        received = 0
        started = False
        complete = False
        deadline = time.monotonic() + (self.timeout_seconds or 0)

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete or self.timeout_seconds is None:
                message = await receive()
            else:
                try:
                    message = await asyncio.wait_for(receive(), deadline - time.monotonic())
                except TimeoutError:
                    raise _BodyTooSlow from None
            if message["type"] == "http.request":
                complete = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._too_large(scope, receive, send)
        except _BodyTooSlow:
            logger.info("request body not sent in time on %s %s", scope["method"], scope["path"])
            if started:
                raise
            await error_response(
                408,
                "request_timeout",
                f"request body was not sent within {self.timeout_seconds} s",
                headers={"Connection": "close"},
            )(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "payload_too_large",
            f"request body is larger than {self.max_bytes} bytes",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared Content-Length, or None if absent; an unparsable one counts as huge."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 2**63
    return None


class LastResortMiddleware:
    """Turns an exception nothing else handled into a logged 503, so clients can retry.

    Logs the method, path and exception with its traceback, never the request body.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            # The client went away mid-request: no one to answer, nothing went wrong here.
            logger.info("client disconnected during %s %s", scope.get("method"), scope.get("path"))
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = error_response(
                503,
                "unavailable",
                "the assistant could not answer right now; please retry",
                headers={"Retry-After": "1"},
            )
            await response(scope, receive, send)


#: A client's X-Request-ID is echoed only if it is this plain; else a new id is made.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:=+/@-]{1,128}")
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
HTML_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
#: The interactive API docs load Swagger UI and ReDoc from their CDN and start them inline.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src blob:; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
#: The staff console: its own scripts and styles only, never framed, never cached.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
CONSOLE_HEADERS = {
    "Content-Security-Policy": CONSOLE_CSP,
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def is_console_path(path: str) -> bool:
    """Whether `path` is the staff console's (HTML forms, its own headers)."""
    return path == "/console" or path.startswith("/console/")


def _header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (latin-1, as HTTP has it), or None."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    """Gives each request an id, for its log lines and the client (`X-Request-ID`), puts
    the security headers on every response and counts responses by status.

    A client's own X-Request-ID is kept when it is plain (letters, digits, ``._:=+/@-``,
    at most 128), so a request can be followed from a proxy's log into ours.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        request_id = given if given and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        status = 0

        async def decorated_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                _add_security_headers(headers, str(scope.get("path", "")))
            await send(message)

        try:
            await self.app(scope, receive, decorated_send)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            metrics.HTTP_RESPONSES.labels(
                method=scope.get("method", ""), route=route, status=str(status or "none")
            ).inc()
            request_id_var.reset(token)


def _add_security_headers(headers: MutableHeaders, path: str) -> None:
    """No sniffing, no referrer, no framing; a content policy fitting the response."""
    if is_console_path(path):
        for name, value in CONSOLE_HEADERS.items():
            headers[name] = value
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    if path in DOCS_PATHS:
        policy = DOCS_CSP
    elif headers.get("content-type", "").startswith("text/html"):
        policy = HTML_CSP
    else:
        policy = JSON_CSP
    headers.setdefault("Content-Security-Policy", policy)


#: Methods whose body the JSON routes read.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_json_media_type(content_type: str) -> bool:
    """Whether a Content-Type names JSON (``application/json``, ``application/*+json``)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


class JsonBodyMiddleware:
    """Answers 415 to a body declared as anything but JSON; a body without a Content-Type
    is read as JSON, as Rasa's REST clients often send none.

    Refusing ``text/plain``, ``application/x-www-form-urlencoded`` and
    ``multipart/form-data`` matters most: those are the types a web page may send to any
    origin without a CORS preflight, so another site's HTML form or ordinary ``fetch``
    cannot post into a conversation. (A script can still send a body with no type at all;
    it is accepted for Rasa's clients, and carries no credentials a direct request lacks.)
    The staff console's paths are let through: its HTML forms post form bodies, and each
    such request must carry the session's CSRF token.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in _BODY_METHODS
            and not is_console_path(str(scope.get("path", "")))
        ):
            content_type = _header(scope, b"content-type")
            if content_type is not None and not is_json_media_type(content_type):
                response = error_response(
                    415,
                    "unsupported_media_type",
                    "send the body as JSON, with Content-Type: application/json",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
