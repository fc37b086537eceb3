"""Derived message ids and their window: a retry is answered once, a later repeat is new."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.storage import crud, inbox
from bot.storage.models import InboxEntry, utcnow


def _conversation(db: Session, sender: str) -> int:
    conversation = crud.get_or_create_conversation(session=db, sender_id=sender, channel="rest")
    return int(conversation.id)  # type: ignore[arg-type]


def _claim(db: Session, message_id: str, sender: str = "s1") -> InboxEntry | None:
    return inbox.claim(
        session=db,
        channel="rest",
        message_id=message_id,
        sender_id=sender,
        conversation_id=_conversation(db, sender),
    )


def test_derived_ids_are_stable_and_tell_bodies_senders_and_sequences_apart() -> None:
    one = inbox.derived_message_id("rest", "s1", b'{"message":"yes"}', None)
    assert one == inbox.derived_message_id("rest", "s1", b'{"message":"yes"}', None)
    assert one.startswith(inbox.WINDOWED_PREFIX)
    assert one != inbox.derived_message_id("rest", "s2", b'{"message":"yes"}', None)
    assert one != inbox.derived_message_id("rest", "s1", b'{"message":"no"}', None)
    sequenced = inbox.derived_message_id("rest", "s1", b'{"message":"yes"}', "7")
    assert sequenced.startswith(inbox.SEQUENCED_PREFIX)
    assert sequenced != inbox.derived_message_id("rest", "s1", b'{"message":"yes"}', "8")


def _answer(db: Session, message_id: str) -> None:
    crud.answer_inbox_message(
        session=db, channel="rest", message_id=message_id, sender_id="s1", reply=[]
    )


def _claim_arrived(db: Session, message_id: str, arrived: datetime) -> InboxEntry | None:
    return inbox.claim(
        session=db,
        channel="rest",
        message_id=message_id,
        sender_id="s1",
        conversation_id=_conversation(db, "s1"),
        arrived_at=arrived,
    )


def test_retry_that_arrived_while_the_first_was_running_gets_its_answer(
    db_session: Session,
) -> None:
    message_id = inbox.derived_message_id("rest", "s1", b"yes", None)
    assert _claim(db_session, message_id) is None
    arrived = utcnow()  # the retry arrives, then waits for the conversation
    _answer(db_session, message_id)
    seen = _claim_arrived(db_session, message_id, arrived)
    assert seen is not None and seen.reply == []


def test_same_text_after_its_answer_is_a_new_message(db_session: Session) -> None:
    """ "No" pressed for two questions in a row: both are answered."""
    message_id = inbox.derived_message_id("rest", "s1", b"/deny", None)
    assert _claim(db_session, message_id) is None
    _answer(db_session, message_id)
    assert _claim_arrived(db_session, message_id, utcnow()) is None  # new; the old one retired
    assert len(db_session.exec(select(InboxEntry)).all()) == 2


def test_retry_older_than_the_window_is_a_new_message(db_session: Session) -> None:
    message_id = inbox.derived_message_id("rest", "s1", b"yes", None)
    assert _claim(db_session, message_id) is None
    arrived = utcnow()
    _answer(db_session, message_id)
    old = utcnow() - timedelta(seconds=inbox.WINDOW_SECONDS + 1)
    db_session.execute(update(InboxEntry).values(received_at=old))
    assert _claim_arrived(db_session, message_id, arrived) is None


def test_unanswered_entry_is_never_retired_and_is_found_by_recovery(db_session: Session) -> None:
    message_id = inbox.derived_message_id("rest", "s1", b"yes", None)
    assert _claim(db_session, message_id) is None
    old = utcnow() - timedelta(seconds=inbox.WINDOW_SECONDS + 1)
    db_session.execute(update(InboxEntry).values(received_at=old))
    seen = _claim(db_session, message_id)
    assert seen is not None and seen.reply is None  # the retry runs the turn
    found = inbox.recover(session=db_session, older_than_seconds=10)
    assert found.unanswered == 1
    assert found.oldest_seconds is not None and found.oldest_seconds > inbox.WINDOW_SECONDS


def test_client_ids_are_never_windowed(db_session: Session) -> None:
    assert _claim(db_session, "m1@abc") is None
    crud.answer_inbox_message(
        session=db_session, channel="rest", message_id="m1@abc", sender_id="s1", reply=[]
    )
    db_session.execute(
        update(InboxEntry)
        .where(col(InboxEntry.message_id) == "m1@abc")
        .values(received_at=utcnow() - timedelta(days=1))
    )
    assert _claim(db_session, "m1@abc") is not None
