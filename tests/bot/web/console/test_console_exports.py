"""Exports over real HTTP: a transcript as a test story that `s3bot test stories` loads,
as JSON, and the filtered list as CSV that a spreadsheet cannot run; each export audited."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import httpx
import pytest
import yaml
from console_data import bot, slot, store, user
from console_helpers import sign_in_new, unique
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import PROJECT_ROOT
from bot.dialogue.domain import load_domain
from bot.dialogue.stories import load_stories
from bot.storage import session
from bot.storage.models_staff import AuditRecord

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow


def _audited(engine: Engine, action: str, target: str | None) -> list[AuditRecord]:
    with session(engine) as db:
        statement = select(AuditRecord).where(AuditRecord.action == action)
        if target is not None:
            statement = statement.where(AuditRecord.target == target)
        return list(db.exec(statement).all())


def test_story_export_loads_as_a_test_story(
    web: httpx.Client, console_db: str, console_engine: Engine, tmp_path: Path
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    sender = unique("tg:story")
    conversation_id = store(
        console_engine,
        sender,
        [
            {"event": "action", "timestamp": time.time(), "name": "action_session_start"},
            user("hello there", "greet", 0.95),
            {"event": "action", "timestamp": time.time(), "name": "utter_greet"},
            bot("Hi!", "utter_greet"),
            {"event": "action", "timestamp": time.time(), "name": "action_listen"},
            user("/show_menu", "show_menu", 1.0),
            {"event": "action", "timestamp": time.time(), "name": "action_not_in_the_domain"},
            slot("language", "en"),
            slot("no_such_slot", 1),
        ],
    )
    answer = web.get(f"/console/conversations/{sender}/export.yml")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    document = yaml.safe_load(answer.text)
    steps = document["stories"][0]["steps"]
    assert steps[0] == {"user": "hello there", "intent": "greet"}
    assert {"action": "utter_greet"} in steps
    assert {"slot_was_set": [{"language": "en"}]} in steps
    assert not any(s.get("action") in ("action_listen", "action_not_in_the_domain") for s in steps)
    path = tmp_path / "stories" / "exported.yml"
    path.parent.mkdir()
    path.write_text(answer.text, encoding="utf-8")
    domain = load_domain(PROJECT_ROOT / "data" / "domain")
    stories = load_stories(path.parent, domain)
    assert [turn.intent for turn in stories[0].turns] == ["greet", "show_menu"]
    assert sender not in answer.text
    assert (
        len(_audited(console_engine, "conversation.export", f"conversation:{conversation_id}")) == 1
    )


def test_json_export_holds_the_log_as_stored(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    sender = unique("tg:json")
    store(console_engine, sender, [user("plain <b>text</b> \u00e5"), bot("ok")])
    answer = web.get(f"/console/conversations/{sender}/export.json")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(
        "application/json"
    )
    document = json.loads(answer.text)
    assert document["sender_id"] == sender
    assert [e["event"] for e in document["events"]] == ["user", "bot"]
    assert document["events"][0]["text"] == "plain <b>text</b> \u00e5"


def test_csv_export_neutralises_formulas_and_is_audited(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    tag_sender = unique("tg:csv")
    conversation_id = store(console_engine, tag_sender, [user('=HYPERLINK("http://x","y")')])
    answer = web.get("/console/conversations.csv", params={"q": tag_sender})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [int(r["conversation_id"]) for r in rows] == [conversation_id]
    assert rows[0]["first_message"].startswith("'=HYPERLINK")
    records = _audited(console_engine, "conversations.export", None)
    assert records and records[-1].details["rows"] == 1
    assert tag_sender not in json.dumps(records[-1].details)
