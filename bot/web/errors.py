"""The one error shape of the HTTP API, and the handlers that turn failures into it.

Every error leaves the app as ``{"error": {"code": ..., "message": ...}}``, with a
``details`` list naming each offending field on validation errors (422). Errors are
raised as `ApiError` anywhere in `bot.web` and rendered only here, at the edge.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

# Machine-readable codes for the statuses the framework itself may produce.
_STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}


class ApiError(Exception):
    """An error meant for the client: its HTTP status, a stable code and a readable message."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        details: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_body(
    code: str, message: str, details: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The JSON body of every error response."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def error_response(
    status_code: int,
    code: str,
    message: str,
    *,
    details: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error as a JSON response."""
    return JSONResponse(
        error_body(code, message, details), status_code=status_code, headers=headers
    )


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """A pydantic error location as a dotted field name (``metadata.message_id``)."""
    return ".".join(str(part) for part in loc) or "body"


def validation_details(
    errors: Sequence[Mapping[str, Any]], *, skip_prefix: int = 0
) -> list[dict[str, str]]:
    """Pydantic errors as ``[{"field", "message"}]``, dropping `skip_prefix` location parts."""
    return [
        {"field": field_name(tuple(err.get("loc", ()))[skip_prefix:]), "message": str(err["msg"])}
        for err in errors
    ]


def validation_error(details: list[dict[str, str]]) -> ApiError:
    """A 422 naming every invalid field in its message and details."""
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return ApiError(422, "validation_error", summary, details=details)


async def _api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Render an `ApiError`."""
    assert isinstance(exc, ApiError)
    return error_response(
        exc.status_code, exc.code, exc.message, details=exc.details, headers=exc.headers
    )


async def _http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Render the framework's own HTTP errors (unknown route, wrong method) in our shape."""
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _request_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    """Render FastAPI's parameter validation errors in our shape, field names without `path.`."""
    assert isinstance(exc, RequestValidationError)
    err = validation_error(validation_details(exc.errors(), skip_prefix=1))
    return error_response(err.status_code, err.code, err.message, details=err.details)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error the app produces leave it in the one JSON shape."""
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
    app.add_exception_handler(RequestValidationError, _request_validation_handler)
