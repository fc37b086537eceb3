"""Who is signed in to the console, and the checks every console route passes.

A session is a random 32-byte token in the ``s3bot_console`` cookie (HttpOnly, SameSite=Lax,
Path=/console, Secure over https); the database keeps only its SHA-256, so a stolen copy
of the database signs no one in. Each session has its own CSRF token, which every
state-changing request must send back (form field ``csrf_token`` or header
``X-CSRF-Token``): SameSite=Lax already keeps other sites' forms from carrying the cookie,
the token also covers browsers and subdomains where that is not enough.

Without a session, a browser asking for a page (a GET that accepts ``text/html``) is sent
to ``/console/login?next=<path>`` (303); any other request gets 401 as JSON.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Final
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bot.config import Settings
from bot.storage import crud_staff, session
from bot.web.deps import get_engine, get_settings
from bot.web.errors import ApiError

COOKIE_NAME: Final = "s3bot_console"
COOKIE_PATH: Final = "/console"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "X-CSRF-Token"
LOGIN_PATH: Final = "/console/login"
#: Paths of the console anyone may reach: the sign-in page and the static files.
PUBLIC_PATHS: Final = frozenset({LOGIN_PATH})
PUBLIC_PREFIXES: Final = ("/console/static/",)
_STATE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Staff:
    """The signed-in person, as routes and templates see it (never the password hash)."""

    id: int
    email: str
    role: str
    organisation: str | None

    @property
    def is_admin(self) -> bool:
        """Whether this person may administer staff and read the audit log."""
        return self.role == "admin"


class SignInRequired(Exception):
    """Raised for a browser's page request without a session; answered with a 303 to the
    sign-in page, which returns to `next_path` afterwards."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path

    def location(self) -> str:
        """The sign-in page's address, with the page to return to."""
        return f"{LOGIN_PATH}?next={quote(self.next_path, safe='/')}"


class ConsoleError(Exception):
    """A refusal for a console request: an HTML page to a browser, else the JSON error shape.

    `word` is the key of the sentence in the console's words (``data/console/ui.yml``).
    """

    def __init__(self, status_code: int, code: str, word: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.word = word
        self.message = message


def not_found() -> ConsoleError:
    """The one answer for a row that does not exist or is outside the staff's scope."""
    return ConsoleError(404, "not_found", "error_not_found", "no such page")


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a session token: what the database stores."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    """A random session or CSRF token: 32 bytes, url-safe."""
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a sent token with the expected one."""
    return given is not None and secrets.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def wants_page(request: Request) -> bool:
    """Whether the request is a browser asking for a page (so a redirect helps it)."""
    accept = request.headers.get("accept", "")
    return request.method in ("GET", "HEAD") and "text/html" in accept


def is_public(path: str) -> bool:
    """Whether `path` is reachable without a session."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def session_lifetime(settings: Settings) -> timedelta:
    """How long after sign-in a session ends in any case."""
    return timedelta(hours=settings.CONSOLE_SESSION_MAX_HOURS)


def set_session_cookie(
    response: Response, request: Request, token: str, settings: Settings
) -> None:
    """Put the session token in the console's cookie."""
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(session_lifetime(settings).total_seconds()),
        path=COOKIE_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    """Tell the browser to forget the session cookie."""
    response.delete_cookie(
        COOKIE_NAME,
        path=COOKIE_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


def _lookup(request: Request) -> tuple[Staff, str] | None:
    """The staff and CSRF token of the request's session, or None (no, expired or unknown)."""
    token = request.cookies.get(COOKIE_NAME)
    if not token or len(token) > 128:
        return None
    settings = get_settings(request)
    idle = timedelta(minutes=settings.CONSOLE_SESSION_IDLE_MINUTES)
    with session(get_engine(request)) as db:
        found = crud_staff.find_session(session=db, token_hash=token_hash(token), idle=idle)
        if found is None:
            return None
        row, account = found
        staff = Staff(
            id=int(account.id),  # type: ignore[arg-type]
            email=account.email,
            role=account.role,
            organisation=account.organisation,
        )
        return staff, row.csrf_token


def current_staff(request: Request) -> Staff:
    """The signed-in staff of this request (looked up once per request).

    Raises:
        SignInRequired: a browser's page request without a live session.
        ApiError: 401 for any other request without one.
    """
    cached: Staff | None = getattr(request.state, "console_staff", None)
    if cached is not None:
        return cached
    found = _lookup(request)
    if found is None:
        if wants_page(request):
            query = request.url.query
            raise SignInRequired(request.url.path + (f"?{query}" if query else ""))
        raise ApiError(401, "unauthorized", "sign in to the console first")
    request.state.console_staff, request.state.console_csrf = found
    return found[0]


def current_admin(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
    """The signed-in staff, if an admin.

    Raises:
        ConsoleError: 403 for a reviewer.
    """
    if not staff.is_admin:
        raise ConsoleError(403, "forbidden", "error_forbidden", "only admins may do this")
    return staff


async def _sent_csrf_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def require_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is not its session's.

    Raises:
        SignInRequired | ApiError: no session (as `current_staff`).
        ConsoleError: 403 when the token is missing or wrong.
    """
    if getattr(request.state, "console_csrf_checked", False):
        return
    await run_in_threadpool(current_staff, request)
    expected: str = request.state.console_csrf
    if not same_token(await _sent_csrf_token(request), expected):
        raise ConsoleError(403, "csrf", "error_csrf", "missing or wrong CSRF token")
    request.state.console_csrf_checked = True


async def guard(request: Request) -> None:
    """The check on every console route: a session, and for state changes its CSRF token.

    Set on the console's router, so a route added there is guarded even if it forgets to ask
    for `StaffDep` or `CsrfDep`; the sign-in page and static files are the exceptions.
    """
    if is_public(request.url.path):
        return
    if request.method in _STATE_METHODS:
        await require_csrf(request)
    else:
        await run_in_threadpool(current_staff, request)


StaffDep = Annotated[Staff, Depends(current_staff)]
AdminDep = Annotated[Staff, Depends(current_admin)]
CsrfDep = Annotated[None, Depends(require_csrf)]
