"""Partner sites that embed the web chat widget; conversations remember the site they came from.

On SQLite a foreign key can only be added by copying the table (batch mode): that copy runs
with foreign keys switched off, since dropping the old conversation table with them on would
cascade to every conversation's events.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_conversation_partner_site_id_partner_site"
INDEX = "ix_conversation_partner_site_id"


def upgrade() -> None:
    op.create_table(
        "partner_site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("default_language", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("greeting", sa.String(length=1000), nullable=True),
        sa.Column("colour", sa.String(length=7), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("site_key", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_site")),
    )
    op.create_index(op.f("ix_partner_site_site_key"), "partner_site", ["site_key"], unique=True)
    if op.get_bind().dialect.name == "sqlite":
        with _foreign_keys_off(), op.batch_alter_table("conversation", recreate="always") as batch:
            batch.add_column(sa.Column("partner_site_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                FOREIGN_KEY, "partner_site", ["partner_site_id"], ["id"], ondelete="SET NULL"
            )
    else:
        op.add_column("conversation", sa.Column("partner_site_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            FOREIGN_KEY,
            "conversation",
            "partner_site",
            ["partner_site_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(INDEX, "conversation", ["partner_site_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="conversation")
    if op.get_bind().dialect.name == "sqlite":
        with _foreign_keys_off(), op.batch_alter_table("conversation", recreate="always") as batch:
            batch.drop_column("partner_site_id")
    else:
        op.drop_constraint(FOREIGN_KEY, "conversation", type_="foreignkey")
        op.drop_column("conversation", "partner_site_id")
    op.drop_index(op.f("ix_partner_site_site_key"), table_name="partner_site")
    op.drop_table("partner_site")


@contextmanager
def _foreign_keys_off() -> Iterator[None]:
    """SQLite without foreign key enforcement while the conversation table is copied.

    SQLite ignores the switch inside a transaction, so the driver's open transaction (the
    version updates of earlier migrations; SQLite's DDL is not transactional here anyway) is
    committed first, and again before enforcement is switched back on. Should the switch still
    not take, the migration stops rather than let the copy delete the events.
    """
    driver = op.get_bind().connection.dbapi_connection
    assert driver is not None
    driver.commit()
    op.execute("PRAGMA foreign_keys = OFF")
    if op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar_one():
        raise RuntimeError("SQLite kept enforcing foreign keys: conversation left unchanged")
    try:
        yield
    finally:
        driver.commit()
        op.execute("PRAGMA foreign_keys = ON")
