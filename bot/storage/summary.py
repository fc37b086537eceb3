"""Keeps each conversation's console summary, search text and NLU inbox up to date.

`record_events` runs in the transaction that appends events (`crud.append_events`) and
looks only at the new events: one UPSERT of the summary, plus one insert of the turn's user
text and, when the NLU fell back, one of an inbox entry. It never reads the log, so a turn
late in a long conversation costs what an early one does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, col

from bot.storage.models import Conversation, Event
from bot.storage.models_console import (
    VERDICTS,
    ConversationReview,
    ConversationSummary,
    ConversationTag,
    ConversationText,
    NluAnnotation,
)
from bot.storage.search import FTS_TABLE
from nlu.entities.text import fold

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_two_stage_fallback"})
HANDOVER_INTENT = "talk_to_human"
HANDOVER_ACTIONS = frozenset({"utter_handover", "action_request_handoff"})
INTRODUCTION_RESPONSE = "utter_introduction_requested"
PREVIEW_CHARS = 200
#: The language of an inbox entry when neither the message nor the conversation has one.
DEFAULT_LANGUAGE = "en"
_VERDICT_RESPONSES = {f"utter_voucher_{verdict}": verdict for verdict in VERDICTS}

_SUMMARY = ConversationSummary.__table__  # type: ignore[attr-defined]
_CONVERSATION = Conversation.__table__  # type: ignore[attr-defined]
_INSERT_TEXT = insert(ConversationText.__table__)  # type: ignore[attr-defined]
_UPSERTS: dict[str, Insert] = {}


@dataclass
class TurnSummary:
    """What a run of new events adds to a conversation's summary."""

    first_at: datetime
    last_at: datetime
    user_messages: int = 0
    preview: str | None = None
    language: str | None = None
    profiled: bool = False
    verdict: str | None = None
    partners_shown: bool = False
    introduction_requested: bool = False
    fallback: bool = False
    handed_over: bool = False
    texts: list[tuple[int, str]] = field(default_factory=list)
    unsure: list[dict[str, Any]] = field(default_factory=list)


def summarise(events: Sequence[dict[str, Any]], first_seq: int) -> TurnSummary:
    """The summary of some new events of a conversation, starting at `first_seq`."""
    stamps = [float(e["timestamp"]) for e in events if e.get("timestamp") is not None]
    now = datetime.now(UTC).timestamp()
    turn = TurnSummary(_moment(min(stamps, default=now)), _moment(max(stamps, default=now)))
    language: str | None = None
    for offset, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            _user(turn, event, first_seq + offset, language)
        elif kind == "action":
            name = str(event.get("name") or "")
            turn.fallback |= name in FALLBACK_ACTIONS
            turn.handed_over |= name in HANDOVER_ACTIONS
        elif kind == "slot":
            _slot(turn, event)
            if event.get("name") == "language" and event.get("value"):
                language = str(event["value"])
        elif kind == "bot":
            response = (event.get("metadata") or {}).get("utter_action")
            turn.verdict = _VERDICT_RESPONSES.get(str(response), turn.verdict)
            turn.introduction_requested |= response == INTRODUCTION_RESPONSE
    turn.language = language
    for entry in turn.unsure:
        entry["language"] = entry["language"] or language  # else the conversation's
    return turn


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def storable(text: str) -> str:
    """`text` as every database stores it: no NUL character, no lone surrogate."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _user(turn: TurnSummary, event: dict[str, Any], seq: int, language: str | None) -> None:
    turn.user_messages += 1
    text = storable(str(event.get("text") or ""))
    parse = event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    turn.handed_over |= intent == HANDOVER_INTENT
    if not text.strip() or text.startswith("/"):
        return  # a button's payload: nothing a person typed
    turn.texts.append((seq, fold(text)))
    turn.preview = turn.preview or text[:PREVIEW_CHARS]
    if intent == FALLBACK_INTENT:
        turn.fallback = True
        predicted, confidence = _predicted(parse)
        detected = (parse.get("language") or {}).get("name")
        turn.unsure.append(
            {
                "seq": seq,
                "text": text,
                "text_key": text_key(text),
                "language": detected or language,
                "predicted_intent": predicted,
                "confidence": confidence,
            }
        )


def _predicted(parse: dict[str, Any]) -> tuple[str | None, float]:
    """The NLU's best real guess under its fallback: the first other intent of the ranking."""
    for ranked in parse.get("intent_ranking") or []:
        if ranked.get("name") and ranked["name"] != FALLBACK_INTENT:
            return str(ranked["name"]), float(ranked.get("confidence") or 0.0)
    return None, float((parse.get("intent") or {}).get("confidence") or 0.0)


def _slot(turn: TurnSummary, event: dict[str, Any]) -> None:
    name, value = event.get("name"), event.get("value")
    turn.profiled |= name == "profile_saved" and value is True
    turn.partners_shown |= name == "partner_suggestions" and bool(value)


def text_key(text: str) -> str:
    """What similar messages share: folded words without punctuation or extra spaces."""
    words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
    return " ".join(words)[:500]


