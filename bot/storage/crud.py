"""Reads and writes of conversations, their event logs and the inbox.

Every function takes keyword arguments only and works inside the caller's session; the
caller commits (see `bot.storage.db.session`). Inserts that two processes may race on use
`INSERT ... ON CONFLICT DO NOTHING` and then read, so the loser gets the winner's row
instead of an error, on SQLite and PostgreSQL alike, without aborting the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, col, select

from bot.storage import summary
from bot.storage.crud_partners import delete_partner_data_of_sender
from bot.storage.errors import EventLogConflict, NotFoundError
from bot.storage.models import CompanyProfile, Conversation, Event, InboxEntry, utcnow
from bot.storage.models_handoff import HandoffRequest
from bot.storage.models_partners import IntroductionRequest, Organisation
from bot.storage.scrub import scrub_on_commit

#: Rasa events after which no earlier event counts for the dialogue.
SESSION_START_EVENTS = ("session_started", "restart")

# A turn's writes as Core statements built once: building a statement costs more CPU than
# running it on SQLite, and these run on every turn.
_INSERT_EVENTS = insert(Event.__table__)  # type: ignore[attr-defined]
_TOUCH_CONVERSATION = (
    update(Conversation.__table__)  # type: ignore[attr-defined]
    .where(Conversation.__table__.c.id == bindparam("b_conversation_id"))  # type: ignore[attr-defined]
    .values(updated_at=bindparam("b_now"))
)
_INBOX = InboxEntry.__table__  # type: ignore[attr-defined]
_CONVERSATIONS = Conversation.__table__  # type: ignore[attr-defined]
_EVENTS = Event.__table__  # type: ignore[attr-defined]
# A turn's reads, built once too: the conversation's id and the end of its log.
_CONVERSATION_ID = core_select(_CONVERSATIONS.c.id).where(
    _CONVERSATIONS.c.sender_id == bindparam("b_sender_id")
)
_EVENTS_FROM = (
    core_select(_EVENTS.c.data)
    .where(_EVENTS.c.conversation_id == bindparam("b_conversation_id"))
    .where(_EVENTS.c.seq >= bindparam("b_from_seq"))
    .order_by(_EVENTS.c.seq)
)
_ANSWER_INBOX = (
    update(_INBOX)
    .where(
        _INBOX.c.channel == bindparam("b_channel"),
        _INBOX.c.message_id == bindparam("b_message_id"),
        _INBOX.c.sender_id == bindparam("b_sender_id"),
    )
    .values(answered_at=bindparam("b_answered_at"), reply=bindparam("b_reply"))
)


_INSERTS_IGNORING_CONFLICTS: dict[tuple[str, str, tuple[str, ...]], Insert] = {}


def _insert_ignoring_conflicts(session: Session, model: type[Any], values: dict[str, Any]) -> bool:
    """Insert one row unless it collides with a unique constraint; True if it was inserted.

    The statement is built once per dialect, table and set of columns (with bound
    parameters) and then reused: these inserts run on every turn.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    table = model.__table__
    key = (dialect, table.name, tuple(values))
    statement = _INSERTS_IGNORING_CONFLICTS.get(key)
    if statement is None:
        if dialect == "postgresql":
            base: Insert = postgresql.insert(table)
        elif dialect == "sqlite":
            base = sqlite.insert(table)
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise NotImplementedError(f"unsupported database {dialect!r}")
        bound: dict[str, Any] = {name: bindparam(f"b_{name}") for name in values}
        statement = base.values(bound).on_conflict_do_nothing().returning(table.c.id)  # type: ignore[attr-defined]
        _INSERTS_IGNORING_CONFLICTS[key] = statement
    parameters = {f"b_{name}": value for name, value in values.items()}
    return connection.execute(statement, parameters).first() is not None


def _timestamp_of(data: dict[str, Any], *, default: float) -> float:
    timestamp = data.get("timestamp")
    return default if timestamp is None else float(timestamp)


def get_conversation(*, session: Session, sender_id: str) -> Conversation | None:
    """Find a sender's conversation.

    Args:
        session: The database session.
        sender_id: The channel's id of the sender.

    Returns:
        The conversation, or None if the sender has none.
    """
    statement = select(Conversation).where(Conversation.sender_id == sender_id)
    return session.exec(statement).first()


