"""Helpers for the console's tests: staff accounts made directly in the database, and
clients signed in without going through the sign-in page.

Self-contained (only `bot.*` imports), so tests elsewhere (the browser tests) can load it too.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from datetime import timedelta
from typing import Final

import httpx

from bot.storage import crud_staff, make_engine, session, upgrade_schema
from bot.storage.models_staff import StaffAccount
from bot.web.console.auth import COOKIE_NAME, COOKIE_PATH, new_token, token_hash
from bot.web.console.passwords import hash_password

#: The password every helper-made account has, unless told otherwise.
PASSWORD: Final = "correct horse battery staple"
ADMIN_EMAIL: Final = "admin@example.org"
REVIEWER_EMAIL: Final = "reviewer@example.org"


def create_staff(
    database_url: str,
    *,
    email: str = ADMIN_EMAIL,
    role: str = "admin",
    organisation: str | None = None,
    password: str = PASSWORD,
) -> int:
    """Create an active staff account in the database; returns its id."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        with session(engine) as db:
            account = crud_staff.create_staff(
                session=db,
                email=email,
                password_hash=hash_password(password),
                role=role,
                organisation=organisation,
            )
            return int(account.id)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def open_session(database_url: str, email: str = ADMIN_EMAIL) -> tuple[str, str]:
    """A new session of the account with `email`: (cookie token, CSRF token).

    For clients that set cookies themselves (a browser context: name `COOKIE_NAME`, path
    `COOKIE_PATH`).
    """
    engine = make_engine(database_url)
    try:
        with session(engine) as db:
            account = crud_staff.get_staff_by_email(session=db, email=email)
            assert isinstance(account, StaffAccount) and account.id is not None, email
            token, csrf = new_token(), new_token()
            crud_staff.create_session(
                session=db,
                staff_id=account.id,
                token_hash=token_hash(token),
                csrf_token=csrf,
                lifetime=timedelta(hours=24),
            )
            return token, csrf
    finally:
        engine.dispose()


def cookie_domain(client: httpx.Client) -> str:
    """The cookie domain the standard cookie jar files `client`'s host under."""
    host = client.base_url.host
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return host if "." in host else f"{host}.local"


def sign_in(client: httpx.Client, database_url: str, email: str = ADMIN_EMAIL) -> str:
    """Sign `client` in as the account with `email`; returns the session's CSRF token."""
    token, csrf = open_session(database_url, email)
    client.cookies.set(COOKIE_NAME, token, domain=cookie_domain(client), path=COOKIE_PATH)
    return csrf


def sign_in_new(
    client: httpx.Client,
    database_url: str,
    *,
    email: str = ADMIN_EMAIL,
    role: str = "admin",
    organisation: str | None = None,
) -> str:
    """Create an account and sign `client` in as it; returns the CSRF token."""
    create_staff(database_url, email=email, role=role, organisation=organisation)
    return sign_in(client, database_url, email)


HTML: Final = {"Accept": "text/html"}
JSON: Final = {"Accept": "application/json"}


def unique(name: str) -> str:
    """A name (or e-mail address, given ``x@example.org``) no other test uses."""
    local, at, domain = name.partition("@")
    return f"{local}-{uuid.uuid4().hex[:8]}{at}{domain}"


def login_form_token(client: httpx.Client) -> str:
    """Open the sign-in page; returns its form's CSRF token (its cookie is now set)."""
    page = client.get("/console/login")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_in_with_form(
    client: httpx.Client, email: str, password: str = PASSWORD, next_path: str = ""
) -> httpx.Response:
    """Sign in through the sign-in form, as a browser does; returns the answer."""
    token = login_form_token(client)
    form = {"email": email, "password": password, "csrf_token": token, "next": next_path}
    return client.post("/console/login", data=form)
