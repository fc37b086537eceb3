"""Retention: `s3bot retention run` deletes every conversation idle for longer than
RETENTION_DAYS with all that belongs to its sender, and keeps the newer ones whole."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import timedelta

from sqlalchemy import func, inspect, text, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.storage import crud, crud_partners, session
from bot.storage.models import Conversation, Event, utcnow
from bot.storage.models_partners import OrganisationCreate
from bot.storage.models_staff import AuditRecord, IntroductionNote
from bot.storage.retention import delete_idle_conversations


def _organisation(engine: Engine) -> int:
    ref = f"ORG-{uuid.uuid4().hex[:6]}"
    organisation = OrganisationCreate(
        ref=ref,
        name="Partner",
        org_type="rto",
        country="FI",
        profile_type="TO",
        title="t",
        description="d",
    )
    with session(engine) as db:
        crud_partners.upsert_organisations(session=db, organisations=[organisation])
        found = crud_partners.get_organisation_by_ref(session=db, ref=ref)
        assert found is not None and found.id is not None
        return found.id


def _user(engine: Engine, sender: str, organisation_id: int, idle_days: float) -> None:
    """A sender with events, an inbox entry, a profile and a noted introduction request,
    last active `idle_days` ago."""
    with session(engine) as db:
        cid = crud.conversation_id_of(session=db, sender_id=sender, channel="rest")
        events = [
            {"event": "user", "text": f"hello from {sender}", "timestamp": 1.0},
            {"event": "bot", "text": "Hi!", "timestamp": 2.0},
        ]
        crud.append_events(session=db, conversation_id=cid, events=events, first_seq=0)
        crud.claim_inbox(
            session=db,
            channel="rest",
            message_id=f"m-{sender}",
            sender_id=sender,
            conversation_id=cid,
        )
        crud.save_profile(session=db, sender_id=sender, data={"company_name": f"{sender} Oy"})
        request = crud_partners.create_introduction_request(
            session=db, sender_id=sender, organisation_id=organisation_id
        )
        db.add(IntroductionNote(introduction_id=request.id, text=f"note on {sender}"))  # type: ignore[arg-type]
        db.execute(
            update(Conversation)
            .where(col(Conversation.id) == cid)
            .values(updated_at=utcnow() - timedelta(days=idle_days))
        )


def _mentions(engine: Engine, needle: str) -> list[str]:
    found = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                if needle in repr(tuple(row)):
                    found.append(f"{table}: {tuple(row)}")
    return found


def _retention_run(database_url: str, days: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    env.pop("RETENTION_DAYS", None)
    if days is not None:
        env["RETENTION_DAYS"] = days
    return subprocess.run(
        [sys.executable, "-m", "bot", "retention", "run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_retention_run_deletes_what_is_older_and_keeps_what_is_newer(
    engine: Engine, database_url: str
) -> None:
    organisation = _organisation(engine)
    old = [f"rest-old-{i}" for i in range(3)]
    new = [f"rest-new-{i}" for i in range(2)]
    for sender in old:
        _user(engine, sender, organisation, idle_days=31)
    for sender in new:
        _user(engine, sender, organisation, idle_days=29)

    result = _retention_run(database_url, "30")
    assert result.returncode == 0, result.stderr
    assert "Deleted 3 conversations" in result.stdout

    cutoff = utcnow() - timedelta(days=30)
    with session(engine) as db:
        older = db.exec(select(func.count()).where(col(Conversation.updated_at) < cutoff)).one()
        kept = db.exec(select(Conversation.sender_id)).all()
        events = db.exec(select(func.count()).select_from(Event)).one()
        audit = db.exec(select(AuditRecord).where(AuditRecord.action == "retention_run")).all()
    assert older == 0
    assert sorted(kept) == new
    assert events == 2 * len(new)
    for sender in old:
        assert _mentions(engine, sender) == []
    for sender in new:
        assert len(_mentions(engine, sender)) >= 5  # conversation, events, inbox, profile...
    assert [a.details for a in audit] == [{"days": 30, "conversations": 3}]


def test_retention_off_deletes_nothing(engine: Engine, database_url: str) -> None:
    _user(engine, "rest-ancient", _organisation(engine), idle_days=3650)
    for days in (None, "0", ""):
        result = _retention_run(database_url, days)
        assert result.returncode == 0, result.stderr
        assert "nothing is deleted" in result.stdout
    assert _mentions(engine, "rest-ancient")


def test_a_conversation_active_again_is_kept(engine: Engine) -> None:
    """The check repeated under the lock: an idle sender seen earlier who wrote since stays."""
    from bot.storage.retention import _erase_if_idle

    _user(engine, "rest-back", _organisation(engine), idle_days=40)
    cutoff = utcnow() - timedelta(days=30)
    with session(engine) as db:
        from bot.storage.retention import idle_senders

        assert idle_senders(session=db, cutoff=cutoff) == ["rest-back"]
        db.execute(update(Conversation).values(updated_at=utcnow()))  # the user writes again
    assert _erase_if_idle(engine, "rest-back", cutoff) is False
    assert asyncio.run(delete_idle_conversations(engine, cutoff)) == 0
    assert _mentions(engine, "rest-back")