def get_or_create_conversation(*, session: Session, sender_id: str, channel: str) -> Conversation:
    """Find a sender's conversation, starting one if there is none.

    Safe when two processes race for the same new sender: both end up with the same row.

    Args:
        session: The database session.
        sender_id: The channel's id of the sender.
        channel: The channel of a new conversation (an existing one keeps its own).

    Returns:
        The sender's conversation.
    """
    existing = get_conversation(session=session, sender_id=sender_id)
    if existing is not None:
        return existing
    now = utcnow()
    values = {"sender_id": sender_id, "channel": channel, "created_at": now, "updated_at": now}
    _insert_ignoring_conflicts(session, Conversation, values)
    created = get_conversation(session=session, sender_id=sender_id)
    if created is None:  # pragma: no cover - the row was just inserted or found in conflict
        raise NotFoundError(f"conversation of {sender_id!r} vanished while being created")
    return created


def conversation_id_of(*, session: Session, sender_id: str, channel: str) -> int:
    """The id of a sender's conversation, starting one if there is none: what a turn needs
    of `get_or_create_conversation`, without loading the row (the turn's first read).

    Args:
        session: The database session.
        sender_id: The channel's id of the sender.
        channel: The channel of a new conversation (an existing one keeps its own).

    Returns:
        The conversation's id.
    """
    connection = session.connection()
    found = connection.execute(_CONVERSATION_ID, {"b_sender_id": sender_id}).scalar()
    if found is not None:
        return int(found)
    return int(get_or_create_conversation(session=session, sender_id=sender_id, channel=channel).id)  # type: ignore[arg-type]


def load_events(
    *, session: Session, conversation_id: int, from_seq: int = 0
) -> list[dict[str, Any]]:
    """Read a conversation's event log, or its end.

    Args:
        session: The database session.
        conversation_id: The conversation whose log to read.
        from_seq: The position of the first event to read (0: the whole log).

    Returns:
        The Rasa event dicts in the order they happened (empty for a new conversation).
    """
    parameters = {"b_conversation_id": conversation_id, "b_from_seq": from_seq}
    rows = session.connection().execute(_EVENTS_FROM, parameters).scalars()
    return [dict(data) for data in rows]


def session_start_seq(*, session: Session, conversation_id: int) -> int:
    """Where the conversation's current session begins: its latest session start or restart.

    Everything the dialogue derives from the log (slots, the active form, the turns) starts
    over at those events, and the slots that a session carries over are set again after its
    start, so the log from here on is all a turn needs.

    Args:
        session: The database session.
        conversation_id: The conversation whose log to read.

    Returns:
        The seq of that event, or 0 when there is none.
    """
    statement = select(func.max(Event.seq)).where(
        Event.conversation_id == conversation_id,
        col(Event.event_type).in_(SESSION_START_EVENTS),
    )
    return int(session.exec(statement).one() or 0)


def count_events(*, session: Session, conversation_id: int) -> int:
    """Count a conversation's events, which is also the seq the next event will get.

    Args:
        session: The database session.
        conversation_id: The conversation whose log to measure.

    Returns:
        The number of events in the log.
    """
    statement = select(func.coalesce(func.max(Event.seq) + 1, 0)).where(
        Event.conversation_id == conversation_id
    )
    return int(session.exec(statement).one())


def append_events(
    *,
    session: Session,
    conversation_id: int,
    events: Sequence[dict[str, Any]],
    first_seq: int,
    log_end_read: bool = False,
) -> None:
    """Append events to a conversation's log and mark the conversation as updated.

    The events get seq `first_seq`, `first_seq + 1`, ...; `first_seq` must be the length of
    the log as the caller loaded it. The unique (conversation_id, seq) constraint makes sure
    that no event is ever overwritten, even by a writer that skipped the lock.

    Args:
        session: The database session.
        conversation_id: The conversation to append to.
        events: Rasa event dicts, each with an "event" key and usually a "timestamp".
        first_seq: The position of the first new event.
        log_end_read: The caller read the log up to its end under the conversation's lock,
            which it still holds (a turn), so `first_seq` is the log's length and is not
            counted again; the unique constraint still refuses an overwrite.

    Raises:
        EventLogConflict: The log does not end at `first_seq` (another writer appended, or
            the caller would leave a gap). The session must then be rolled back.
    """
    if not events:
        return
    if not log_end_read:
        expected = count_events(session=session, conversation_id=conversation_id)
        if first_seq != expected:
            raise EventLogConflict(conversation_id, first_seq, expected)
    now = utcnow()
    rows = [
        {
            "conversation_id": conversation_id,
            "seq": first_seq + offset,
            "event_type": str(data.get("event", "")),
            "timestamp": _timestamp_of(data, default=now.timestamp()),
            "data": data,
        }
        for offset, data in enumerate(events)
    ]
    try:
        # Core on the session's connection: one executemany for all rows, without the ORM's
        # bulk machinery (the turn's hottest write; the session's transaction is the same).
        connection = session.connection()
        connection.execute(_INSERT_EVENTS, rows)
        connection.execute(
            _TOUCH_CONVERSATION, {"b_conversation_id": conversation_id, "b_now": now}
        )
        summary.record_events(
            session=session, conversation_id=conversation_id, events=events, first_seq=first_seq
        )
    except IntegrityError as error:
        raise EventLogConflict(conversation_id, first_seq, None) from error


