"""The partner directory: organisations, their S3 fields, partnership types, keywords,
and introduction requests.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.String(length=16), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=True),
        sa.Column("profile_type", sa.String(length=4), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("keywords", sa.String(length=255), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("languages", sa.String(length=64), nullable=False),
        sa.Column("website", sa.String(length=255), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("listed_by_sender_id", sa.String(length=255), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_is_demo"), ["is_demo"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_organisation_listed_by_sender_id"), ["listed_by_sender_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_organisation_org_type"), ["org_type"], unique=False)
        batch_op.create_index(
            "ix_organisation_profile_type_country", ["profile_type", "country"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_organisation_ref"), ["ref"], unique=True)

    op.create_table(
        "introduction_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_introduction_request_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introduction_request")),
    )
    with op.batch_alter_table("introduction_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_introduction_request_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_introduction_request_sender_id"), ["sender_id"], unique=False
        )
        batch_op.create_index(
            "uq_introduction_request_sender_org", ["sender_id", "organisation_id"], unique=True
        )

    op.create_table(
        "organisation_keyword",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=64), nullable=False),
        sa.Column("profile_type", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_keyword_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "keyword", name=op.f("pk_organisation_keyword")),
    )
    with op.batch_alter_table("organisation_keyword", schema=None) as batch_op:
        batch_op.create_index(
            "ix_organisation_keyword_lookup",
            ["keyword", "profile_type", "organisation_id"],
            unique=False,
        )

    op.create_table(
        "organisation_partnership_type",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("partnership_type", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_partnership_type_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "partnership_type", name=op.f("pk_organisation_partnership_type")
        ),
    )
    op.create_table(
        "organisation_s3_field",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("s3_field", sa.String(length=32), nullable=False),
        sa.Column("profile_type", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_s3_field_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "s3_field", name=op.f("pk_organisation_s3_field")
        ),
    )
    with op.batch_alter_table("organisation_s3_field", schema=None) as batch_op:
        batch_op.create_index(
            "ix_organisation_s3_field_lookup",
            ["s3_field", "profile_type", "organisation_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation_s3_field", schema=None) as batch_op:
        batch_op.drop_index("ix_organisation_s3_field_lookup")

    op.drop_table("organisation_s3_field")
    op.drop_table("organisation_partnership_type")
    with op.batch_alter_table("organisation_keyword", schema=None) as batch_op:
        batch_op.drop_index("ix_organisation_keyword_lookup")

    op.drop_table("organisation_keyword")
    with op.batch_alter_table("introduction_request", schema=None) as batch_op:
        batch_op.drop_index("uq_introduction_request_sender_org")
        batch_op.drop_index(batch_op.f("ix_introduction_request_sender_id"))
        batch_op.drop_index(batch_op.f("ix_introduction_request_organisation_id"))

    op.drop_table("introduction_request")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_ref"))
        batch_op.drop_index("ix_organisation_profile_type_country")
        batch_op.drop_index(batch_op.f("ix_organisation_org_type"))
        batch_op.drop_index(batch_op.f("ix_organisation_listed_by_sender_id"))
        batch_op.drop_index(batch_op.f("ix_organisation_is_demo"))

    op.drop_table("organisation")
