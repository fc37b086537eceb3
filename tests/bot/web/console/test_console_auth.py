"""Signing in and out of the console over real HTTP: the cookie, the wrong password, the
throttle, session expiry, redirects that stay on the site, CSRF and the security headers."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest
from console_helpers import (
    HTML,
    JSON,
    PASSWORD,
    create_staff,
    login_form_token,
    sign_in,
    sign_in_with_form,
    unique,
)
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.storage import session
from bot.storage.models import utcnow
from bot.storage.models_staff import AuditRecord, StaffSession
from bot.web.console.auth import COOKIE_NAME
from bot.web.console.login import safe_next
from bot.web.middleware import CONSOLE_CSP

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow

HOME = "/console/conversations"


def _cookie_attributes(response: httpx.Response, name: str) -> dict[str, str]:
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        if first.startswith(f"{name}="):
            pairs = [a.partition("=") for a in attributes]
            return {"value": first.partition("=")[2]} | {k.lower(): v for k, _, v in pairs}
    raise AssertionError(f"no {name} cookie set")


def test_login_page_has_email_password_and_sign_in(web: httpx.Client) -> None:
    page = web.get("/console/login", headers=HTML)
    assert page.status_code == 200
    assert '<label for="email">Email</label>' in page.text
    assert '<label for="password">Password</label>' in page.text
    assert '<button type="submit">Sign in</button>' in page.text


def test_sign_in_sets_a_hardened_cookie_and_keeps_only_its_hash(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    answer = sign_in_with_form(web, email.upper(), next_path="/console/audit?before=5")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/audit?before=5"
    cookie = _cookie_attributes(answer, COOKIE_NAME)
    assert "httponly" in cookie and cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/console" and "secure" not in cookie
    token = cookie["value"]
    with session(console_engine) as db:
        hashes = list(db.exec(select(StaffSession.token_hash)))
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert token not in hashes
    assert web.get("/console/staff", headers=HTML).status_code == 200


def test_sign_in_over_https_marks_the_cookie_secure(web: httpx.Client, console_db: str) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    token = login_form_token(web)
    form = {"email": email, "password": PASSWORD, "csrf_token": token, "next": ""}
    answer = web.post("/console/login", data=form, headers={"X-Forwarded-Proto": "https"})
    assert answer.status_code == 303
    assert "secure" in _cookie_attributes(answer, COOKIE_NAME)


def test_wrong_password_and_unknown_account_get_the_same_answer(
    web: httpx.Client, console_db: str
) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    wrong = sign_in_with_form(web, email, "not the password at all")
    unknown = sign_in_with_form(web, unique("nobody@example.org"), "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in wrong.text
    assert wrong.text == unknown.text
    assert COOKIE_NAME not in web.cookies


def test_sign_out_ends_the_session_for_good(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    assert sign_in_with_form(web, email).status_code == 303
    token = web.cookies[COOKIE_NAME]
    page = web.get("/console/staff", headers=HTML)
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = web.post("/console/logout", data={"csrf_token": csrf})
    assert answer.status_code == 303 and answer.headers["location"] == "/console/login"
    assert _cookie_attributes(answer, COOKIE_NAME)["max-age"] == "0"
    replayed = httpx.get(
        web.base_url.join("/console/staff"), cookies={COOKIE_NAME: token}, headers=JSON
    )
    assert replayed.status_code == 401
    with session(console_engine) as db:
        actions = list(db.exec(select(AuditRecord.action)))
    assert "sign_in" in actions and "sign_out" in actions


def test_five_failures_throttle_the_account_even_with_the_right_password(
    web: httpx.Client, console_db: str
) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    for _ in range(5):
        assert sign_in_with_form(web, email, "wrong password here").status_code == 401
    throttled = sign_in_with_form(web, email)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert "Too many failed attempts" in throttled.text
    assert COOKIE_NAME not in web.cookies
    other = unique("admin@example.org")
    create_staff(console_db, email=other)
    assert sign_in_with_form(web, other).status_code == 303  # the address is not yet throttled


def test_failures_from_one_address_throttle_every_account(
    web: httpx.Client, console_db: str
) -> None:
    for _ in range(20):
        guess = sign_in_with_form(web, unique("guess@example.org"), "wrong password here")
        assert guess.status_code == 401
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    assert sign_in_with_form(web, email).status_code == 429


@pytest.mark.parametrize("column", ["last_seen_at", "expires_at"])
def test_an_idle_or_expired_session_is_refused_and_deleted(
    web: httpx.Client, console_db: str, console_engine: Engine, column: str
) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    sign_in(web, console_db, email)
    assert web.get("/console/staff", headers=JSON).status_code == 200
    token = web.cookies[COOKIE_NAME]
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    past = utcnow() - timedelta(hours=9 if column == "last_seen_at" else 0, seconds=1)
    with session(console_engine) as db:
        db.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == token_hash)  # type: ignore[arg-type]
            .values({column: past})
        )
    page = web.get("/console/staff", headers=HTML)
    assert page.status_code == 303
    assert page.headers["location"] == "/console/login?next=/console/staff"
    with session(console_engine) as db:
        assert token_hash not in list(db.exec(select(StaffSession.token_hash)))


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/console/x",
        "//evil.example/console",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/elsewhere",
        "/console/../docs",
        "/console/login",
        "/console\r\nSet-Cookie: x=1",
    ],
)
def test_next_never_leaves_the_console(web: httpx.Client, console_db: str, target: str) -> None:
    assert safe_next(target) == HOME
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    answer = sign_in_with_form(web, email, next_path=target)
    assert answer.status_code == 303
    assert answer.headers["location"] == HOME


def test_next_keeps_a_console_page_with_its_query() -> None:
    assert safe_next("/console/conversations?q=hello&page=2") == (
        "/console/conversations?q=hello&page=2"
    )
    assert safe_next(None) == HOME


def test_the_login_page_remembers_the_page_asked_for(web: httpx.Client) -> None:
    redirect = web.get("/console/introductions?status=met", headers=HTML)
    assert redirect.status_code == 303
    assert (
        redirect.headers["location"] == "/console/login?next=/console/introductions%3Fstatus%3Dmet"
    )
    page = web.get(redirect.headers["location"], headers=HTML)
    assert 'name="next" value="/console/introductions?status=met"' in page.text


def test_sign_in_without_the_form_token_is_refused(web: httpx.Client, console_db: str) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    login_form_token(web)
    form = {"email": email, "password": PASSWORD, "next": ""}
    assert web.post("/console/login", data=form).status_code == 403
    forged = {**form, "csrf_token": "forged-token"}
    assert web.post("/console/login", data=forged).status_code == 403
    assert COOKIE_NAME not in web.cookies


def test_a_post_with_a_wrong_csrf_token_changes_nothing(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    sign_in(web, console_db, email)
    victim = unique("reviewer@example.org")
    form = {"email": victim, "role": "reviewer", "password": PASSWORD, "csrf_token": "wrong"}
    refused = web.post("/console/staff", data=form, headers=HTML)
    assert refused.status_code == 403
    assert "This form has expired" in refused.text
    by_header = web.post("/console/staff", data=form, headers={"X-CSRF-Token": "wrong"})
    assert by_header.status_code == 403
    from bot.storage import crud_staff

    with session(console_engine) as db:
        assert crud_staff.get_staff_by_email(session=db, email=victim) is None


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/console/login", HTML),
        ("/console/staff", JSON),  # 401 JSON
        ("/console/staff", HTML),  # 303
        ("/console/static/console.css", {}),
        ("/console/no-such-page", HTML),  # 404
    ],
)
def test_every_console_response_carries_the_security_headers(
    web: httpx.Client, path: str, headers: dict[str, str]
) -> None:
    answer = web.get(path, headers=headers)
    assert answer.headers["content-security-policy"] == CONSOLE_CSP
    assert "script-src 'self'" in CONSOLE_CSP and "unsafe-inline" not in CONSOLE_CSP
    assert "frame-ancestors 'none'" in CONSOLE_CSP
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert answer.headers["cache-control"] == "no-store"


def test_form_bodies_are_still_refused_outside_the_console(web: httpx.Client) -> None:
    answer = web.post("/webhooks/rest/webhook", data={"sender": "a", "message": "hi"})
    assert answer.status_code == 415


def test_a_disabled_account_cannot_sign_in(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    from bot.storage import crud_staff

    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    with session(console_engine) as db:
        crud_staff.disable_staff(session=db, email=email)
    assert sign_in_with_form(web, email).status_code == 401
