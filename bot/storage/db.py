"""Engines and sessions: the one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

#: Connections kept open per PostgreSQL engine, and how many more may be opened under load.
#: A process has one engine per database (the composition root builds it), so this is all a
#: worker ever opens: 4 workers stay within PostgreSQL's default `max_connections` of 100.
#: A turn holds up to two (one for its advisory lock, one for its session); the locks take at
#: most half (`locks.LOCK_CONNECTIONS`), so sessions always find a connection.
POSTGRES_POOL_SIZE = 10
POSTGRES_MAX_OVERFLOW = 10
POSTGRES_MAX_CONNECTIONS = POSTGRES_POOL_SIZE + POSTGRES_MAX_OVERFLOW

#: How long SQLite waits for another writer before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL, pointing every PostgreSQL spelling at the psycopg 3 driver.

    `postgres://` (Heroku style), `postgresql://` and `postgresql+psycopg2://` all become
    `postgresql+psycopg://`; other URLs are returned parsed but otherwise unchanged.
    """
    parsed = make_url(str(url)) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """Build an engine for `url`: SQLite (the embedded default) or PostgreSQL.

    Each engine is a connection pool of its own: a process builds one per database, in its
    composition root (`bot.main`), and hands it to everything that needs the database.
    SQLite gets its file's directory created, WAL journaling, a busy timeout and enforced
    foreign keys on every connection; an in-memory database is shared by all threads.
    PostgreSQL goes through psycopg 3 with a bounded, pre-pinged connection pool.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _make_sqlite_engine(parsed, echo=echo)
    return create_engine(
        parsed,
        echo=echo,
        pool_size=POSTGRES_POOL_SIZE,
        max_overflow=POSTGRES_MAX_OVERFLOW,
        pool_pre_ping=True,
    )


def _make_sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or "mode=memory" in database
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if in_memory:
        kwargs["poolclass"] = StaticPool
    elif not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, **kwargs)
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # Safe with WAL: an application crash loses nothing; only a power cut may lose the
        # last commits, never corrupt the file. Saves an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def is_postgres(engine: Engine) -> bool:
    """Whether `engine` talks to PostgreSQL (and so can take advisory locks)."""
    return engine.dialect.name == "postgresql"


@contextmanager
def session(engine: Engine | Connection) -> Iterator[Session]:
    """A unit of work: committed when the block ends normally, rolled back if it raises.

    Given a connection (one that holds a conversation's advisory lock), the work runs on it.
    """
    with Session(bind=engine, expire_on_commit=False) as db:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
