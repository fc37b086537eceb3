"""Introduction requests carry the contact person and what the user agreed to share.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("introduction_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("shared", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("introduction_request", schema=None) as batch_op:
        batch_op.drop_column("shared")
        batch_op.drop_column("contact_email")
        batch_op.drop_column("contact_name")
