"""The NLU inbox over real HTTP: fallen-back messages grouped by similar text, a relabel with
an entity that reaches the transcript's story export and the exported training data, a
rejection, and the refusals (CSRF, unknown intent, words not in the message)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from console_data import bot, store, user
from console_helpers import HTML, sign_in_new, unique
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import PROJECT_ROOT
from bot.storage import session
from bot.storage.models_console import NluAnnotation
from bot.storage.models_staff import AuditRecord
from nlu.training_data import load_training_data, validate_nlu_files

# A live server (per module or per test) with the real NLU: make test-slow runs these.
pytestmark = pytest.mark.slow


def fallback(text: str) -> dict[str, object]:
    """A user event the NLU fell back on, its best guess `ask_help`."""
    event = user(text, "nlu_fallback", 0.31)
    event["parse_data"]["intent_ranking"] = [  # type: ignore[index]
        {"name": "nlu_fallback", "confidence": 0.31},
        {"name": "ask_help", "confidence": 0.28},
    ]
    return event


def _entries(engine: Engine, word: str) -> list[NluAnnotation]:
    with session(engine) as db:
        rows = db.exec(select(NluAnnotation).where(NluAnnotation.text_key.contains(word)))  # type: ignore[attr-defined]
        return list(rows.all())


def test_similar_messages_form_one_group_with_the_best_guess(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    sign_in_new(web, console_db, email=unique("admin@example.org"))
    word = unique("quixotic").replace("-", "")
    store(console_engine, unique("tg:a"), [fallback(f"Do you fund {word}?"), bot("Sorry?")])
    store(console_engine, unique("tg:b"), [fallback(f"do you FUND {word}"), bot("Sorry?")])
    store(console_engine, unique("tg:c"), [user(f"{word} is fine", "inform", 0.99)])
    assert len(_entries(console_engine, word)) == 2
    page = web.get("/console/nlu", headers=HTML)
    assert page.status_code == 200
    section = page.text[page.text.index(word) - 200 :]
    assert "Messages: 2" in section[:1200]
    assert "ask_help (0.28)" in section[:1200]


def test_relabel_reaches_the_story_export_and_the_training_data(
    web: httpx.Client, console_db: str, console_engine: Engine, tmp_path: Path
) -> None:
    csrf = sign_in_new(web, console_db, email=unique("admin@example.org"))
    word = unique("vouchery").replace("-", "")
    sender = unique("tg:relabel")
    text = f"can a company in Estonia get {word}"
    store(console_engine, sender, [fallback(text), bot("Sorry?")])
    (entry,) = _entries(console_engine, word)
    refused = web.post(f"/console/nlu/{entry.id}", data={"decision": "accept", "intent": "greet"})
    assert refused.status_code == 403
    wrong = {"csrf_token": csrf, "decision": "accept", "intent": "no_such_intent"}
    assert web.post(f"/console/nlu/{entry.id}", data=wrong).status_code == 422
    absent = {
        "csrf_token": csrf,
        "decision": "accept",
        "intent": "check_voucher",
        "entity_value": "Latvia",
        "entity_type": "country",
    }
    assert web.post(f"/console/nlu/{entry.id}", data=absent).status_code == 422
    form = {**absent, "entity_value": "Estonia"}
    assert web.post(f"/console/nlu/{entry.id}", data=form).status_code == 303
    (decided,) = _entries(console_engine, word)
    assert decided.status == "accepted" and decided.accepted_intent == "check_voucher"
    assert decided.entities == [{"start": 17, "end": 24, "value": "Estonia", "entity": "country"}]

    story = yaml.safe_load(web.get(f"/console/conversations/{sender}/export.yml").text)
    assert story["stories"][0]["steps"][0] == {"user": text, "intent": "check_voucher"}
    transcript = web.get(f"/console/conversations/{sender}", headers=HTML).text
    assert "corrected to: check_voucher" in transcript

    with session(console_engine) as db:
        audit = db.exec(
            select(AuditRecord).where(
                AuditRecord.action == "nlu.relabel",
                AuditRecord.target == f"nlu_annotation:{entry.id}",
            )
        ).one()
    assert audit.details["intent"] == "check_voucher" and word not in str(audit.details)

    data_dir = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu" / "en", data_dir / "nlu" / "en")
    env = {**os.environ, "DATABASE_URL": console_db, "DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "nlu", "export-annotations", "--lang", "en"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    exported = data_dir / "nlu" / "en" / "console_annotations.yml"
    assert f"- can a company in [Estonia](country) get {word}\n" in exported.read_text()
    assert validate_nlu_files(data_dir / "nlu" / "en") == []
    examples = load_training_data(data_dir / "nlu" / "en").examples
    (learned,) = [e for e in examples if word in e.text]
    assert learned.intent == "check_voucher" and learned.entities[0].entity == "country"


def test_rejected_group_leaves_the_inbox(
    web: httpx.Client, console_db: str, console_engine: Engine
) -> None:
    csrf = sign_in_new(web, console_db, email=unique("admin@example.org"))
    word = unique("gibberishy").replace("-", "")
    store(console_engine, unique("tg:r1"), [fallback(f"{word} {word}")])
    store(console_engine, unique("tg:r2"), [fallback(f"{word}  {word}!")])
    first = _entries(console_engine, word)[0]
    answer = web.post(f"/console/nlu/{first.id}", data={"csrf_token": csrf, "decision": "reject"})
    assert answer.status_code == 303
    assert {e.status for e in _entries(console_engine, word)} == {"rejected"}
    assert word not in web.get("/console/nlu", headers=HTML).text
    assert word in web.get("/console/nlu", params={"status": "rejected"}, headers=HTML).text
    assert re.search(r"/console/nlu/\d+", web.get("/console/nlu?status=rejected").text) is None
