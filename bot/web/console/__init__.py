"""The staff console: server-rendered pages under /console for programme staff.

`console_router` holds every console route; each sub-router carries its full path
(``APIRouter(prefix="/console/...")``) and is added below with one `include_router` line.
The router's own dependency (`auth.guard`) requires a session on every route but the
sign-in page, and a CSRF token on every state-changing request, so a new route is guarded
even before it asks for `StaffDep` or `CsrfDep`. `install_console(app)` adds the router, the
static files and the handlers that turn refusals into pages or redirects.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.web.console import (
    audit_log,
    conversations,
    conversations_view,
    erasure,
    exports,
    handoffs,
    introductions,
    login,
    nlu_inbox,
    review,
    staff,
)
from bot.web.console.auth import ConsoleError, SignInRequired, guard, wants_page
from bot.web.console.templating import STATIC_DIR, render
from bot.web.errors import error_response

console_router = APIRouter(dependencies=[Depends(guard)])
console_router.include_router(login.router)
console_router.include_router(staff.router)
console_router.include_router(audit_log.router)
console_router.include_router(erasure.router)  # before the transcript's catch-all path
console_router.include_router(introductions.router)
console_router.include_router(handoffs.router)
console_router.include_router(conversations.router)
console_router.include_router(exports.router)
console_router.include_router(review.router)
console_router.include_router(nlu_inbox.router)
console_router.include_router(conversations_view.router)  # its path takes the rest: last


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    """Send a browser without a session to the sign-in page."""
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(exc.location(), status_code=303)


async def _console_error(request: Request, exc: Exception) -> Response:
    """A refusal as a page for a browser, else in the API's JSON error shape."""
    assert isinstance(exc, ConsoleError)
    if wants_page(request) or request.method == "POST" and _is_form(request):
        return render(
            request, "error.html", {"word": exc.word, "status": exc.status_code}, exc.status_code
        )
    return error_response(exc.status_code, exc.code, exc.message)


def _is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def install_console(app: FastAPI) -> None:
    """Serve the console in `app`: its routes, static files and refusal handlers."""
    app.include_router(console_router)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(ConsoleError, _console_error)


__all__ = ["console_router", "install_console"]
