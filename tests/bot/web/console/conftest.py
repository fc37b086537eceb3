"""Fixtures of the console's tests: one live server per test module (the real agent on a
database of the module's own), and a fresh client per test.

The server is shared by a module's tests to spare an agent start per test, so tests use
accounts and senders of their own (`console_helpers.unique`), and sign-in failures are
forgotten before each test. The checkout's trained NLU model is reused (a build output,
retrained only when the data changed): these tests are about access, not understanding.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from web_helpers import live_server, real_agent

from bot.config import PROJECT_ROOT, Settings
from bot.storage import make_engine, session, upgrade_schema
from bot.storage.models_staff import LoginFailure


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The checkout's models directory (see the module docstring)."""
    return PROJECT_ROOT / "models"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def console_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database for the module's server, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('console') / 's3bot.db'}"
    else:
        url = request.getfixturevalue("postgres_test_database")
        cleaner = create_engine(url, poolclass=NullPool)
        with cleaner.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        cleaner.dispose()
    engine = make_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def console_settings(console_db: str, models_dir: Path) -> Settings:
    """The settings of the module's server."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=console_db,
        MODELS_DIR=models_dir,
        ENVIRONMENT="test",
        RATE_LIMIT_PER_ADDRESS=0,
        RATE_LIMIT_PER_SENDER=0,
    )


@pytest.fixture(scope="module")
def console_url(console_settings: Settings) -> Iterator[str]:
    """The base URL of the module's live server."""
    with live_server(real_agent, console_settings) as url:
        yield url


@pytest.fixture(scope="module")
def console_engine(console_db: str) -> Iterator[Engine]:
    """An engine on the module's database, for setting up and inspecting rows."""
    engine = make_engine(console_db)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _forget_failures(request: pytest.FixtureRequest) -> None:
    """Each test starts with no sign-in failures counted (the server is shared)."""
    if "console_db" in request.fixturenames:
        engine: Engine = request.getfixturevalue("console_engine")
        with session(engine) as db:
            db.execute(delete(LoginFailure))


@pytest.fixture
def web(console_url: str) -> Iterator[httpx.Client]:
    """A client of the module's server that does not follow redirects."""
    with httpx.Client(base_url=console_url, timeout=60.0, follow_redirects=False) as http:
        yield http
