"""Engines and sessions on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.storage.db import is_postgres, make_engine, normalize_url, session
from bot.storage.models import Conversation


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:p@db:5432/s3",
        "postgresql://u:p@db:5432/s3",
        "postgresql+psycopg2://u:p@db:5432/s3",
        "postgresql+psycopg://u:p@db:5432/s3",
    ],
)
def test_normalize_url_postgres_spellings_use_psycopg(url: str) -> None:
    parsed = normalize_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.port, parsed.database) == ("db", 5432, "s3")


def test_normalize_url_sqlite_unchanged() -> None:
    assert normalize_url("sqlite:///var/x.db").render_as_string() == "sqlite:///var/x.db"


def test_make_engine_sqlite_creates_directory_and_sets_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 's3bot.db'}")
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            }
        assert (tmp_path / "a" / "b").is_dir()
        assert pragma == {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}
        assert not is_postgres(engine)
    finally:
        engine.dispose()


def test_make_engine_sqlite_in_memory_is_shared_by_threads() -> None:
    import threading

    engine = make_engine("sqlite://")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        seen: list[int] = []

        def read() -> None:
            with engine.connect() as connection:
                seen.append(connection.exec_driver_sql("SELECT x FROM t").scalar_one())

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        assert seen == [1]
    finally:
        engine.dispose()


def test_is_postgres_matches_the_database(engine: Engine, database_url: str) -> None:
    assert is_postgres(engine) == database_url.startswith("postgresql")


def test_session_commits_on_success(engine: Engine) -> None:
    with session(engine) as db:
        db.add(Conversation(sender_id="s1", channel="rest"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM conversation")).scalar_one() == 1


def test_session_rolls_back_on_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session(engine) as db:
        db.add(Conversation(sender_id="s1", channel="rest"))
        db.flush()
        raise RuntimeError("boom")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM conversation")).scalar_one() == 0
