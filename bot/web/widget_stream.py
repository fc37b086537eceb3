"""The widget's Server-Sent Events: messages appended to a conversation outside its turns.

`WidgetStreams` is the widget channel's outbound port (`bot.dialogue.outbound.Outbound`): a
delivery wakes the conversation's open streams in this process. A stream then reads the log
for bot events after the last one it sent, so what it sends is always what was stored; it also
reads every `POLL_SECONDS`, which reaches a stream held by another worker process. Between
reads no database connection is held.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from bot.dialogue.outbound import StoredMessage
from bot.storage import crud_sites, session
from bot.web.widget_messages import pushed

#: Seconds between reads of the log while no delivery wakes the stream.
POLL_SECONDS = 2.0
#: Seconds between comment lines that keep proxies from closing an idle stream.
KEEP_ALIVE_SECONDS = 15.0
#: How soon a client reconnects after the stream ends (EventSource's `retry`).
RETRY_MILLISECONDS = 3000


class WidgetStreams:
    """The open streams of this process, by conversation; wakes them on a delivery."""

    def __init__(self) -> None:
        self._waiting: defaultdict[str, set[asyncio.Event]] = defaultdict(set)

    async def deliver(self, sender_id: str, messages: Sequence[StoredMessage]) -> None:
        """Wake the conversation's streams: they read the stored messages and send them."""
        for wake in self._waiting.get(sender_id, ()):
            wake.set()

    @contextmanager
    def subscribe(self, sender_id: str) -> Iterator[asyncio.Event]:
        """An event set whenever a delivery for `sender_id` arrives, while the block runs."""
        wake = asyncio.Event()
        self._waiting[sender_id].add(wake)
        try:
            yield wake
        finally:
            self._waiting[sender_id].discard(wake)
            if not self._waiting[sender_id]:
                del self._waiting[sender_id]

    def open_streams(self) -> int:
        """How many streams are open in this process."""
        return sum(len(waiting) for waiting in self._waiting.values())


def sse_message(message: dict[str, Any]) -> str:
    """One message as an SSE event, its seq as the event id (`Last-Event-ID` on reconnect)."""
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    return f"id: {message['seq']}\nevent: message\ndata: {data}\n\n"


def _read_after(engine: Engine, sender_id: str, after: int) -> list[tuple[int, dict[str, Any]]]:
    with session(engine) as db:
        _, events = crud_sites.read_messages(
            session=db, sender_id=sender_id, after_seq=after, kinds=("bot",)
        )
    return events


def latest_seq(engine: Engine, sender_id: str) -> int:
    """The seq of the conversation's latest event (-1 for none): where a new stream starts."""
    with session(engine) as db:
        return crud_sites.last_seq(session=db, sender_id=sender_id)


async def stream_messages(
    *,
    engine: Engine,
    streams: WidgetStreams,
    sender_id: str,
    after: int,
    stopping: Callable[[], bool],
) -> AsyncIterator[str]:
    """SSE text for the bot messages appended outside turns with seq greater than `after`,
    until `stopping()` (the server drains) or the client goes (the task is cancelled)."""
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    last_sent = time.monotonic()
    with streams.subscribe(sender_id) as wake:
        while not stopping():
            events = await run_in_threadpool(_read_after, engine, sender_id, after)
            for message in pushed(events):
                yield sse_message(message)
                last_sent = time.monotonic()
            if events:
                after = events[-1][0]
            if time.monotonic() - last_sent >= KEEP_ALIVE_SECONDS:
                yield ": keep-alive\n\n"
                last_sent = time.monotonic()
            with suppress(TimeoutError):  # no delivery: read the log anyway (other workers)
                await asyncio.wait_for(wake.wait(), POLL_SECONDS)
            wake.clear()
