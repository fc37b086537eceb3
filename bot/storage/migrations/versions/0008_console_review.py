"""The staff console's tables: conversation summaries, their search text and its index, the
staff's review marks and tags, and the NLU inbox.

The search index is the database's own: an FTS5 table over `conversation_text` kept by
triggers on SQLite, a GIN index on the text's `tsvector` on PostgreSQL. Existing
conversations get their summaries from `s3bot console reindex`.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TABLE = "conversation_text_fts"
PG_INDEX = "ix_conversation_text_document"
SQLITE_SEARCH = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content='conversation_text', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER conversation_text_indexed AFTER INSERT ON conversation_text BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER conversation_text_unindexed AFTER DELETE ON conversation_text BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END",
)


def _conversation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["conversation.id"],
        name=op.f(f"fk_{table}_conversation_id_conversation"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    _create_summary()
    op.create_table(
        "conversation_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        _conversation_fk("conversation_text"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_text")),
    )
    op.create_index(
        op.f("ix_conversation_text_conversation_id"), "conversation_text", ["conversation_id"]
    )
    _create_review()
    _create_annotation()
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    else:
        op.execute(
            f"CREATE INDEX {PG_INDEX} ON conversation_text "
            "USING gin (to_tsvector('simple'::regconfig, text))"
        )


def _create_summary() -> None:
    op.create_table(
        "conversation_summary",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_messages", sa.Integer(), nullable=False),
        sa.Column("preview", sa.String(length=200), nullable=True),
        sa.Column("profiled", sa.Boolean(), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        sa.Column("partners_shown", sa.Boolean(), nullable=False),
        sa.Column("introduction_requested", sa.Boolean(), nullable=False),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        sa.Column("handed_over", sa.Boolean(), nullable=False),
        _conversation_fk("conversation_summary"),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_summary")),
    )
    for column in ("sender_id", "channel", "language", "verdict"):
        op.create_index(op.f(f"ix_conversation_summary_{column}"), "conversation_summary", [column])
    op.create_index(
        "ix_conversation_summary_recent", "conversation_summary", ["last_at", "conversation_id"]
    )


def _create_review() -> None:
    op.create_table(
        "conversation_review",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=10000), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _conversation_fk("conversation_review"),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_review")),
    )
    for column in ("reviewed", "flagged"):
        op.create_index(op.f(f"ix_conversation_review_{column}"), "conversation_review", [column])
    op.create_table(
        "conversation_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        _conversation_fk("conversation_tag"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_tag")),
        sa.UniqueConstraint(
            "conversation_id", "tag", name=op.f("uq_conversation_tag_conversation_id_tag")
        ),
    )
    op.create_index(
        op.f("ix_conversation_tag_conversation_id"), "conversation_tag", ["conversation_id"]
    )
    op.create_index(op.f("ix_conversation_tag_tag"), "conversation_tag", ["tag"])


def _create_annotation() -> None:
    op.create_table(
        "nlu_annotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=10000), nullable=False),
        sa.Column("text_key", sa.String(length=10000), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("predicted_intent", sa.String(length=128), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("accepted_intent", sa.String(length=128), nullable=True),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _conversation_fk("nlu_annotation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nlu_annotation")),
        sa.UniqueConstraint(
            "conversation_id", "seq", name=op.f("uq_nlu_annotation_conversation_id_seq")
        ),
    )
    for column in ("conversation_id", "text_key", "status"):
        op.create_index(op.f(f"ix_nlu_annotation_{column}"), "nlu_annotation", [column])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS conversation_text_indexed")
        op.execute("DROP TRIGGER IF EXISTS conversation_text_unindexed")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    for table in (
        "nlu_annotation",
        "conversation_tag",
        "conversation_review",
        "conversation_text",
        "conversation_summary",
    ):
        op.drop_table(table)