def record_events(
    *, session: Session, conversation_id: int, events: Sequence[dict[str, Any]], first_seq: int
) -> None:
    """Fold newly appended events into the conversation's summary, search text and inbox.

    Args:
        session: The database session of the append (the same transaction).
        conversation_id: The conversation the events were appended to.
        events: The new Rasa events.
        first_seq: The seq of the first of them.
    """
    if not events:
        return
    turn = summarise(events, first_seq)
    connection = session.connection()
    values = {
        "b_conversation_id": conversation_id,
        "b_language": turn.language,
        "b_first_at": turn.first_at,
        "b_last_at": turn.last_at,
        "b_user_messages": turn.user_messages,
        "b_preview": turn.preview,
        "b_profiled": turn.profiled,
        "b_verdict": turn.verdict,
        "b_partners_shown": turn.partners_shown,
        "b_introduction_requested": turn.introduction_requested,
        "b_fallback": turn.fallback,
        "b_handed_over": turn.handed_over,
    }
    connection.execute(_upsert(connection.dialect.name), values)
    if turn.texts:
        rows = [{"conversation_id": conversation_id, "seq": s, "text": t} for s, t in turn.texts]
        connection.execute(_INSERT_TEXT, rows)
    for entry in turn.unsure:
        _insert_unsure(connection.dialect.name, session, conversation_id, entry)


def _insert_unsure(
    dialect: str, session: Session, conversation_id: int, entry: dict[str, Any]
) -> None:
    base = (
        postgresql.insert(NluAnnotation)
        if dialect == "postgresql"
        else sqlite.insert(NluAnnotation)
    )
    now = datetime.now(UTC)
    row = {**entry, "conversation_id": conversation_id, "entities": [], "status": "new"}
    # A message without a language of its own is in the conversation's (the summary, just
    # updated, knows it), else in the default.
    known = (
        select(_SUMMARY.c.language)
        .where(_SUMMARY.c.conversation_id == conversation_id)
        .scalar_subquery()
    )
    row["language"] = func.coalesce(entry["language"], known, DEFAULT_LANGUAGE)
    statement = base.values(created_at=now, updated_at=now, **row).on_conflict_do_nothing()
    session.connection().execute(statement)


def _upsert(dialect: str) -> Insert:
    """The summary's UPSERT, built once per dialect: INSERT ... SELECT from the conversation
    row (its sender and channel), or on conflict fold the new values into the old."""
    statement = _UPSERTS.get(dialect)
    if statement is not None:
        return statement
    module: Any = postgresql if dialect == "postgresql" else sqlite
    names = ("language", "first_at", "last_at", "user_messages", "preview", "profiled", "verdict")
    flags = ("partners_shown", "introduction_requested", "fallback", "handed_over")
    source = select(
        _CONVERSATION.c.id,
        _CONVERSATION.c.sender_id,
        _CONVERSATION.c.channel,
        *(bindparam(f"b_{name}", type_=_SUMMARY.c[name].type) for name in (*names, *flags)),
    ).where(_CONVERSATION.c.id == bindparam("b_conversation_id"))
    columns = ["conversation_id", "sender_id", "channel", *names, *flags]
    base = module.insert(_SUMMARY).from_select(columns, source)
    new, old = base.excluded, _SUMMARY.c
    updates: dict[str, Any] = {
        "language": func.coalesce(new.language, old.language),
        "last_at": new.last_at,
        "user_messages": old.user_messages + new.user_messages,
        "verdict": func.coalesce(new.verdict, old.verdict),
        "preview": func.coalesce(old.preview, new.preview),
        "profiled": old.profiled | new.profiled,
    }
    for flag in flags:
        updates[flag] = old[flag] | new[flag]
    statement = base.on_conflict_do_update(index_elements=["conversation_id"], set_=updates)
    _UPSERTS[dialect] = statement
    return statement


def delete_console_rows(*, session: Session, conversation_ids: Any) -> int:
    """Delete the console's rows of some conversations (an erasure), search index included.

    On SQLite the FTS5 index keeps a deleted message's words in its older segments until
    they are merged, so after deleting text the index is merged whole ("optimize").

    Args:
        session: The database session of the erasure.
        conversation_ids: The conversations' ids (a list or a subquery).

    Returns:
        How many rows were deleted.
    """
    options = {"synchronize_session": False}
    deleted = 0
    for model in (ConversationText, NluAnnotation, ConversationTag, ConversationReview):
        statement = delete(model).where(col(model.conversation_id).in_(conversation_ids))
        count = session.execute(statement, execution_options=options).rowcount  # type: ignore[attr-defined]
        if model is ConversationText and count and session.connection().dialect.name == "sqlite":
            session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))
        deleted += count
    statement = delete(ConversationSummary).where(
        col(ConversationSummary.conversation_id).in_(conversation_ids)
    )
    deleted += session.execute(statement, execution_options=options).rowcount  # type: ignore[attr-defined]
    return deleted


def reindex(*, session: Session, conversation_id: int) -> int:
    """Rebuild a conversation's summary and search text from its whole log (a backfill);
    the NLU inbox keeps the entries it has and gains any it lacks.

    Args:
        session: The database session.
        conversation_id: The conversation to rebuild.

    Returns:
        How many events were read.
    """
    for model in (ConversationText, ConversationSummary):
        session.execute(delete(model).where(col(model.conversation_id) == conversation_id))
    statement = (
        select(col(Event.data))
        .where(col(Event.conversation_id) == conversation_id)
        .order_by(col(Event.seq))
    )
    events = [dict(data) for data in session.execute(statement).scalars()]
    record_events(session=session, conversation_id=conversation_id, events=events, first_seq=0)
    return len(events)