def claim_inbox(
    *,
    session: Session,
    channel: str,
    message_id: str,
    sender_id: str,
    conversation_id: int,
) -> InboxEntry | None:
    """Record a received message, unless it was received before.

    Race-safe: of two deliveries of the same message, exactly one records it.

    Args:
        session: The database session.
        channel: The channel the message came in on.
        message_id: The channel's id of the message (unique within the channel).
        sender_id: Who sent it.
        conversation_id: The sender's conversation.

    Returns:
        None if the message is new (and now recorded), else the entry of its first
        delivery, with `reply` set if it has been answered already.
    """
    values = {
        "channel": channel,
        "message_id": message_id,
        "sender_id": sender_id,
        "conversation_id": conversation_id,
        "received_at": utcnow(),
    }
    if _insert_ignoring_conflicts(session, InboxEntry, values):
        return None
    statement = select(InboxEntry).where(
        InboxEntry.channel == channel, InboxEntry.message_id == message_id
    )
    return session.exec(statement).one()


def get_inbox_entry(*, session: Session, channel: str, message_id: str) -> InboxEntry | None:
    """Find the inbox entry of a received message.

    Args:
        session: The database session.
        channel: The channel the message came in on.
        message_id: The channel's id of the message.

    Returns:
        The entry, or None if the message was never received.
    """
    statement = select(InboxEntry).where(
        InboxEntry.channel == channel, InboxEntry.message_id == message_id
    )
    return session.exec(statement).first()


def answer_inbox(*, session: Session, entry_id: int, reply: list[dict[str, Any]]) -> None:
    """Mark a received message as answered, keeping the reply to repeat on redelivery.

    Args:
        session: The database session.
        entry_id: The inbox entry's id.
        reply: The bot messages sent in answer, as JSON-ready dicts.

    Raises:
        NotFoundError: There is no inbox entry with this id.
    """
    statement = (
        update(InboxEntry)
        .where(col(InboxEntry.id) == entry_id)
        .values(answered_at=utcnow(), reply=reply)
    )
    if not session.execute(statement).rowcount:  # type: ignore[attr-defined]
        raise NotFoundError(f"no inbox entry {entry_id}")


def answer_inbox_message(
    *, session: Session, channel: str, message_id: str, sender_id: str, reply: list[dict[str, Any]]
) -> bool:
    """Mark a sender's received message as answered, in one statement (a turn's last write).

    Args:
        session: The database session.
        channel: The channel the message came in on.
        message_id: The channel's id of the message.
        sender_id: Who sent it: an entry recorded for another sender is left alone.
        reply: The bot messages sent in answer, as JSON-ready dicts.

    Returns:
        Whether the entry was found and marked.
    """
    values = {
        "b_channel": channel,
        "b_message_id": message_id,
        "b_sender_id": sender_id,
        "b_answered_at": utcnow(),
        "b_reply": reply,
    }
    return bool(session.connection().execute(_ANSWER_INBOX, values).rowcount)


def count_sender_data(*, session: Session, sender_id: str) -> dict[str, int]:
    """Count what is stored about a sender, by kind: what an erasure would delete.

    Args:
        session: The database session.
        sender_id: The channel's id of the sender.

    Returns:
        Row counts keyed `conversation`, `events`, `inbox`, `profile`, `introductions` and
        `listings` (all 0 when nothing is stored about the sender).
    """
    conversation_ids = select(Conversation.id).where(Conversation.sender_id == sender_id)
    counts = {
        "conversation": select(func.count()).where(col(Conversation.sender_id) == sender_id),
        "events": select(func.count()).where(col(Event.conversation_id).in_(conversation_ids)),
        "inbox": select(func.count()).where(
            (col(InboxEntry.sender_id) == sender_id)
            | col(InboxEntry.conversation_id).in_(conversation_ids)
        ),
        "profile": select(func.count()).where(col(CompanyProfile.sender_id) == sender_id),
        "introductions": select(func.count()).where(
            col(IntroductionRequest.sender_id) == sender_id
        ),
        "listings": select(func.count()).where(col(Organisation.listed_by_sender_id) == sender_id),
    }
    return {kind: int(session.exec(statement).one()) for kind, statement in counts.items()}


