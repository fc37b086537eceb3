"""Erased text leaves the disk: not in the SQLite file, not in its write-ahead log.

The files are read while the engine is still open: closing the last connection checkpoints
the WAL by itself, which would hide a missing checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.dialogue.messages import UserMessage
from bot.main import build_agent
from bot.storage import crud, make_engine, session, upgrade_schema
from bot.storage.scrub import checkpoint_wal

MARKER = "Quokkafarm7731zx"


def _on_disk(database: Path) -> dict[str, bool]:
    """Whether the marker's bytes are in the database file and in its WAL."""
    files = {"db": database, "wal": database.with_name(database.name + "-wal")}
    return {
        kind: path.exists() and MARKER.encode() in path.read_bytes() for kind, path in files.items()
    }


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "erase.db"


@pytest.fixture
def sqlite_engine(database: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{database}")
    upgrade_schema(engine)
    yield engine
    engine.dispose()


def _store_marker(engine: Engine, sender: str) -> None:
    with session(engine) as db:
        conversation = crud.get_or_create_conversation(session=db, sender_id=sender, channel="rest")
        crud.append_events(
            session=db,
            conversation_id=int(conversation.id),  # type: ignore[arg-type]
            events=[{"event": "user", "text": f"we are {MARKER} Oy", "timestamp": 1.0}],
            first_seq=0,
        )


def test_delete_sender_data_leaves_no_text_in_db_or_wal(
    sqlite_engine: Engine, database: Path
) -> None:
    _store_marker(sqlite_engine, "gone")
    checkpoint_wal(sqlite_engine)  # the text in the database file itself, as after a while
    _store_marker(sqlite_engine, "gone-too")  # and in the WAL, as just after a turn
    assert _on_disk(database) == {"db": True, "wal": True}

    for sender in ("gone", "gone-too"):
        with session(sqlite_engine) as db:
            assert crud.delete_sender_data(session=db, sender_id=sender) > 0

    assert _on_disk(database) == {"db": False, "wal": False}
    assert database.with_name(database.name + "-wal").stat().st_size == 0


def test_checkpoint_is_a_no_op_off_sqlite_files(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")  # in memory: no WAL to fold
    try:
        assert checkpoint_wal(engine)
    finally:
        engine.dispose()


async def test_erasure_in_the_dialogue_leaves_no_text_on_disk(
    database: Path, models_dir: Path
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=f"sqlite:///{database}",
        MODELS_DIR=models_dir,
        ENVIRONMENT="test",
    )
    agent = build_agent(settings)
    try:

        async def say(text: str, message_id: str) -> None:
            await agent.handle(UserMessage("wal-gone", text, "rest", message_id))

        await say(f"hello, we are {MARKER} Oy from Finland", "1")
        assert any(_on_disk(database).values())
        await say("/delete_my_data", "2")
        await say("/affirm", "3")  # _close_turn erases instead of storing the turn

        assert _on_disk(database) == {"db": False, "wal": False}
        state = await agent.tracker_state("wal-gone", "ALL")
        assert state is None or state["events"] == []
    finally:
        await agent.close()
