"""Erasing a user from the console: a confirmation first, then no row of that user left in
any table of the database, other users untouched, and an audit record without personal data."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from console_helpers import (
    HTML,
    add_conversation,
    add_introduction,
    add_organisation,
    create_staff,
    sign_in,
    unique,
)
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.storage import crud, session
from bot.storage.models_staff import AuditRecord

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow


def _all_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the database (not only the tables the models know)."""
    rows = {}
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            result = connection.execute(text(f'SELECT * FROM "{table}"'))
            rows[table] = [dict(row._mapping) for row in result]
    return rows


def _mentions(rows: dict[str, list[dict[str, Any]]], needle: str) -> list[str]:
    return [
        f"{table}: {row}" for table, found in rows.items() for row in found if needle in repr(row)
    ]


def _with_conversation_id(rows: dict[str, list[dict[str, Any]]], cid: int) -> list[str]:
    return [
        f"{table}: {row}"
        for table, found in rows.items()
        for row in found
        if row.get("conversation_id") == cid or (table == "conversation" and row["id"] == cid)
    ]


def _user_with_everything(web: httpx.Client, engine: Engine) -> tuple[str, int, int]:
    """A user who talked over the REST channel, confirmed a profile and asked for an
    introduction; returns (sender id, conversation id, introduction id)."""
    sender = unique("rest-erase-me")
    reply = web.post("/webhooks/rest/webhook", json={"sender": sender, "message": "hello"})
    assert reply.status_code == 200, reply.text
    with session(engine) as db:
        crud.save_profile(session=db, sender_id=sender, data={"company_name": "Erased Oy"})
        conversation = crud.get_conversation(session=db, sender_id=sender)
        assert conversation is not None and conversation.id is not None
        cid = conversation.id
    partner = add_organisation(engine, unique("ORG"))
    return sender, cid, add_introduction(engine, sender, partner)


def test_erasure_asks_first_then_leaves_no_row_of_the_user(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    email = unique("admin@example.org")
    create_staff(console_db, email=email)
    csrf = sign_in(web, console_db, email)
    sender, cid, introduction = _user_with_everything(web, console_engine)
    bystander = unique("rest-bystander")
    add_conversation(console_engine, bystander)
    noted = web.post(
        f"/console/introductions/{introduction}",
        data={"status": "contacted", "note": "Spoke with Erased Oy", "csrf_token": csrf},
    )
    assert noted.status_code == 303
    before = _all_rows(console_engine)
    assert _mentions(before, sender) and _with_conversation_id(before, cid)

    url = f"/console/conversations/{sender}/erase"
    confirm_page = web.get(url, headers=HTML)
    assert confirm_page.status_code == 200
    assert "Type the conversation id to confirm" in confirm_page.text
    mismatch = web.post(url, data={"confirm": "someone else", "csrf_token": csrf})
    assert mismatch.status_code == 422
    assert _mentions(_all_rows(console_engine), sender)  # nothing erased yet

    done = web.post(url, data={"confirm": sender, "csrf_token": csrf})
    assert done.status_code == 200 and "was erased" in done.text
    after = _all_rows(console_engine)
    assert _mentions(after, sender) == []
    assert _mentions(after, "Erased Oy") == []
    assert _with_conversation_id(after, cid) == []
    assert [n for n in before["introduction_note"] if n["introduction_id"] == introduction]
    assert [n for n in after["introduction_note"] if n["introduction_id"] == introduction] == []
    assert [i for i in after["introduction_request"] if i["id"] == introduction] == []
    assert _mentions(after, bystander)  # others keep their data
    assert web.get(url, headers=HTML).status_code == 404

    with session(console_engine) as db:
        erasures = db.exec(select(AuditRecord).where(AuditRecord.action == "erase")).all()
    assert len(erasures) == 1
    record = erasures[0]
    assert record.target is not None and record.target.startswith("sender:")
    assert sender not in repr(record)
    assert record.details is not None and record.details["channel"] == "rest"
    assert record.details["rows"] > 0


def test_erasure_is_for_admins_and_needs_an_existing_conversation(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sender = unique("rest-kept")
    add_conversation(console_engine, sender)
    email = unique("reviewer@example.org")
    create_staff(console_db, email=email, role="reviewer")
    csrf = sign_in(web, console_db, email)
    url = f"/console/conversations/{sender}/erase"
    assert web.get(url, headers=HTML).status_code == 403
    assert web.post(url, data={"confirm": sender, "csrf_token": csrf}).status_code == 403
    assert _mentions(_all_rows(console_engine), sender)
    admin = unique("admin@example.org")
    create_staff(console_db, email=admin)
    csrf = sign_in(web, console_db, admin)
    missing = "/console/conversations/rest-nobody-here/erase"
    assert web.get(missing, headers=HTML).status_code == 404
    refused = web.post(missing, data={"confirm": "rest-nobody-here", "csrf_token": csrf})
    assert refused.status_code == 404


def test_a_sender_id_with_colons_and_slashes_is_erased(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sender = unique("rest-odd") + ":a/b"
    add_conversation(console_engine, sender)
    admin = unique("admin@example.org")
    create_staff(console_db, email=admin)
    csrf = sign_in(web, console_db, admin)
    url = f"/console/conversations/{sender}/erase"
    assert web.get(url, headers=HTML).status_code == 200
    assert web.post(url, data={"confirm": sender, "csrf_token": csrf}).status_code == 200
    assert _mentions(_all_rows(console_engine), sender) == []
