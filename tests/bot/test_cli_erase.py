"""`s3bot erase --sender ID`: the operator's erasure, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy.engine import Engine

from bot.storage import crud, session


def _erase(database_url: str, *args: str, typed: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "erase", *args],
        input=typed,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _store(engine: Engine, sender: str) -> None:
    with session(engine) as db:
        conversation = crud.get_or_create_conversation(session=db, sender_id=sender, channel="rest")
        assert conversation.id is not None
        crud.append_events(
            session=db,
            conversation_id=conversation.id,
            events=[{"event": "user", "text": "we are Tallinn Textiles OU", "timestamp": 1.0}],
            first_seq=0,
        )
        crud.save_profile(session=db, sender_id=sender, data={"company_name": "Tallinn Textiles"})


def _stored(engine: Engine, sender: str) -> int:
    with session(engine) as db:
        return sum(crud.count_sender_data(session=db, sender_id=sender).values())


def test_erase_asks_first_and_a_no_erases_nothing(engine: Engine, database_url: str) -> None:
    _store(engine, "op-1")
    result = _erase(database_url, "--sender", "op-1", typed="n\n")
    assert result.returncode == 1, result.stderr
    assert "conversation: 1" in result.stdout and "profile: 1" in result.stdout
    assert "Nothing was erased." in result.stdout
    assert _stored(engine, "op-1") == 3


def test_erase_with_a_typed_yes_erases_and_counts_the_rows(
    engine: Engine, database_url: str
) -> None:
    _store(engine, "op-2")
    _store(engine, "op-other")
    result = _erase(database_url, "--sender", "op-2", typed="yes\n")
    assert result.returncode == 0, result.stderr
    assert "Erased 3 rows about 'op-2'." in result.stdout
    assert _stored(engine, "op-2") == 0
    assert _stored(engine, "op-other") == 3


def test_erase_without_a_terminal_needs_yes(engine: Engine, database_url: str) -> None:
    _store(engine, "op-3")
    assert _erase(database_url, "--sender", "op-3").returncode == 1  # no answer: no erasure
    assert _stored(engine, "op-3") == 3
    result = _erase(database_url, "--sender", "op-3", "--yes")
    assert result.returncode == 0 and "Erased 3 rows" in result.stdout
    again = _erase(database_url, "--sender", "op-3", "--yes")
    assert again.returncode == 0 and "Nothing is stored about 'op-3'." in again.stdout
