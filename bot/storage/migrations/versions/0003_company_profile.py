"""Company profiles confirmed by SMEs, one per sender.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "company_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_company_profile_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_profile")),
    )
    op.create_index(
        op.f("ix_company_profile_conversation_id"), "company_profile", ["conversation_id"]
    )
    op.create_index(
        op.f("ix_company_profile_sender_id"), "company_profile", ["sender_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_company_profile_sender_id"), table_name="company_profile")
    op.drop_index(op.f("ix_company_profile_conversation_id"), table_name="company_profile")
    op.drop_table("company_profile")
