"""Signing in and out of the console, and its front door.

Sign-in failures are counted in the database (`login_failure`), per account and per client
address, so the throttle holds across worker processes and restarts: past the limit within
the window, further attempts get 429 without their password being checked. A wrong address
and a wrong password get the same answer, and an unknown address still costs one argon2
verification, so neither the words nor the timing tell which accounts exist.

The sign-in form has a CSRF token of its own (a double-submit cookie on the sign-in path),
so another site cannot sign a browser in to an account of its choosing.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.config import Settings
from bot.storage import crud_staff, session
from bot.storage.models import utcnow
from bot.web.console.auth import (
    COOKIE_NAME,
    LOGIN_PATH,
    ConsoleError,
    CsrfDep,
    StaffDep,
    clear_session_cookie,
    new_token,
    same_token,
    session_lifetime,
    set_session_cookie,
    token_hash,
)
from bot.web.console.passwords import hash_password, needs_rehash, verify_password
from bot.web.console.templating import render
from bot.web.deps import get_engine, get_settings

router = APIRouter(prefix="/console", include_in_schema=False)

LOGIN_COOKIE: Final = "s3bot_console_login"
HOME: Final = "/console/conversations"


def safe_next(value: str | None) -> str:
    """Where to go after signing in: `value` only if it is a console path of this site."""
    if not value or "\\" in value or any(ord(c) < 0x20 for c in value):
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return HOME
    if not (parts.path == "/console" or parts.path.startswith("/console/")):
        return HOME
    if parts.path == LOGIN_PATH or ".." in parts.path.split("/"):
        return HOME
    return value


def _throttle_keys(email: str, address: str) -> tuple[str, str]:
    """The failure counters of an account and of an address, hashed (no address is kept)."""
    account = hashlib.sha256(f"account:{crud_staff.normalise_email(email)}".encode()).hexdigest()
    client = hashlib.sha256(f"address:{address}".encode()).hexdigest()
    return account, client


def _login_page(
    request: Request, *, next_path: str, error: str | None = None, status_code: int = 200
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE)
    if not token or len(token) > 64:
        token = new_token()
    response = render(
        request,
        "login.html",
        {"next_path": next_path, "error": error, "login_csrf": token},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        path=LOGIN_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/login")
def read_login(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return _login_page(request, next_path=safe_next(next))


def _sign_in(request: Request, settings: Settings, email: str, password: str) -> str | int:
    """Check the credentials under the throttle: the new session's token, or the status to
    answer with (401 wrong, 429 throttled)."""
    address = request.client.host if request.client else "unknown"
    account_key, address_key = _throttle_keys(email, address)
    window = timedelta(minutes=settings.CONSOLE_LOGIN_WINDOW_MINUTES)
    since = utcnow() - window
    with session(get_engine(request)) as db:
        failures = crud_staff.count_login_failures(session=db, key=account_key, since=since)
        from_address = crud_staff.count_login_failures(session=db, key=address_key, since=since)
        if (
            failures >= settings.CONSOLE_LOGIN_FAILURES_PER_ACCOUNT
            or from_address >= settings.CONSOLE_LOGIN_FAILURES_PER_ADDRESS
        ):
            return 429
        account = crud_staff.get_staff_by_email(session=db, email=email)
        stored = account.password_hash if account is not None and account.active else None
        if account is None or account.id is None or not verify_password(password, stored):
            crud_staff.add_login_failures(
                session=db, keys=(account_key, address_key), older_than=since
            )
            return 401
        if needs_rehash(account.password_hash):
            crud_staff.set_password_hash(
                session=db, staff_id=account.id, password_hash=hash_password(password)
            )
        crud_staff.clear_login_failures(session=db, key=account_key)
        token = new_token()
        crud_staff.create_session(
            session=db,
            staff_id=account.id,
            token_hash=token_hash(token),
            csrf_token=new_token(),
            lifetime=session_lifetime(settings),
        )
        crud_staff.add_audit_record(session=db, staff_id=account.id, action="sign_in")
        return token


@router.post("/login")
async def create_login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Sign in: a session cookie and a 303 to the page asked for, or the form again."""
    if not same_token(csrf_token or None, request.cookies.get(LOGIN_COOKIE) or "\0"):
        raise ConsoleError(403, "csrf", "error_csrf", "missing or wrong CSRF token")
    settings = get_settings(request)
    next_path = safe_next(next)
    outcome = await run_in_threadpool(_sign_in, request, settings, email, password)
    if outcome == 429:
        retry = str(settings.CONSOLE_LOGIN_WINDOW_MINUTES * 60)
        response = _login_page(
            request, next_path=next_path, error="login_throttled", status_code=429
        )
        response.headers["Retry-After"] = retry
        return response
    if isinstance(outcome, int):
        return _login_page(request, next_path=next_path, error="login_wrong", status_code=401)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, request, outcome, settings)
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
    return response


def _sign_out(request: Request, staff_id: int) -> None:
    token = request.cookies.get(COOKIE_NAME) or ""
    with session(get_engine(request)) as db:
        crud_staff.end_session(session=db, token_hash=token_hash(token))
        crud_staff.add_audit_record(session=db, staff_id=staff_id, action="sign_out")


@router.post("/logout")
async def delete_login(request: Request, staff: StaffDep, _csrf: CsrfDep) -> Response:
    """Sign out: the session ends, the cookie goes, and the sign-in page follows."""
    await run_in_threadpool(_sign_out, request, staff.id)
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    clear_session_cookie(response, request)
    return response


@router.get("")
def read_console(staff: StaffDep) -> Response:
    """The console's front door: the conversation list."""
    return RedirectResponse(HOME, status_code=303)
