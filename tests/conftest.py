"""Fixtures shared by the whole suite: a database on SQLite and on PostgreSQL.

Tests that take `database_url`, `engine` or `db_session` run twice, once per database:

* ``[sqlite]``: a fresh file in the test's ``tmp_path``.
* ``[postgres]`` (marked ``postgres``): a database created for this test session from
  ``TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), dropped at
  the end, with its ``public`` schema emptied before every test. Without ``TEST_DATABASE_URL``
  these tests are skipped, unless ``S3BOT_REQUIRE_POSTGRES=1`` (set in CI), which makes them
  fail instead, so a run that never reached PostgreSQL cannot pass unnoticed.

Run only one side with ``-m postgres`` / ``-m "not postgres"`` or ``-k sqlite``.

What a test only reads is made once per test session (per worker under ``pytest -n``):

* ``engine`` copies a database migrated once per session instead of running the migrations
  again: on SQLite a copy of a migrated file, on PostgreSQL ``CREATE DATABASE ... TEMPLATE``
  of a migrated template database. Each test still gets a database of its own.
* ``models_dir`` trains the NLU once per run, shared by the workers of ``pytest -n`` (one
  trains under a file lock, the others reuse its model).
* ``bot.main.build_agent`` reads the data folder and loads the NLU model once per content of
  the data and models folders: each agent gets a deep copy of the data (a test may change its
  domain) and shares the loaded interpreter, which parsing does not change. A folder whose files
  change (a test's own data) is read again.
"""

from __future__ import annotations

import copy
import fcntl
import logging
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session

import bot.main
from bot.config import PROJECT_ROOT, Settings
from bot.dialogue.agent import Agent
from bot.dialogue.bot_data import BotData
from bot.dialogue.choices import ChoiceReader
from bot.dialogue.rules import UNSET
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


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session, copied for each test's `engine`."""
    path = tmp_path_factory.mktemp("migrated") / "s3bot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_template_database(postgres_test_database: str) -> Iterator[str]:
    """Name of a PostgreSQL database migrated to head once per session, for
    `CREATE DATABASE ... TEMPLATE`; dropped when the session ends."""
    url = make_url(postgres_test_database)
    name = f"{url.database}_migrated"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_engine(url.set(database=name))
        upgrade_schema(engine)
        engine.dispose()
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _copy_migrated_database(request: pytest.FixtureRequest, database_url: str) -> None:
    """Make `database_url` (empty) a copy of the session's migrated database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        target = Path(url.database or "")
        if target.exists():  # the test wrote to the database before asking for `engine`
            upgrade_schema(database_url)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), target)
        return
    probe = create_engine(url, poolclass=NullPool)
    with probe.connect() as connection:
        used = connection.execute(
            text("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public')")
        ).scalar_one()
    probe.dispose()
    if used:  # the test migrated or wrote to the database before asking for `engine`
        upgrade_schema(database_url)
        return
    template: str = request.getfixturevalue("postgres_template_database")
    admin = create_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{template}"'))
    admin.dispose()


@pytest.fixture
def engine(request: pytest.FixtureRequest, database_url: str) -> Iterator[Engine]:
    """An engine on `database_url` with the schema migrated to head; disposed afterwards.

    The database is a copy of one migrated once per session (see the module docstring)."""
    _copy_migrated_database(request, database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session on `engine`, committed if the test passes (see `bot.storage.db.session`)."""
    with session(engine) as db:
        yield db


def _files_state(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under `root` with its size and modification time (empty if there is none)."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:  # removed while we looked
                continue
            found.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(found)


class _Memo:
    """Values made once per key, from any thread (a live server builds its agent in its own)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._values: dict[Hashable, Any] = {}

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._values:
                self._values[key] = make()
            return self._values[key]


@pytest.fixture(autouse=True)
def _logging_handlers_restored() -> Iterator[None]:
    """The root logger's handlers as they were before the test: a test that configures logging
    in-process (a CLI command) would otherwise leave a handler on its captured, later closed,
    stderr, and every later log record of the worker would fail to print."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session", autouse=True)
def _read_data_and_models_once() -> Iterator[None]:
    """`bot.main.build_agent` reads each data and models folder once (see the module docstring)."""
    load_bot_data = bot.main.load_bot_data
    make_interpreters = bot.main.make_interpreters
    load_choices = ChoiceReader.load
    memo = _Memo()

    def shared_bot_data(data_dir: Path, *, default_language: str = "en") -> BotData:
        key = ("data", str(data_dir), default_language, _files_state(data_dir))
        data = memo.get(key, lambda: load_bot_data(data_dir, default_language=default_language))
        return copy.deepcopy(data, {id(UNSET): UNSET})  # a sentinel stays itself

    def shared_interpreters(settings: Settings, data: BotData) -> Any:
        nlu = tuple(
            sorted((code, str(path), _files_state(path)) for code, path in data.nlu_dirs.items())
        )
        key = (
            "nlu",
            nlu,
            str(settings.MODELS_DIR),
            _files_state(settings.MODELS_DIR),
            settings.NLU_FALLBACK_THRESHOLD,
            settings.DEFAULT_LANGUAGE,
        )
        return memo.get(key, lambda: make_interpreters(settings, data))

    class SharedChoiceReader:
        """`ChoiceReader.load` once per data folder; a reader only reads its vocabularies."""

        @staticmethod
        def load(data_dir: Path) -> ChoiceReader:
            key = ("choices", str(data_dir), _files_state(data_dir))
            reader: ChoiceReader = memo.get(key, lambda: load_choices(data_dir))
            return reader

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.main, "load_bot_data", shared_bot_data)
        patch.setattr(bot.main, "make_interpreters", shared_interpreters)
        patch.setattr(bot.main, "ChoiceReader", SharedChoiceReader)
        yield


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models directory for the run: the NLU is trained into it once, then reused.

    It starts as a copy of the checkout's models (a build output named after the fingerprint
    of its data, so a model of other data is not used) and trains what is missing. Under
    ``pytest -n`` the workers share one directory: the first trains, under a file lock, and the
    others find its model."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        path = tmp_path_factory.getbasetemp().parent / "models"
    else:
        path = tmp_path_factory.mktemp("models")
    path.mkdir(exist_ok=True)
    settings = Settings(_env_file=None, MODELS_DIR=path, ENVIRONMENT="test")  # type: ignore[call-arg]
    with open(path.parent / f"{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (PROJECT_ROOT / "models").is_dir() and not any(path.iterdir()):
                shutil.copytree(PROJECT_ROOT / "models", path, dirs_exist_ok=True, symlinks=True)
            data = bot.main.load_bot_data(
                settings.DATA_DIR, default_language=settings.DEFAULT_LANGUAGE
            )
            bot.main.train_models(settings, data)
        except Exception:  # invalid data: each test that builds an agent reports it
            pass
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path


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
