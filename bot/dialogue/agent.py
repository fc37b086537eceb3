"""The agent: runs one turn of a conversation, from a received message to stored replies.

Per message: lock the conversation, record the message in the inbox (a redelivery gets the
first answer again), load the event log, understand the message, run the turn, then store the
new events and the reply in one transaction.

The trackers of recent conversations stay in memory between their turns, so a turn reads only
the events stored since (by another worker, if any), not the whole log; a tracker read afresh
starts at the current session's start, which is all the dialogue needs.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.dialogue.choices import ChoiceReader
from bot.dialogue.domain import Domain
from bot.dialogue.messages import BotMessage, UserMessage
from bot.dialogue.outbound import OUTSIDE_TURN, KeptForNextAnswer, Outbound, StoredMessage
from bot.dialogue.payload import parse_payload
from bot.dialogue.processor import Processor
from bot.dialogue.responses import render_response
from bot.dialogue.text_input import clean_text
from bot.dialogue.tracker import DialogueTracker, slot_event, user_event
from bot.observability import metrics
from bot.storage import crud, inbox
from bot.storage.db import is_postgres, session
from bot.storage.locks import (
    DEFAULT_WAIT_SECONDS,
    LOCK_CONNECTIONS,
    ConversationBusy,
    ConversationLocks,
    Held,
)
from bot.storage.models import utcnow

if TYPE_CHECKING:
    from nlu.language import Detection, LanguageDetector

logger = logging.getLogger(__name__)

NOT_SPOKEN_RESPONSE = "utter_language_not_spoken"
NOT_SPOKEN_INTENT = "unsupported_language"
TOO_LONG_RESPONSE = "utter_message_too_long"
EMPTY_RESPONSE = "utter_empty_message"
#: An event an action returns to have the sender's data erased when the turn ends
#: (`actions.privacy.ERASE_EVENT`); it is honoured here, never stored.
ERASE_EVENT = "erase_sender_data"
#: Storage threads on PostgreSQL: one per turn that may hold a connection, and two more for
#: erasures and tracker reads. No storage call ever waits for a lock, so this never starves.
STORAGE_THREADS_POSTGRES = LOCK_CONNECTIONS + 2
BUSY_RESPONSE = "utter_busy"
#: Said when staff hand a conversation back to the assistant, before the journey goes on.
RESUMED_RESPONSE = "utter_handoff_ended"
#: Seconds a client is asked to wait before retrying a refused turn.
RETRY_AFTER_SECONDS = 2
#: How many conversations' trackers stay in memory between turns (the least recent go first).
TRACKERS_KEPT = 256


@dataclass(frozen=True)
class _KeptTracker:
    """A conversation's tracker as its last turn left it, and the conversation row it is of."""

    conversation_id: int
    tracker: DialogueTracker


@dataclass(frozen=True)
class _OpenedTurn:
    """What the first transaction of a turn found: the tracker, or the reply already given."""

    conversation_id: int
    tracker: DialogueTracker | None
    stored_reply: list[dict[str, Any]] | None


