"""Staff administration: admins only (a reviewer gets 403), creating and disabling accounts
from the console and with `s3bot staff ...`, each audited without an address."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from console_helpers import (
    HTML,
    JSON,
    PASSWORD,
    create_staff,
    sign_in,
    sign_in_with_form,
    unique,
)
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.storage import crud_staff, session
from bot.storage.models_staff import AuditRecord, StaffAccount

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow


def _reviewer(web: httpx.Client, console_db: str) -> str:
    email = unique("reviewer@example.org")
    create_staff(console_db, email=email, role="reviewer", organisation="org-a")
    return sign_in(web, console_db, email)


def _admin(web: httpx.Client, console_db: str) -> str:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    return sign_in(web, console_db, email)


def test_a_reviewer_is_refused_staff_and_audit(web: httpx.Client, console_db: str) -> None:
    csrf = _reviewer(web, console_db)
    for path in ("/console/staff", "/console/audit"):
        page = web.get(path, headers=HTML)
        assert page.status_code == 403
        assert "Only administrators may open this page." in page.text
        assert web.get(path, headers=JSON).json()["error"]["code"] == "forbidden"
    form = {"email": unique("x@example.org"), "role": "admin", "password": PASSWORD}
    assert web.post("/console/staff", data={**form, "csrf_token": csrf}).status_code == 403


def test_a_reviewer_sees_no_staff_or_audit_links(web: httpx.Client, console_db: str) -> None:
    _reviewer(web, console_db)
    page = web.get("/console/introductions", headers=HTML)
    assert page.status_code == 200
    assert 'href="/console/staff"' not in page.text and 'href="/console/audit"' not in page.text
    assert 'href="/console/conversations"' in page.text


def test_an_admin_creates_an_account_that_can_sign_in(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    csrf = _admin(web, console_db)
    email = unique("new@example.org")
    form = {
        "email": email,
        "role": "reviewer",
        "organisation": "org-b",
        "password": "a long enough password",
        "csrf_token": csrf,
    }
    created = web.post("/console/staff", data=form)
    assert created.status_code == 303
    listing = web.get(created.headers["location"], headers=HTML)
    assert email in listing.text and "The account was created." in listing.text
    with session(console_engine) as db:
        account = crud_staff.get_staff_by_email(session=db, email=email)
        records = list(db.exec(select(AuditRecord).where(AuditRecord.action == "staff_create")))
    assert account is not None and account.organisation == "org-b"
    assert account.password_hash.startswith("$argon2id$")
    assert any(r.target == f"staff:{account.id}" for r in records)
    assert all(email not in f"{r.target}{r.details}" for r in records)
    with httpx.Client(base_url=web.base_url, follow_redirects=False) as other:
        assert sign_in_with_form(other, email, "a long enough password").status_code == 303


def test_a_short_password_or_taken_address_is_refused(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    csrf = _admin(web, console_db)
    email = unique("short@example.org")
    form = {"email": email, "role": "admin", "password": "too short", "csrf_token": csrf}
    refused = web.post("/console/staff", data=form)
    assert refused.status_code == 422 and "at least 12 characters" in refused.text
    taken = {**form, "email": email.upper(), "password": PASSWORD}
    assert web.post("/console/staff", data=taken).status_code == 303
    assert web.post("/console/staff", data=taken).status_code == 422
    with session(console_engine) as db:
        same = db.exec(select(StaffAccount).where(StaffAccount.email == email.lower())).all()
    assert len(same) == 1


def test_disabling_an_account_ends_its_sessions(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    victim = unique("leaver@example.org")
    victim_id = create_staff(console_db, email=victim, role="reviewer")
    with httpx.Client(base_url=web.base_url, follow_redirects=False) as theirs:
        sign_in(theirs, console_db, victim)
        assert theirs.get("/console/introductions", headers=JSON).status_code == 200
        csrf = _admin(web, console_db)
        disabled = web.post(f"/console/staff/{victim_id}/disable", data={"csrf_token": csrf})
        assert disabled.status_code == 303
        assert theirs.get("/console/introductions", headers=JSON).status_code == 401
        assert sign_in_with_form(theirs, victim).status_code == 401
    with session(console_engine) as db:
        actions = db.exec(select(AuditRecord.target).where(AuditRecord.action == "staff_disable"))
        assert f"staff:{victim_id}" in list(actions)
    missing = web.post("/console/staff/999999/disable", data={"csrf_token": csrf})
    assert missing.status_code == 404


def test_the_audit_log_shows_sign_ins_newest_first(web: httpx.Client, console_db: str) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    assert sign_in_with_form(web, email).status_code == 303
    page = web.get("/console/audit", headers=HTML)
    assert page.status_code == 200
    assert "sign_in" in page.text and email in page.text


def _s3bot(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_staff_commands_create_list_and_disable(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    email = unique("cli@example.org")
    args = ("staff", "create", "--email", email, "--role", "reviewer")
    created = _s3bot(
        console_db, *args, "--organisation", "org-c", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert created.returncode == 0, created.stderr
    assert PASSWORD not in created.stdout
    listed = _s3bot(console_db, "staff", "list")
    assert listed.returncode == 0
    line = next(row for row in listed.stdout.splitlines() if row.startswith(email))
    assert "reviewer" in line and "org-c" in line and "active" in line
    assert "$argon2" not in listed.stdout
    sign_in(web, console_db, email)
    assert web.get("/console/introductions", headers=JSON).status_code == 200
    disabled = _s3bot(console_db, "staff", "disable", "--email", email.upper())
    assert disabled.returncode == 0, disabled.stderr
    assert web.get("/console/introductions", headers=JSON).status_code == 401
    assert "disabled" in _s3bot(console_db, "staff", "list").stdout


def test_the_create_command_refuses_short_empty_or_missing_passwords(console_db: str) -> None:
    email = unique("cli@example.org")
    base = ("staff", "create", "--email", email, "--role", "admin")
    for given in ("\n", "   \n", "short\n", ""):
        refused = _s3bot(console_db, *base, "--password-stdin", stdin=given)
        assert refused.returncode == 2, given
    without_flag = _s3bot(console_db, *base, stdin=f"{PASSWORD}\n")
    assert without_flag.returncode == 2
    assert email not in _s3bot(console_db, "staff", "list").stdout