def delete_sender_data(*, session: Session, sender_id: str) -> int:
    """Erase everything stored about a sender: conversation, event log, inbox, profile,
    introduction requests, handoff requests (with a contact left in them) and the sender's
    own directory listing.

    This is the one erasure of the application: the dialogue's, the Telegram command's and
    the operator's (`s3bot erase`) all end here. The rows are deleted explicitly, not left to
    ON DELETE CASCADE, so the erasure does not depend on the database enforcing foreign keys.

    Args:
        session: The database session.
        sender_id: The channel's id of the sender.

    Returns:
        How many rows were deleted (0 if nothing was stored about the sender).
    """
    conversation_ids = select(Conversation.id).where(Conversation.sender_id == sender_id)
    statements = (
        delete(InboxEntry).where(
            (col(InboxEntry.sender_id) == sender_id)
            | col(InboxEntry.conversation_id).in_(conversation_ids)
        ),
        delete(Event).where(col(Event.conversation_id).in_(conversation_ids)),
        delete(HandoffRequest).where(
            (col(HandoffRequest.sender_id) == sender_id)
            | col(HandoffRequest.conversation_id).in_(conversation_ids)
        ),
        delete(CompanyProfile).where(col(CompanyProfile.sender_id) == sender_id),
        delete(Conversation).where(col(Conversation.sender_id) == sender_id),
    )
    options = {"synchronize_session": False}
    scrub_on_commit(session)  # the erased bytes leave the file and the WAL too
    deleted = delete_partner_data_of_sender(session=session, sender_id=sender_id)
    # The console's views of the log go too, though as views they are not counted.
    summary.delete_console_rows(session=session, conversation_ids=conversation_ids)
    deleted += sum(
        session.execute(s, execution_options=options).rowcount  # type: ignore[attr-defined]
        for s in statements
    )
    session.expire_all()
    return deleted


def delete_sender_data_answering(
    *,
    session: Session,
    sender_id: str,
    channel: str,
    message_id: str,
    reply: list[dict[str, Any]],
) -> int:
    """Erase everything stored about a sender in answer to one of its messages.

    Afterwards the sender has a new, empty conversation whose only row is that message's
    inbox entry with `reply` (the receipt): a redelivery of the request is then answered with
    the same receipt, instead of being run again in the new conversation. The entry holds the
    message id and the reply, never the message text.

    Args:
        session: The database session.
        sender_id: The channel's id of the sender.
        channel: The channel the request came in on.
        message_id: The channel's id of the request.
        reply: The bot messages sent in answer, as JSON-ready dicts.

    Returns:
        How many rows of the sender's earlier data were deleted.
    """
    deleted = delete_sender_data(session=session, sender_id=sender_id)
    conversation = get_or_create_conversation(session=session, sender_id=sender_id, channel=channel)
    claimed = claim_inbox(
        session=session,
        channel=channel,
        message_id=message_id,
        sender_id=sender_id,
        conversation_id=int(conversation.id),  # type: ignore[arg-type]
    )
    if claimed is None:  # else the id is another sender's: theirs is not touched
        entry = get_inbox_entry(session=session, channel=channel, message_id=message_id)
        answer_inbox(session=session, entry_id=int(entry.id), reply=reply)  # type: ignore[union-attr,arg-type]
    return deleted


def save_profile(*, session: Session, sender_id: str, data: dict[str, Any]) -> CompanyProfile:
    """Store the sender's confirmed profile, replacing an earlier one.

    Args:
        session: The database session.
        sender_id: The sender whose conversation the profile belongs to.
        data: The profile fields, keyed by slot name.

    Returns:
        The stored profile.

    Raises:
        NotFoundError: The sender has no conversation.
    """
    conversation = get_conversation(session=session, sender_id=sender_id)
    if conversation is None or conversation.id is None:
        raise NotFoundError(f"no conversation for {sender_id!r}")
    profile = get_profile(session=session, sender_id=sender_id)
    if profile is None:
        profile = CompanyProfile(sender_id=sender_id, conversation_id=conversation.id, data=data)
    else:
        profile.data, profile.confirmed_at = data, utcnow()
    session.add(profile)
    session.flush()
    return profile


def get_profile(*, session: Session, sender_id: str) -> CompanyProfile | None:
    """The sender's confirmed profile, if any.

    Args:
        session: The database session.
        sender_id: The sender.

    Returns:
        The profile, or None.
    """
    statement = select(CompanyProfile).where(CompanyProfile.sender_id == sender_id)
    return session.exec(statement).first()
