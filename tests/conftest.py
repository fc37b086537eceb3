"""Fixtures shared by the whole suite: a database on SQLite and on PostgreSQL.

Tests that take `database_url`, `engine` or `db_session` run twice, once per database:

* ``[sqlite]``: a fresh file in the test's ``tmp_path``.
* ``[postgres]`` (marked ``postgres``): a database created for this test session from
  ``TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), dropped at
  the end, with its ``public`` schema emptied before every test. Without ``TEST_DATABASE_URL``
  these tests are skipped, unless ``S3BOT_REQUIRE_POSTGRES=1`` (set in CI), which makes them
  fail instead, so a run that never reached PostgreSQL cannot pass unnoticed.

Run only one side with ``-m postgres`` / ``-m "not postgres"`` or ``-k sqlite``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from bot.config import Settings
from bot.dialogue.agent import Agent
from bot.main import build_agent
from bot.storage.db import make_engine, normalize_url, session
from bot.storage.migrate import upgrade_schema


def _postgres_url_or_skip() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if os.environ.get("S3BOT_REQUIRE_POSTGRES") == "1":
        pytest.fail(
            "S3BOT_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: "
            "PostgreSQL tests cannot run",
            pytrace=False,
        )
    pytest.skip("TEST_DATABASE_URL is not set")


@pytest.fixture(scope="session")
def postgres_test_database() -> Iterator[str]:
    """URL of a PostgreSQL database of this test session's own, dropped when the session ends."""
    server = normalize_url(_postgres_url_or_skip())
    name = f"s3bot_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database (no tables), once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 's3bot.db'}"
    url: str = request.getfixturevalue("postgres_test_database")
    cleaner = create_engine(url, poolclass=NullPool)
    with cleaner.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    cleaner.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on `database_url` with the schema migrated to head; disposed afterwards."""
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session on `engine`, committed if the test passes (see `bot.storage.db.session`)."""
    with session(engine) as db:
        yield db


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models directory for the session: the NLU is trained into it once, then reused."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def make_settings(database_url: str, models_dir: Path) -> Callable[..., Settings]:
    """Settings on the test database; keyword arguments override any setting."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "DATABASE_URL": database_url,
            "MODELS_DIR": models_dir,
            "ENVIRONMENT": "test",
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
async def agent(make_settings: Callable[..., Settings]) -> AsyncIterator[Agent]:
    """The agent exactly as `s3bot serve` builds it, on the test database."""
    built = build_agent(make_settings())
    yield built
    await built.close()
