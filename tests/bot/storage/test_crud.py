"""Reads and writes of conversations, event logs and the inbox, on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.storage import crud
from bot.storage.db import session
from bot.storage.errors import EventLogConflict, NotFoundError
from bot.storage.models import Conversation, Event, InboxEntry

TRICKY_TEXTS = [
    "Tere! Labas! Sveiki! Cześć! Hej! Привет!",
    "emoji 😀👩🏽‍💻🇪🇪 and a variation selector ❤️",
    "שלום עולם مرحبا بالعالم \u200f\u202eRTL override\u202c",
    "control \x00 \x01 \x07 \x1b[31m \x7f \t\r\n end",
    "'; DROP TABLE conversation;-- \" \\ %s %(x)s ? :name",
    "combining é vs e\u0301, ﬁ ligature, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, \ufeff BOM, \u2028 line sep",
    "",
]


def _user_event(text: str, timestamp: float = 1_700_000_000.5) -> dict[str, Any]:
    return {
        "event": "user",
        "timestamp": timestamp,
        "text": text,
        "parse_data": {"intent": {"name": "greet", "confidence": 0.93}, "entities": []},
        "metadata": {},
    }


def _conversation(db: Session, sender_id: str = "tg:42") -> Conversation:
    return crud.get_or_create_conversation(session=db, sender_id=sender_id, channel="telegram")


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_get_or_create_conversation_returns_the_same_row(db_session: Session) -> None:
    first = _conversation(db_session)
    again = crud.get_or_create_conversation(session=db_session, sender_id="tg:42", channel="web")
    assert first.id is not None
    assert again.id == first.id
    assert again.channel == "telegram"
    assert crud.get_conversation(session=db_session, sender_id="tg:42") == first
    assert crud.get_conversation(session=db_session, sender_id="nobody") is None


def test_get_or_create_conversation_timestamps_are_aware_utc(engine: Engine) -> None:
    with session(engine) as db:
        _conversation(db)
    with session(engine) as db:
        conversation = crud.get_conversation(session=db, sender_id="tg:42")
        assert conversation is not None
        for moment in (conversation.created_at, conversation.updated_at):
            assert moment.tzinfo is not None
            assert moment.utcoffset() == UTC.utcoffset(None)
            assert abs((datetime.now(UTC) - moment).total_seconds()) < 60


def test_get_or_create_conversation_racing_threads_share_one_row(engine: Engine) -> None:
    barrier = threading.Barrier(8)
    ids: list[int | None] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            with session(engine) as db:
                ids.append(_conversation(db, "race").id)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    assert _count(engine, "conversation") == 1


def test_append_events_then_load_events_round_trip(engine: Engine) -> None:
    events = [
        {"event": "action", "timestamp": 1.0, "name": "action_session_start"},
        _user_event("hello"),
        {"event": "slot", "timestamp": 2.0, "name": "country", "value": ["EE", 1, None, True]},
        {"event": "bot", "timestamp": 3.0, "text": "Hi!", "data": {"buttons": []}},
    ]
    with session(engine) as db:
        conversation_id = _conversation(db).id
        assert conversation_id is not None
        assert crud.load_events(session=db, conversation_id=conversation_id) == []
        crud.append_events(
            session=db, conversation_id=conversation_id, events=events[:2], first_seq=0
        )
    with session(engine) as db:
        crud.append_events(
            session=db, conversation_id=conversation_id, events=events[2:], first_seq=2
        )
    with session(engine) as db:
        assert crud.load_events(session=db, conversation_id=conversation_id) == events
        assert crud.count_events(session=db, conversation_id=conversation_id) == 4
        rows = db.exec(select(Event).order_by(Event.seq)).all()
        assert [(row.seq, row.event_type, row.timestamp) for row in rows] == [
            (0, "action", 1.0),
            (1, "user", 1_700_000_000.5),
            (2, "slot", 2.0),
            (3, "bot", 3.0),
        ]


def test_append_events_touches_updated_at(engine: Engine) -> None:
    with session(engine) as db:
        conversation = _conversation(db)
        created = conversation.updated_at
    with session(engine) as db:
        crud.append_events(
            session=db, conversation_id=conversation.id, events=[_user_event("x")], first_seq=0
        )
    with session(engine) as db:
        touched = crud.get_conversation(session=db, sender_id="tg:42")
        assert touched is not None
        assert touched.updated_at > created


def test_append_events_at_a_taken_seq_is_refused(engine: Engine) -> None:
    with session(engine) as db:
        conversation_id = _conversation(db).id
        crud.append_events(
            session=db, conversation_id=conversation_id, events=[_user_event("a")], first_seq=0
        )
    with pytest.raises(EventLogConflict), session(engine) as db:
        crud.append_events(
            session=db, conversation_id=conversation_id, events=[_user_event("b")], first_seq=0
        )
    with pytest.raises(EventLogConflict), session(engine) as db:  # a gap is refused too
        crud.append_events(
            session=db, conversation_id=conversation_id, events=[_user_event("c")], first_seq=5
        )
    with session(engine) as db:
        assert crud.load_events(session=db, conversation_id=conversation_id) == [_user_event("a")]


def test_event_unique_constraint_rejects_a_rewrite(engine: Engine) -> None:
    """The database itself refuses a second event at the same (conversation_id, seq)."""
    with session(engine) as db:
        conversation_id = _conversation(db).id
        crud.append_events(
            session=db, conversation_id=conversation_id, events=[_user_event("a")], first_seq=0
        )
    with pytest.raises(IntegrityError), session(engine) as db:
        db.add(
            Event(
                conversation_id=conversation_id,
                seq=0,
                event_type="user",
                timestamp=0.0,
                data=_user_event("rewritten"),
            )
        )
        db.flush()
    with session(engine) as db:
        assert crud.load_events(session=db, conversation_id=conversation_id) == [_user_event("a")]


@pytest.mark.parametrize("tricky", TRICKY_TEXTS)
def test_event_data_round_trips_byte_exact(engine: Engine, tricky: str) -> None:
    event = _user_event(tricky)
    event["parse_data"]["entities"] = [{"entity": tricky, "value": tricky}]
    event[tricky or "empty"] = {"nested": [tricky, {"deeper": tricky}]}
    sender_id = "web:" + tricky.replace("\x00", "")  # PostgreSQL text cannot hold NUL; JSON can
    with session(engine) as db:
        conversation = _conversation(db, sender_id=sender_id)
        crud.append_events(session=db, conversation_id=conversation.id, events=[event], first_seq=0)
    with session(engine) as db:
        found = crud.get_conversation(session=db, sender_id=sender_id)
        assert found is not None
        assert found.sender_id.encode("utf-8") == sender_id.encode("utf-8")
        (loaded,) = crud.load_events(session=db, conversation_id=found.id)
    assert loaded == event
    assert loaded["text"].encode("utf-8") == tricky.encode("utf-8")
    assert list(loaded) == list(event)  # key order is kept too


def test_claim_inbox_records_once_then_returns_the_entry(engine: Engine) -> None:
    with session(engine) as db:
        conversation_id = _conversation(db).id
        first = crud.claim_inbox(
            session=db,
            channel="telegram",
            message_id="1001",
            sender_id="tg:42",
            conversation_id=conversation_id,
        )
        assert first is None
    with session(engine) as db:
        again = crud.claim_inbox(
            session=db,
            channel="telegram",
            message_id="1001",
            sender_id="tg:42",
            conversation_id=conversation_id,
        )
        assert again is not None
        assert (again.answered_at, again.reply) == (None, None)
        crud.answer_inbox(session=db, entry_id=again.id, reply=[{"text": "Hi 😀", "buttons": []}])
    with session(engine) as db:
        answered = crud.get_inbox_entry(session=db, channel="telegram", message_id="1001")
        assert answered is not None
        assert answered.reply == [{"text": "Hi 😀", "buttons": []}]
        assert answered.answered_at is not None and answered.answered_at.tzinfo is not None
        # The same message id on another channel is another message.
        assert (
            crud.claim_inbox(
                session=db,
                channel="web",
                message_id="1001",
                sender_id="tg:42",
                conversation_id=conversation_id,
            )
            is None
        )
    assert _count(engine, "inbox_entry") == 2


def test_claim_inbox_unanswered_reply_is_sql_null(engine: Engine) -> None:
    with session(engine) as db:
        conversation_id = _conversation(db).id
        crud.claim_inbox(
            session=db,
            channel="rest",
            message_id="m",
            sender_id="tg:42",
            conversation_id=conversation_id,
        )
    with engine.connect() as connection:
        assert (
            connection.execute(
                text("SELECT count(*) FROM inbox_entry WHERE reply IS NULL")
            ).scalar_one()
            == 1
        )


def test_claim_inbox_racing_deliveries_record_exactly_once(engine: Engine) -> None:
    with session(engine) as db:
        conversation_id = _conversation(db).id
    barrier = threading.Barrier(8)
    results: list[InboxEntry | None] = []

    def deliver() -> None:
        barrier.wait()
        with session(engine) as db:
            results.append(
                crud.claim_inbox(
                    session=db,
                    channel="telegram",
                    message_id="dup",
                    sender_id="tg:42",
                    conversation_id=conversation_id,
                )
            )

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert results.count(None) == 1
    assert _count(engine, "inbox_entry") == 1


def test_answer_inbox_unknown_entry_raises(db_session: Session) -> None:
    with pytest.raises(NotFoundError):
        crud.answer_inbox(session=db_session, entry_id=12345, reply=[])


def test_delete_sender_data_leaves_nothing_behind(engine: Engine) -> None:
    with session(engine) as db:
        gone = _conversation(db, "tg:gone")
        kept = _conversation(db, "tg:kept")
        for conversation in (gone, kept):
            crud.append_events(
                session=db,
                conversation_id=conversation.id,
                events=[_user_event("my name is X"), _user_event("my email is x@example.org")],
                first_seq=0,
            )
            crud.claim_inbox(
                session=db,
                channel="telegram",
                message_id=f"{conversation.sender_id}-1",
                sender_id=conversation.sender_id,
                conversation_id=conversation.id,
            )
    with session(engine) as db:
        assert crud.delete_sender_data(session=db, sender_id="tg:gone") == 4
    with session(engine) as db:
        assert crud.get_conversation(session=db, sender_id="tg:gone") is None
        assert crud.load_events(session=db, conversation_id=gone.id) == []
        for model, column in (
            (Conversation, Conversation.sender_id),
            (InboxEntry, InboxEntry.sender_id),
        ):
            assert (
                db.exec(select(func.count()).select_from(model).where(column == "tg:gone")).one()
                == 0
            )
        assert db.exec(select(func.count()).where(Event.conversation_id == gone.id)).one() == 0
        # Nothing of the sender is left in any column of any row.
        for table in ("conversation", "event", "inbox_entry"):
            rows = db.execute(text(f"SELECT * FROM {table}")).all()
            assert "tg:gone" not in repr(rows)
        assert crud.delete_sender_data(session=db, sender_id="tg:gone") == 0
    assert (
        _count(engine, "conversation"),
        _count(engine, "event"),
        _count(engine, "inbox_entry"),
    ) == (1, 2, 1)


def test_deleting_a_conversation_cascades_in_the_database(engine: Engine) -> None:
    with session(engine) as db:
        conversation = _conversation(db)
        crud.append_events(
            session=db, conversation_id=conversation.id, events=[_user_event("a")], first_seq=0
        )
        crud.claim_inbox(
            session=db,
            channel="t",
            message_id="1",
            sender_id="tg:42",
            conversation_id=conversation.id,
        )
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM conversation"))
    assert (_count(engine, "event"), _count(engine, "inbox_entry")) == (0, 0)


def test_append_events_from_threads_keeps_every_log_in_order(engine: Engine) -> None:
    """50 conversations, each appended to turn by turn from its own thread, all at once."""
    conversations, turns, per_turn = 50, 6, 3
    with session(engine) as db:
        ids = [_conversation(db, f"c{n}").id for n in range(conversations)]
    barrier = threading.Barrier(conversations)
    errors: list[BaseException] = []

    def converse(conversation_id: int) -> None:
        try:
            barrier.wait()
            for turn in range(turns):
                with session(engine) as db:
                    seq = crud.count_events(session=db, conversation_id=conversation_id)
                    events = [
                        {
                            "event": "user",
                            "timestamp": float(seq + k),
                            "text": f"{conversation_id}/{seq + k}",
                        }
                        for k in range(per_turn)
                    ]
                    crud.append_events(
                        session=db, conversation_id=conversation_id, events=events, first_seq=seq
                    )
                    assert seq == turn * per_turn
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=converse, args=(cid,)) for cid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session(engine) as db:
        for conversation_id in ids:
            texts = [
                e["text"] for e in crud.load_events(session=db, conversation_id=conversation_id)
            ]
            assert texts == [f"{conversation_id}/{n}" for n in range(turns * per_turn)]
