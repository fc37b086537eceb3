"""Handoff requests: a person in the same chat, taken and handed back by staff.

Only a new table, so the same operations run on SQLite and PostgreSQL.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handoff_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("partner_site_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("outside_hours", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_handoff_request_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_site_id"],
            ["partner_site.id"],
            name=op.f("fk_handoff_request_partner_site_id_partner_site"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_request")),
    )
    for column in ("conversation_id", "sender_id", "partner_site_id"):
        op.create_index(op.f(f"ix_handoff_request_{column}"), "handoff_request", [column])
    op.create_index(
        "ix_handoff_request_open", "handoff_request", ["closed_at", "taken_at", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("handoff_request")
