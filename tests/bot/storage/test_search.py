"""Full-text search over user messages, alike on SQLite (FTS5) and PostgreSQL (GIN tsvector):
words match as prefixes, case and accents do not matter, every word must be in one message,
a sender id finds its conversation, and query syntax is never interpreted."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.storage import crud, session
from bot.storage.models_console import ConversationSummary
from bot.storage.search import matching_conversations, query_words

MESSAGES = {
    "tg:gdansk": ["We are in Gdańsk", "we build Laser cutters"],
    "tg:helsinki": ["a bakery in Helsinki", "lasers? no"],
    "w:site/visitor-7": ["hello"],
}


@pytest.fixture
def stored(engine: Engine) -> Engine:
    for sender, texts in MESSAGES.items():
        with session(engine) as db:
            conversation = crud.get_or_create_conversation(
                session=db, sender_id=sender, channel="rest"
            )
            events = [{"event": "user", "timestamp": time.time(), "text": t} for t in texts]
            crud.append_events(
                session=db, conversation_id=int(conversation.id), events=events, first_seq=0
            )  # type: ignore[arg-type]
    return engine


def _found(engine: Engine, query: str) -> set[str]:
    with session(engine) as db:
        condition = matching_conversations(query, engine.dialect.name)
        return set(db.exec(select(ConversationSummary.sender_id).where(condition)).all())


@pytest.mark.parametrize(
    ("query", "senders"),
    [
        ("gdansk", {"tg:gdansk"}),
        ("GDAŃSK", {"tg:gdansk"}),
        ("laser", {"tg:gdansk", "tg:helsinki"}),  # a prefix of "lasers"
        ("las", {"tg:gdansk", "tg:helsinki"}),
        ("laser cutters", {"tg:gdansk"}),
        ("bakery laser", set()),  # both words, but not in one message
        ("tg:", set()),  # a sender id matches whole
        ("w:site/visitor-7", {"w:site/visitor-7"}),
        ("nothing", set()),
        ('"unbalanced', set()),
        ("NEAR(a b) OR * AND -x", set()),
        ("a' ; drop table conversation; --", set()),
        ("   ", set()),
    ],
)
def test_search_matches_words_in_one_message_or_the_sender_id(
    stored: Engine, query: str, senders: set[str]
) -> None:
    assert _found(stored, query) == senders


def test_query_words_are_folded_and_bounded() -> None:
    assert query_words("Skåne, ÅLAND!") == ["skane", "aland"]
    assert len(query_words(" ".join(["w"] * 50))) == 8
