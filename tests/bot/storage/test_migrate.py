"""Migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.storage import search
from bot.storage.db import make_engine
from bot.storage.migrate import alembic_config, upgrade_schema

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        opts = {"compare_type": True, "include_object": search.include_object}
        context = MigrationContext.configure(connection, opts=opts)
        return list(compare_metadata(context, SQLModel.metadata))


def _revision(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def test_upgrade_schema_matches_the_models(engine: Engine) -> None:
    assert _schema_diff(engine) == []
    assert _revision(engine) == _head()


def test_upgrade_schema_twice_is_a_no_op(engine: Engine, database_url: str) -> None:
    before = inspect(engine).get_table_names()
    upgrade_schema(engine)
    upgrade_schema(database_url)
    engine.dispose()
    assert sorted(inspect(engine).get_table_names()) == sorted(before)
    assert _schema_diff(engine) == []
    assert _revision(engine) == _head()


def test_upgrade_schema_from_a_url_creates_every_table(database_url: str) -> None:
    upgrade_schema(database_url)
    engine = make_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"conversation", "event", "inbox_entry", "alembic_version"} <= tables
        assert _schema_diff(engine) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_schema(engine)
    assert _schema_diff(engine) == []


def test_migrate_command_works_from_any_directory(tmp_path: Path) -> None:
    """No alembic.ini and no particular working directory is needed."""
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    for command in (["upgrade"], ["current"]):
        subprocess.run(
            [sys.executable, "-m", "bot.storage.migrate", "--url", url, *command],
            cwd=tmp_path,
            env=environment,
            check=True,
            capture_output=True,
        )
    engine = make_engine(url)
    try:
        assert _revision(engine) == _head()
    finally:
        engine.dispose()


def test_next_revision_is_numbered_after_the_head() -> None:
    from bot.storage.migrate import _next_rev_id

    assert _next_rev_id(alembic_config("sqlite://")) == f"{int(_head()) + 1:04d}"