class TurnRefused(Exception):
    """A turn that was not run: the conversation stayed busy, or the server is shutting down.

    Nothing of the message was stored; the client may send it again after `retry_after`
    seconds. `reply` is what to tell a person, when the channel shows text.
    """

    def __init__(self, reason: str, reply: list[BotMessage], retry_after: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reply = reply
        self.retry_after = retry_after


class Interpreter(Protocol):
    """What the agent needs of an NLU model."""

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's parse shape for the text."""
        ...


class Agent:
    """Owns the turn: inbox, lock, tracker, NLU, processor and storage."""

    def __init__(
        self,
        *,
        processor: Processor,
        engine: Engine,
        interpreter_for: Callable[[str], Interpreter],
        default_language: str,
        max_message_chars: int,
        languages: frozenset[str] = frozenset(),
        language_detector: LanguageDetector | None = None,
        choices: ChoiceReader | None = None,
        lock_wait_seconds: float = DEFAULT_WAIT_SECONDS,
    ) -> None:
        self.processor = processor
        self.domain: Domain = processor.domain
        self._engine = engine
        # SQLite has one writer: a single storage thread queues writes instead of letting
        # threads collide on the file lock. PostgreSQL takes many at once. Every blocking
        # database call of a turn (lock, open, close, unlock) runs here, never in Python's
        # default thread pool, which actions and libraries share.
        workers = STORAGE_THREADS_POSTGRES if is_postgres(engine) else 1
        self._storage = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="storage")
        self._locks = ConversationLocks(
            engine, wait_seconds=lock_wait_seconds, executor=self._storage
        )
        self._draining = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._interpreter_for = interpreter_for
        self._default_language = default_language
        self._languages = languages or frozenset({default_language})
        self._max_chars = max_message_chars
        self._detector = language_detector
        self._choices = choices or ChoiceReader()  # titles and numbers, in any language
        # Touched only on the event loop; a turn takes its conversation's tracker out while it
        # runs and puts it back once its events are stored, so a failed turn leaves none.
        self._kept: OrderedDict[str, _KeptTracker] = OrderedDict()
        self._outbound: dict[str, Outbound] = {}  # by channel: messages outside turns

    async def handle(self, message: UserMessage, *, refuse: bool = False) -> list[BotMessage]:
        """Answer one message; a redelivered message id returns the first answer.

        When the conversation stays busy past the lock wait, a person is told so politely
        (`utter_busy`); with `refuse` (API clients, which retry by status) `TurnRefused` is
        raised instead.

        Raises:
            TurnRefused: the server is shutting down, or the conversation is busy and `refuse`.
        """
        if self._draining:
            raise TurnRefused("shutting down", self.busy_reply(), RETRY_AFTER_SECONDS)
        self._in_flight += 1
        self._idle.clear()
        try:
            with metrics.turn(message.channel, message.sender_id):
                return await self._handle(message)
        except ConversationBusy as busy:
            logger.warning("conversation %s: busy after %.1fs", busy.sender_id, busy.waited)
            if refuse:
                raise TurnRefused("busy", self.busy_reply(), RETRY_AFTER_SECONDS) from busy
            return self.busy_reply()
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    def busy_reply(self) -> list[BotMessage]:
        """The polite "busy, please try again" message (`utter_busy`, default language)."""
        rendered = render_response(self.domain, BUSY_RESPONSE, {})
        return [BotMessage.from_rasa(rendered)] if rendered is not None else []

    @property
    def draining(self) -> bool:
        """Whether new turns are refused because the server is shutting down."""
        return self._draining

    async def drain(self, timeout: float) -> bool:
        """Refuse new turns and wait up to `timeout` seconds for the running ones to end.

        Returns:
            Whether every running turn ended in time.
        """
        self._draining = True
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            logger.warning(
                "shutdown: %d turn(s) still running after %.0fs", self._in_flight, timeout
            )
            return False
        return True

    async def database_ready(self, timeout: float = 2.0) -> bool:
        """Whether the database answers a trivial query within `timeout` seconds."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                await loop.run_in_executor(self._storage, self._ping)
        except Exception:
            logger.warning("readiness: the database did not answer", exc_info=True)
            return False
        return True

    def model_loaded(self) -> bool:
        """Whether the NLU model of the default language is loaded (it is, once built)."""
        try:
            return self._interpreter_for(self._default_language) is not None
        except Exception:
            return False

    def _ping(self) -> None:
        with self._engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def recover_inbox(self, older_than_seconds: float) -> inbox.Recovery:
        """Report messages accepted but never answered (a worker died mid-turn); a retry of
        such a message runs its turn, since nothing of it was stored."""
        with session(self._engine) as db:
            return inbox.recover(session=db, older_than_seconds=older_than_seconds)

    async def _handle(self, message: UserMessage) -> list[BotMessage]:
        message_id = message.message_id or uuid.uuid4().hex
        arrived = utcnow()  # a retry of a message answered since then gets that answer
        waited = time.perf_counter()
        async with self._locks.hold(message.sender_id) as held:
            metrics.LOCK_WAIT_SECONDS.observe(time.perf_counter() - waited)
            # Storage runs in a worker thread, so other conversations' turns go on meanwhile.
            loop = asyncio.get_running_loop()
            kept = self._kept.pop(message.sender_id, None)
            opened = await loop.run_in_executor(
                self._storage, self._open_turn, held, message, (message_id, arrived), kept
            )
            if opened.stored_reply is not None or opened.tracker is None:
                if kept is not None:
                    self._keep(message.sender_id, kept)
                return [BotMessage.from_rasa(m) for m in opened.stored_reply or []]
            tracker = opened.tracker
            reply = self._kept_for_this_answer(tracker, message.channel)
            first_new = tracker.next_seq
            await self._run_turn(tracker, message, message_id)
            new_events = tracker.events_from(first_new)
            reply += [_bot_message(e) for e in new_events if e["event"] == "bot"]
            stored = await loop.run_in_executor(
                self._storage,
                self._close_turn,
                held,
                message,
                message_id,
                opened.conversation_id,
                (first_new, new_events),
                [m.to_rasa(message.sender_id) for m in reply],
            )
            if stored:
                self._keep(message.sender_id, _KeptTracker(opened.conversation_id, tracker))
        return reply

    def _kept_for_this_answer(self, tracker: DialogueTracker, channel: str) -> list[BotMessage]:
        """On a channel that cannot push (`KeptForNextAnswer`), the messages appended outside
        turns since the person last wrote: they go before this turn's reply."""
        if not isinstance(self._outbound.get(channel), KeptForNextAnswer):
            return []
        waiting: list[BotMessage] = []
        for event in reversed(tracker.events):
            if event["event"] == "user":
                break
            if event["event"] == "bot" and (event.get("metadata") or {}).get(OUTSIDE_TURN):
                waiting.append(_bot_message(event))
        return waiting[::-1]

    def _keep(self, sender_id: str, kept: _KeptTracker) -> None:
        self._kept[sender_id] = kept
        while len(self._kept) > TRACKERS_KEPT:
            self._kept.popitem(last=False)

    @contextmanager
    def _turn_session(self, held: Held) -> Iterator[Session]:
        """A unit of work on the connection holding the conversation's lock (PostgreSQL), so a
        turn never waits for a second connection while holding one; else on the engine."""
        if held.connection is None:
            with session(self._engine) as db:
                yield db
            return
        with session(held.connection) as db:
            yield db

    def _open_turn(
        self,
        held: Held,
        message: UserMessage,
        received: tuple[str, datetime],
        kept: _KeptTracker | None,
    ) -> _OpenedTurn:
        message_id, arrived = received
        with self._turn_session(held) as db:
            conversation_id = crud.conversation_id_of(
                session=db, sender_id=message.sender_id, channel=message.channel
            )
            seen = inbox.claim(
                session=db,
                channel=message.channel,
                message_id=message_id,
                sender_id=message.sender_id,
                conversation_id=conversation_id,
                arrived_at=arrived,
            )
            if seen is not None and seen.sender_id != message.sender_id:
                logger.warning(
                    "message id %s on %s reused by another sender; not deduplicated",
                    message_id,
                    message.channel,
                )
                seen = None
            elif seen is not None and seen.reply is not None:
                return _OpenedTurn(conversation_id, None, seen.reply)
            tracker = self._load_tracker(db, conversation_id, message.sender_id, kept)
            return _OpenedTurn(conversation_id, tracker, None)

    def _load_tracker(
        self, db: Session, conversation_id: int, sender_id: str, kept: _KeptTracker | None
    ) -> DialogueTracker:
        """The kept tracker with the events stored since its turn, if it still fits the log;
        else a tracker read from the current session's start."""
        if kept is not None and kept.conversation_id == conversation_id and kept.tracker.events:
            tracker = kept.tracker
            last = tracker.events[-1]
            rows = crud.load_events(
                session=db, conversation_id=conversation_id, from_seq=tracker.next_seq - 1
            )
            # The log must still hold this tracker's last event where it left it (an erased
            # and recreated conversation may reuse the row id, never the event's time).
            if rows and (rows[0].get("event"), rows[0].get("timestamp")) == (
                last["event"],
                last.get("timestamp"),
            ):
                for event in rows[1:]:
                    tracker.append(event)
                return tracker
        first = crud.session_start_seq(session=db, conversation_id=conversation_id)
        events = crud.load_events(session=db, conversation_id=conversation_id, from_seq=first)
        return DialogueTracker(sender_id, self.domain, events, first_seq=first)

    def _close_turn(
        self,
        held: Held,
        message: UserMessage,
        message_id: str,
        conversation_id: int,
        new: tuple[int, list[dict[str, Any]]],
        reply: list[dict[str, Any]],
    ) -> bool:
        """Store the turn; False when the conversation was erased instead."""
        first_seq, new_events = new
        with self._turn_session(held) as db:
            if any(e["event"] == ERASE_EVENT for e in new_events):
                # Instead of storing the turn: erase all, the request included; keep only the
                # receipt for a redelivery. The next message starts a new, empty conversation.
                deleted = crud.delete_sender_data_answering(
                    session=db,
                    sender_id=message.sender_id,
                    channel=message.channel,
                    message_id=message_id,
                    reply=reply,
                )
                logger.info(
                    "conversation %s: erased on request (%d rows)", message.sender_id, deleted
                )
                return False
            crud.append_events(
                session=db,
                conversation_id=conversation_id,
                events=new_events,
                first_seq=first_seq,
                log_end_read=True,  # `_open_turn` read the log to its end under this lock
            )
            crud.answer_inbox_message(
                session=db,
                channel=message.channel,
                message_id=message_id,
                sender_id=message.sender_id,
                reply=reply,
            )
        return True

    async def _run_turn(
        self, tracker: DialogueTracker, message: UserMessage, message_id: str
    ) -> None:
        await self.processor.start_session_if_due(tracker, time.time())
        self._adopt_language(tracker, message.metadata)
        text, truncated = clean_text(message.text, self._max_chars)
        metadata = {k: v for k, v in message.metadata.items() if k != "message_id"}
        if truncated:
            metadata["truncated"] = True
        if truncated or not text.strip():
            event = user_event(
                text,
                {"intent": {"name": None, "confidence": 0.0}, "entities": [], "text": text},
                channel=message.channel,
                message_id=message_id,
                metadata=metadata,
            )
            response = TOO_LONG_RESPONSE if truncated else EMPTY_RESPONSE
            await self.processor.reply_and_forget(tracker, event, response)
            return
        if (foreign := self._follow_language(tracker, text)) is not None:
            parse = _not_spoken_parse(text, foreign)
            event = user_event(
                text, parse, channel=message.channel, message_id=message_id, metadata=metadata
            )
            await self._say_not_spoken(tracker, event, foreign)
            return
        parse = (
            parse_payload(text, self.domain)
            or self._choices.parse(text, tracker, self._default_language)
            or self._parse(tracker, text)
        )
        event = user_event(
            text, parse, channel=message.channel, message_id=message_id, metadata=metadata
        )
        await self.processor.handle_user_event(tracker, event)

    def _adopt_language(self, tracker: DialogueTracker, metadata: dict[str, Any]) -> None:
        """A new conversation speaks the channel's language (Telegram's `language_code`, the
        widget page's `language`) when the assistant has a model for it."""
        if tracker.has_user_message:
            return
        code = str(metadata.get("language") or metadata.get("language_code") or "")
        language = code.split("-")[0].lower()
        if language in self._languages and language != tracker.get_slot("language"):
            tracker.append(slot_event("language", language))

    def _follow_language(self, tracker: DialogueTracker, text: str) -> Detection | None:
        """Switch the conversation to a spoken language the message is confidently in; return
        the detection when that language is one the assistant does not speak."""
        if self._detector is None or parse_payload(text, self.domain) is not None:
            return None
        current = str(tracker.get_slot("language") or self._default_language)
        found = self._detector.detect(text, prefer=[current, *sorted(self._languages)])
        if found is None or found.language == current:
            return None
        if found.language not in self._languages:
            return found
        tracker.append(slot_event("language", found.language))
        return None

    async def _say_not_spoken(
        self, tracker: DialogueTracker, event: dict[str, Any], found: Detection
    ) -> None:
        """Say which languages the assistant speaks, greeting in the message's language; the
        message is logged and reverted, so no form, slot or rule ever sees it."""
        assert self._detector is not None
        known = self._detector.languages
        spoken = sorted(self._languages, key=lambda c: (c != self._default_language, c))
        await self.processor.reply_and_forget(
            tracker,
            event,
            NOT_SPOKEN_RESPONSE,
            greeting=known[found.language].greeting,
            language=known[found.language].label,
            languages=", ".join(known[c].label if c in known else c for c in spoken),
        )

    def _parse(self, tracker: DialogueTracker, text: str) -> dict[str, Any]:
        language = tracker.get_slot("language") or self._default_language
        try:
            with metrics.NLU_SECONDS.time():
                return self._interpreter_for(str(language)).parse(text)
        except Exception:  # a model bug must not lose the message
            logger.exception("conversation %s: NLU failed; using fallback", tracker.sender_id)
            return {
                "text": text,
                "intent": {"name": "nlu_fallback", "confidence": 0.0},
                "intent_ranking": [],
                "entities": [],
            }

    async def erase_sender_data(self, sender_id: str) -> int:
        """Erase everything stored about a sender between its turns (a channel's own command);
        returns the number of rows deleted."""
        async with self._locks.hold(sender_id) as held:
            self._kept.pop(sender_id, None)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._storage, self._erase, held, sender_id)

    def _erase(self, held: Held, sender_id: str) -> int:
        with self._turn_session(held) as db:
            return crud.delete_sender_data(session=db, sender_id=sender_id)

    async def tracker_state(
        self, sender_id: str, include_events: str = "AFTER_RESTART"
    ) -> dict[str, Any] | None:
        """The conversation in Rasa's tracker shape, or None if it does not exist.

        Args:
            sender_id: the conversation id.
            include_events: `ALL`, `APPLIED`, `AFTER_RESTART` (Rasa's default) or `NONE`.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._storage, self._tracker_state, sender_id, include_events
        )

    def _tracker_state(self, sender_id: str, include_events: str) -> dict[str, Any] | None:
        """Read and replay the whole log: storage and CPU work kept off the event loop."""
        with session(self._engine) as db:
            conversation = crud.get_conversation(session=db, sender_id=sender_id)
            if conversation is None:
                return None
            events = crud.load_events(session=db, conversation_id=int(conversation.id))  # type: ignore[arg-type]
        return DialogueTracker(sender_id, self.domain, events).current_state(include_events)

    @property
    def languages(self) -> frozenset[str]:
        """The languages the assistant speaks (see `BotData.spoken`)."""
        return self._languages

    @property
    def default_language(self) -> str:
        """The language of a conversation until another one is chosen or detected."""
        return self._default_language

    def set_outbound(self, channel: str, port: Outbound) -> None:
        """Deliver the messages appended outside turns to `channel`'s conversations via `port`."""
        self._outbound[channel] = port

    async def append_events(
        self, sender_id: str, events: list[dict[str, Any]]
    ) -> list[StoredMessage] | None:
        """Append events to a conversation between its turns (a staff reply, a reminder):
        stored first, under the conversation's lock, then delivered on its channel.

        Bot events are marked `outside_turn` in their metadata, so a channel can tell them
        from the replies it returned itself.

        Args:
            sender_id: the conversation id.
            events: Rasa events (`bot`, `slot`...), in order.

        Returns:
            The bot messages appended, with their seq; None if there is no such conversation.
        """
        marked = [_outside_turn(event) for event in events]
        async with self._locks.hold(sender_id) as held:
            loop = asyncio.get_running_loop()
            stored = await loop.run_in_executor(
                self._storage, self._append, held, sender_id, marked
            )
        if stored is None:
            return None
        channel, first_seq = stored
        messages = _stored_messages(first_seq, marked)
        await self._deliver(channel, sender_id, messages)
        return messages

    async def hand_back(
        self, sender_id: str, response: str | None = RESUMED_RESPONSE
    ) -> list[StoredMessage] | None:
        """End a pause (a person hands the conversation back): append Rasa's `resume`, say
        `response`, and let the journey go on where it was (an active form asks its question
        again). Stored under the conversation's lock, then delivered on its channel.

        Returns:
            The bot messages appended, with their seq; None if there is no such conversation.
        """
        async with self._locks.hold(sender_id) as held:
            loop = asyncio.get_running_loop()
            kept = self._kept.pop(sender_id, None)
            loaded = await loop.run_in_executor(
                self._storage, self._load_between_turns, held, sender_id, kept
            )
            if loaded is None:
                return None
            conversation_id, channel, tracker = loaded
            first_new = tracker.next_seq
            await self.processor.resume(tracker, response)
            new_events = tracker.events_from(first_new)
            for event in new_events:  # marked in place: the kept tracker must match the log
                if event["event"] == "bot":
                    event["metadata"] = {**(event.get("metadata") or {}), OUTSIDE_TURN: True}
            await loop.run_in_executor(
                self._storage,
                self._store_between_turns,
                held,
                conversation_id,
                first_new,
                new_events,
            )
            self._keep(sender_id, _KeptTracker(conversation_id, tracker))
        messages = _stored_messages(first_new, new_events)
        await self._deliver(channel, sender_id, messages)
        return messages

    def _load_between_turns(
        self, held: Held, sender_id: str, kept: _KeptTracker | None
    ) -> tuple[int, str, DialogueTracker] | None:
        with self._turn_session(held) as db:
            conversation = crud.get_conversation(session=db, sender_id=sender_id)
            if conversation is None or conversation.id is None:
                return None
            tracker = self._load_tracker(db, conversation.id, sender_id, kept)
            return conversation.id, conversation.channel, tracker

    def _store_between_turns(
        self, held: Held, conversation_id: int, first_seq: int, events: list[dict[str, Any]]
    ) -> None:
        with self._turn_session(held) as db:
            crud.append_events(
                session=db,
                conversation_id=conversation_id,
                events=events,
                first_seq=first_seq,
                log_end_read=True,  # `_load_between_turns` read the log to its end under the lock
            )

    async def _deliver(self, channel: str, sender_id: str, messages: list[StoredMessage]) -> None:
        port = self._outbound.get(channel)
        if port is not None and messages:
            try:
                await port.deliver(sender_id, messages)
            except Exception:  # stored already: the channel reads it from the log later
                logger.exception("conversation %s: delivery on %s failed", sender_id, channel)

    def _append(
        self, held: Held, sender_id: str, events: list[dict[str, Any]]
    ) -> tuple[str, int] | None:
        with self._turn_session(held) as db:
            conversation = crud.get_conversation(session=db, sender_id=sender_id)
            if conversation is None or conversation.id is None:
                return None
            first_seq = crud.count_events(session=db, conversation_id=conversation.id)
            crud.append_events(
                session=db, conversation_id=conversation.id, events=events, first_seq=first_seq
            )
            return conversation.channel, first_seq

    @property
    def engine(self) -> Engine:
        """The database this agent stores in: the process's one engine for it, which the
        composition root also hands to the actions and the web APIs."""
        return self._engine

    async def close(self) -> None:
        """Release the action runner and the database engine."""
        await self.processor.close()
        self._locks.dispose()
        # Storage calls are short and never wait for a lock; queued ones are dropped.
        self._storage.shutdown(wait=True, cancel_futures=True)
        self._engine.dispose()


def _stored_messages(first_seq: int, events: list[dict[str, Any]]) -> list[StoredMessage]:
    """The bot messages among events stored from `first_seq` on, with their seq."""
    return [
        StoredMessage(first_seq + offset, _bot_message(event), float(event["timestamp"]))
        for offset, event in enumerate(events)
        if event["event"] == "bot"
    ]


def _bot_message(event: dict[str, Any]) -> BotMessage:
    data = event.get("data") or {}
    return BotMessage.from_rasa({"text": event.get("text"), **data})


def _outside_turn(event: dict[str, Any]) -> dict[str, Any]:
    """The event with a timestamp, and, for a bot event, marked as added outside a turn."""
    marked = {**event, "timestamp": event.get("timestamp") or time.time()}
    if marked.get("event") == "bot":
        marked["metadata"] = {**(marked.get("metadata") or {}), OUTSIDE_TURN: True}
    return marked


def _not_spoken_parse(text: str, found: Detection) -> dict[str, Any]:
    """Parse data that records why the message was not understood (the NLU never ran)."""
    return {
        "text": text,
        "intent": {"name": NOT_SPOKEN_INTENT, "confidence": found.confidence},
        "entities": [],
        "language": {"name": found.language, "confidence": found.confidence},
    }
