"""Alembic environment: migrates the database that `bot.storage.migrate` hands over.

The target is, in order of preference, a Connection or Engine in `config.attributes`
("connection" / "engine"), a URL in `config.attributes["url"]`, or `sqlalchemy.url`.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from bot.storage import (
    models_console,  # noqa: F401  (the staff console's tables)
    models_handoff,  # noqa: F401  (handoff requests)
    models_partners,  # noqa: F401  (the partner directory's tables)
    search,
)
from bot.storage.db import make_engine, normalize_url
from bot.storage.models import UTCDateTime  # importing the models registers the tables

#: Advisory lock taken on PostgreSQL while migrating, so two workers starting at once
#: do not both run the same migration.
MIGRATION_LOCK_KEY = 0x53_33_42_4F_54_4D_49_47  # "S3BOTMIG"

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy ones, so migrations import no app code."""
    if type_ != "type":
        return False
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length!r})" if obj.length else "sa.String()"
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_object=search.include_object,  # the search index is made by hand
    )


def _migrate(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        context.run_migrations()


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database to migrate: set config.attributes['url'] or sqlalchemy.url")
    return str(url)


def run_migrations_offline() -> None:
    """Write the migration SQL for `--sql` instead of running it."""
    url = normalize_url(_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the database over a live connection."""
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _migrate(connection)
        return
    given = config.attributes.get("engine")
    engine = given if isinstance(given, Engine) else make_engine(_url())
    owned = engine is not given
    try:
        with engine.connect() as connection:
            _migrate(connection)
            connection.commit()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
