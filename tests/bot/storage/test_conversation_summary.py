"""The console's summary of a conversation, kept by every append from the new events only,
agrees with one rebuilt from the whole log; erasure and deletion take it along."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import PROJECT_ROOT
from bot.storage import crud, session, summary
from bot.storage.models import Conversation
from bot.storage.models_console import ConversationSummary, ConversationText, NluAnnotation

T0 = 1_700_000_000.0


def _event(kind: str, at: float, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "timestamp": T0 + at, **fields}


def _user(at: float, text: str, intent: str = "inform", **parse: Any) -> dict[str, Any]:
    data = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], **parse}
    return _event("user", at, text=text, parse_data=data)


TURNS: list[list[dict[str, Any]]] = [
    [_user(0, "hello"), _event("slot", 0.1, name="language", value="fi")],
    [
        _user(10, "/check_voucher", "check_voucher"),
        _event("slot", 10.2, name="profile_saved", value=True),
    ],
    [
        _user(
            20,
            "mitä?",
            "nlu_fallback",
            intent_ranking=[{"name": "nlu_fallback"}, {"name": "greet", "confidence": 0.2}],
        ),
        _event("action", 20.1, name="action_default_fallback"),
        _event("bot", 20.2, text="Eligible", metadata={"utter_action": "utter_voucher_eligible"}),
    ],
    [
        _user(30, "a person please", "talk_to_human"),
        _event("slot", 30.1, name="partner_suggestions", value=["a", "b"]),
        _event("bot", 30.2, text="Sent", metadata={"utter_action": "utter_introduction_requested"}),
        _event("bot", 30.3, text="Not", metadata={"utter_action": "utter_voucher_not_eligible"}),
    ],
]


def _store(engine: Engine, sender: str) -> int:
    with session(engine) as db:
        conversation = crud.get_or_create_conversation(
            session=db, sender_id=sender, channel="telegram"
        )
        conversation_id = int(conversation.id)  # type: ignore[arg-type]
    seq = 0
    for turn in TURNS:  # one transaction per turn, as the agent stores them
        with session(engine) as db:
            crud.append_events(
                session=db, conversation_id=conversation_id, events=turn, first_seq=seq
            )
        seq += len(turn)
    return conversation_id


def _row(engine: Engine, conversation_id: int) -> dict[str, Any]:
    with session(engine) as db:
        row = db.get(ConversationSummary, conversation_id)
        assert row is not None
        return row.model_dump()


def test_summary_folds_each_turn_into_the_conversation(engine: Engine) -> None:
    conversation_id = _store(engine, "tg:summed")
    row = _row(engine, conversation_id)
    assert row["sender_id"] == "tg:summed" and row["channel"] == "telegram"
    assert row["language"] == "fi" and row["user_messages"] == 4
    assert row["first_at"].timestamp() == T0 and row["last_at"].timestamp() == T0 + 30.3
    assert row["preview"] == "hello"
    assert row["verdict"] == "not_eligible"  # the last verdict given
    flags = ("profiled", "partners_shown", "introduction_requested", "fallback", "handed_over")
    assert all(row[flag] for flag in flags)


def test_summary_kept_per_turn_equals_one_rebuilt_from_the_log(engine: Engine) -> None:
    conversation_id = _store(engine, "tg:rebuilt")
    kept = _row(engine, conversation_id)
    with session(engine) as db:
        assert summary.reindex(session=db, conversation_id=conversation_id) == sum(map(len, TURNS))
    assert _row(engine, conversation_id) == kept
    with session(engine) as db:
        texts = db.exec(
            select(ConversationText.text).where(ConversationText.conversation_id == conversation_id)
        ).all()
    assert sorted(texts) == ["a person please", "hello", "mita?"]  # folded; no button payload


def test_a_fallback_enters_the_nlu_inbox_once_with_the_best_guess(engine: Engine) -> None:
    conversation_id = _store(engine, "tg:unsure")
    with session(engine) as db:
        summary.reindex(session=db, conversation_id=conversation_id)  # no second entry
        (entry,) = db.exec(
            select(NluAnnotation).where(NluAnnotation.conversation_id == conversation_id)
        ).all()
    assert (entry.seq, entry.text, entry.text_key) == (4, "mitä?", "mita")
    assert (entry.predicted_intent, entry.confidence, entry.language) == ("greet", 0.2, "fi")
    assert entry.status == "new"


def test_erasure_and_deletion_leave_no_console_row(engine: Engine) -> None:
    erased = _store(engine, "tg:erased")
    deleted = _store(engine, "tg:deleted")
    with session(engine) as db:
        crud.delete_sender_data(session=db, sender_id="tg:erased")
        db.execute(delete(Conversation).where(Conversation.id == deleted))  # ON DELETE CASCADE
    with session(engine) as db:
        for model in (ConversationSummary, ConversationText, NluAnnotation):
            left = db.exec(select(model).where(model.conversation_id.in_([erased, deleted]))).all()  # type: ignore[attr-defined]
            assert left == [], model


def test_text_no_database_can_hold_is_stored_cleaned(engine: Engine) -> None:
    with session(engine) as db:
        conversation = crud.get_or_create_conversation(
            session=db, sender_id="tg:nul", channel="rest"
        )
        crud.append_events(
            session=db,
            conversation_id=int(conversation.id),  # type: ignore[arg-type]
            events=[_user(0, "nul\x00 and \ud800 here")],
            first_seq=0,
        )
    with session(engine) as db:
        row = db.exec(
            select(ConversationSummary).where(ConversationSummary.sender_id == "tg:nul")
        ).one()
    assert row.preview == "nul and ? here"


def test_reindex_command_rebuilds_what_is_missing(engine: Engine, database_url: str) -> None:
    conversation_id = _store(engine, "tg:backfilled")
    kept = _row(engine, conversation_id)
    with session(engine) as db:  # as before migration 0008: logs without summaries
        db.execute(delete(ConversationText))
        db.execute(delete(ConversationSummary))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "reindex"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Reindexed 1 conversation." in done.stdout
    assert _row(engine, conversation_id) == kept
